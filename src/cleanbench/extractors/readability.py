"""readability-lxml: `Document(html).summary()`, then the summary's visible text, one line per block."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter
from cleanbench.gold.visible import visible_text


class Readability(Adapter):
    name = "readability"
    package = "readability-lxml"
    options = {"output": "summary, visible text"}
    requires = ("readability", "lxml_html_clean")
    license = "Apache-2.0"

    def load(self) -> None:
        from readability import Document

        self._tool = Document

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return visible_text(self._tool(html).summary())

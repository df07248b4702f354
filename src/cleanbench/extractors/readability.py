"""readability-lxml: `Document(html).summary(html_partial=True)`, then its visible text, one line per block.

`html_partial=True` returns the article's own element: with the full-document summary, readability's
sanitiser can drop its own wrapper div (link density over its limit) and return nothing (AEB page
35b158: empty, instead of the published F1 0.856).
"""

from __future__ import annotations

from cleanbench.extractors.base import Adapter
from cleanbench.gold.visible import visible_text


class Readability(Adapter):
    name = "readability"
    package = "readability-lxml"
    options = {"html_partial": True}
    note = "visible text of the summary, one line per block"
    requires = ("readability", "lxml_html_clean")
    license = "Apache-2.0"

    def load(self) -> None:
        from readability import Document

        self._tool = Document

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return visible_text(self._tool(html).summary(**self.options))

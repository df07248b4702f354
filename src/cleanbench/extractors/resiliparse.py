"""Resiliparse's `extract_plain_text` in main-content mode, comments left out."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class Resiliparse(Adapter):
    name = "resiliparse"
    package = "Resiliparse"
    options = {"main_content": True, "comments": False}
    requires = ("resiliparse",)
    license = "Apache-2.0"

    def load(self) -> None:
        from resiliparse.extract.html2text import extract_plain_text

        self._tool = extract_plain_text

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return self._tool(html, **self.options)

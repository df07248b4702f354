"""html-text: the whole page's text with its layout guesses (a full-page reference)."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class HtmlText(Adapter):
    name = "html-text"
    package = "html-text"
    options = {"guess_layout": True, "guess_punct_space": True}
    requires = ("html_text",)
    license = "MIT"

    def load(self) -> None:
        from html_text import extract_text

        self._tool = extract_text

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return self._tool(html, **self.options)

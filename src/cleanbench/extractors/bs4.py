"""BeautifulSoup's `get_text` over the lxml tree, one string per line (a full-page reference)."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class BeautifulSoupText(Adapter):
    name = "bs4"
    package = "beautifulsoup4"
    options = {"features": "lxml", "separator": "\n", "strip": True}
    requires = ("bs4", "lxml")
    license = "MIT"

    def load(self) -> None:
        from bs4 import BeautifulSoup

        self._tool = BeautifulSoup

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        soup = self._tool(html, features=self.options["features"])
        return soup.get_text(separator=str(self.options["separator"]), strip=bool(self.options["strip"]))

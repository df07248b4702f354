"""inscriptis: the whole page rendered as text (a full-page reference, not a main-content extractor)."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class Inscriptis(Adapter):
    name = "inscriptis"
    package = "inscriptis"
    options = {}
    requires = ("inscriptis",)
    license = "Apache-2.0"

    def load(self) -> None:
        from inscriptis import get_text

        self._tool = get_text

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return self._tool(html)

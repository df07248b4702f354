"""boilerpy3 (a Python port of boilerpipe): its ArticleExtractor."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class Boilerpy3(Adapter):
    name = "boilerpy3"
    package = "boilerpy3"
    options = {"extractor": "ArticleExtractor"}
    requires = ("boilerpy3",)
    license = "Apache-2.0"

    def load(self) -> None:
        from boilerpy3 import extractors

        self._tool = getattr(extractors, str(self.options["extractor"]))()

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return self._tool.get_content(html)

"""newspaper4k on the given HTML: an `Article` parsed without downloading anything.

The page goes in through `download(input_html=...)`, which never fetches; meta-refresh following and
image fetching, the other two ways it reaches the network, are off. `max_text=None` lifts newspaper's
100,000-character cut of the article text. Its tokenizers for Chinese and Japanese need jieba and
tinysegmenter (in the `all` extra); the Korean one needs NLTK's `punkt_tab` data, which no package
ships: without it a Korean page is an error whose one-line message says so.
"""

from __future__ import annotations

import re

from cleanbench.errors import ExtractorError
from cleanbench.extractors.base import Adapter

_NLTK_RESOURCE = re.compile(r"Resource '?([\w/.-]+)'? not found")


class Newspaper4k(Adapter):
    name = "newspaper4k"
    package = "newspaper4k"
    options = {"fetch_images": False, "follow_meta_refresh": False, "max_text": None}
    requires = ("newspaper",)
    license = "MIT"

    def load(self) -> None:
        from newspaper import Article

        self._tool = Article

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        article = self._tool(url or "", **self.options)
        article.download(input_html=html)
        try:
            article.parse()
        except LookupError as error:  # NLTK's multi-line "Resource ... not found" banner
            found = _NLTK_RESOURCE.search(str(error))
            resource = found.group(1) if found else "data"
            raise ExtractorError(
                f"{self.name}: NLTK {resource} not found (its tokenizer for this page's language needs it: "
                f"python -m nltk.downloader {resource})"
            ) from error
        return article.text

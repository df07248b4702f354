"""What every built-in extractor shares: `Adapter`, an HTML stage (see `cleanbench.stages.base`).

An adapter implements `_extract(html, *, url, lang)`. Before the tool sees a page, a blank document
(white space and comments only) returns "" and NUL characters become U+FFFD, as the HTML standard's
parser does. `extract(html, *, url, lang)` is the original extractor contract, still callable directly.
"""

from __future__ import annotations

import re

from cleanbench.stages.base import BuiltinStage, PageInput

# A document with nothing but white space, comments (an unclosed one runs to the end), doctypes and
# processing instructions: lxml calls it "Document is empty", several tools raise on it, and its
# extraction is the empty string.
# The bodies are tempered ((?!-->). rather than .*?): a lazy body could run past its own end to reach \Z,
# which made any page opening with a comment "blank" (81 WCXB pages came out empty for every tool).
_BLANK_DOCUMENT = re.compile(
    r"(?:\s|<!--(?:(?!-->).)*(?:-->|\Z)|<!doctype[^>]*>|<\?(?:(?!\?>).)*\?>)*\Z", re.DOTALL | re.IGNORECASE
)


class Adapter(BuiltinStage):
    """Base class of the built-in extractors: HTML in, text out."""

    kind = "extractor"
    consumes = "html"

    def process(self, page: PageInput) -> str:
        return self.extract(page.as_html(), url=page.url, lang=page.lang)

    def extract(self, html: str, *, url: str | None = None, lang: str | None = None) -> str:
        self.prepare()
        if _BLANK_DOCUMENT.match(html):
            return ""
        if "\x00" in html:
            html = html.replace("\x00", "\ufffd")
        text = self._extract(html, url=url, lang=lang)
        return text or ""

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        raise NotImplementedError

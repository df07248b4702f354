"""html2text: the whole page as Markdown-ish text, without links, images or emphasis marks.

html2text is GPL-3.0-or-later: it is an optional reference only, never a dependency of cleanbench itself.
Emphasis marks are off because `_` is a word character and would glue onto the words it wraps.
"""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class Html2Text(Adapter):
    name = "html2text"
    package = "html2text"
    options = {"body_width": 0, "ignore_links": True, "ignore_images": True, "ignore_emphasis": True, "unicode_snob": True}
    requires = ("html2text",)
    license = "GPL-3.0-or-later: optional reference only, not a cleanbench dependency"

    def load(self) -> None:
        import html2text

        self._tool = html2text.HTML2Text

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        # One converter per page: HTML2Text keeps parser state between `handle` calls.
        converter = self._tool(baseurl=url or "")
        for option, value in self.options.items():
            setattr(converter, option, value)
        return converter.handle(html)

"""goose3 on the given HTML (`raw_html`, never a URL to fetch), one `Goose` instance per worker.

lxml >= 6 (libxml2 2.14) parses a bare-text fragment into `<span>` where older versions gave `<p>`;
goose3's `Parser.text_to_para` relies on the `<p>`, and without it misses the article node on pages
whose text sits directly in divs (on AEB: 7 pages, F1 0.875 instead of the published 0.896, which
lxml 5.3 reproduces exactly). `load()` restores the old result for bare text; the option records it.
"""

from __future__ import annotations

from typing import Any

from cleanbench.extractors.base import Adapter

_PATCHED = False


def _keep_bare_text_a_paragraph() -> None:
    """Make goose3's text_to_para give `<p>` for bare text, as it did before libxml2 2.14 (once per process)."""
    global _PATCHED
    if _PATCHED:
        return
    from goose3.parsers import Parser

    original = Parser.text_to_para.__func__  # type: ignore[attr-defined]

    def text_to_para(cls: Any, text: str) -> Any:
        node = original(cls, text)
        if node.tag == "span" and not text.lstrip().startswith("<"):
            node.tag = "p"
        return node

    Parser.text_to_para = classmethod(text_to_para)  # type: ignore[method-assign,assignment]
    _PATCHED = True


class Goose3(Adapter):
    name = "goose3"
    package = "goose3"
    options = {"enable_image_fetching": False}
    note = "bare text parsed as <p>, as before libxml2 2.14"
    requires = ("goose3",)
    license = "Apache-2.0"

    def load(self) -> None:
        from goose3 import Goose

        _keep_bare_text_a_paragraph()
        self._tool = Goose({"enable_image_fetching": self.options["enable_image_fetching"]})

    def close(self) -> None:
        if self._tool is not None:
            self._tool.close()
        super().close()

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        # No url: goose fetches only when it has no raw_html, and the url adds nothing to the text.
        return self._tool.extract(raw_html=html).cleaned_text

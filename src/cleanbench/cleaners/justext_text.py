"""`justext-text`: jusText on text, each line one paragraph (wrapped as one `<p>` each), with the
stoplist of the page's language (DESIGN.md's rule: the gold `lang`, else the page's declared one, else
English; a language jusText has no list for uses English), and jusText's default thresholds."""

from __future__ import annotations

from collections.abc import Mapping

from cleanbench.cleaners.base import Cleaner
from cleanbench.extractors.justext import FALLBACK_STOPLIST, Justext, stoplist_for
from cleanbench.stages.base import PageInput, text_as_html


class JustextText(Cleaner):
    name = "justext-text"
    package = "jusText"
    options: Mapping[str, object] = dict(Justext.options)
    note = f"one paragraph per line; stoplist of the page's language, else {FALLBACK_STOPLIST}"
    requires = ("justext",)
    license = "BSD-2-Clause"

    def load(self) -> None:
        import justext

        self._tool = justext

    def clean(self, text: str, *, page: PageInput) -> str:
        if not text.strip():
            return ""
        justext = self._tool
        paragraphs = justext.justext(text_as_html(text), justext.get_stoplist(stoplist_for(page.lang)), **self.options)
        return "\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)

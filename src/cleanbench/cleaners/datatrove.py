"""datatrove's quality filters, called through the datatrove library itself on one document (no executor).

`c4-quality` (C4QualityFilter: line rules and a document rule), `c4-paragraph` (C4ParagraphFilter),
`gopher-repetition` (GopherRepetitionFilter), `gopher-quality` (GopherQualityFilter) and
`fineweb-quality` (FineWebQualityFilter), each with datatrove's defaults. A filter that rejects a
document drops it, with datatrove's reason; a filter that keeps it may have rewritten its text (C4's
line rules). The page's language (DESIGN.md's rule) picks datatrove's word tokenizer; a language it has
none for here is an error saying so. datatrove splits lines with `str.splitlines()`, so every line
boundary `splitlines` knows (U+2028, U+2029, U+0085 and the other control separators) becomes "\\n"
first: otherwise the filter would see lines the page does not have. Filters that would download data
at run time (LanguageFilter, C4BadWordsFilter) are not offered.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from cleanbench.cleaners.base import Cleaner
from cleanbench.errors import ExtractorError
from cleanbench.stages.base import Drop, PageInput

INSTALL = "pip install 'cleanbench[text]' (datatrove with spaCy, SudachiPy, jieba and kiwipiepy)"
# What str.splitlines() splits at besides "\n" (and "\r\n", one break).
_OTHER_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def as_lines(text: str) -> str:
    """Every line boundary `str.splitlines()` knows, as "\\n"."""
    return _OTHER_BREAKS.sub("\n", text)


class DatatroveFilter(Cleaner):
    """One datatrove filter class, built once per worker per language."""

    level = "document"
    package = "datatrove"
    requires = ("datatrove", "spacy")
    install = INSTALL
    license = "Apache-2.0"
    filter_class: ClassVar[str]  # "module:Class" inside datatrove.pipeline.filters
    takes_language: ClassVar[bool] = True

    def load(self) -> None:
        module_name, _, class_name = self.filter_class.partition(":")
        module = __import__(f"datatrove.pipeline.filters.{module_name}", fromlist=[class_name])
        self._tool = {"class": getattr(module, class_name), "by_language": {}}

    def _filter(self, lang: str) -> Any:
        built = self._tool["by_language"]
        if lang not in built:
            kwargs = {"language": lang} if self.takes_language else {}
            built[lang] = self._tool["class"](**kwargs)
        return built[lang]

    def clean(self, text: str, *, page: PageInput) -> str | Drop:
        from datatrove.data import Document

        lang = page.lang.split("-", 1)[0].lower()
        document = Document(text=as_lines(text), id=page.id, metadata={"language": lang})
        try:
            verdict = self._filter(lang).filter(document)
        except (ImportError, ValueError, KeyError) as error:
            if _no_tokenizer(error):
                raise ExtractorError(f"{self.name}: no word tokenizer for language {lang!r} here ({type(error).__name__}: {error})") from None
            raise
        kept, reason = verdict if isinstance(verdict, tuple) else (verdict, None)
        if not kept:
            return Drop(f"{self.name}: {reason or 'rejected'}")
        return document.text


def _no_tokenizer(error: Exception) -> bool:
    words = str(error).lower()
    return isinstance(error, ImportError) or "tokenizer" in words


class C4Quality(DatatroveFilter):
    name = "c4-quality"
    filter_class = "c4_filters:C4QualityFilter"
    note = "datatrove's C4QualityFilter, its defaults"


class C4Paragraph(DatatroveFilter):
    name = "c4-paragraph"
    filter_class = "c4_filters:C4ParagraphFilter"
    note = "datatrove's C4ParagraphFilter, its defaults"
    takes_language = False


class GopherRepetition(DatatroveFilter):
    name = "gopher-repetition"
    filter_class = "gopher_repetition_filter:GopherRepetitionFilter"
    note = "datatrove's GopherRepetitionFilter, its defaults"


class GopherQuality(DatatroveFilter):
    name = "gopher-quality"
    filter_class = "gopher_quality_filter:GopherQualityFilter"
    note = "datatrove's GopherQualityFilter, its defaults"


class FineWebQuality(DatatroveFilter):
    name = "fineweb-quality"
    filter_class = "fineweb_quality_filter:FineWebQualityFilter"
    note = "datatrove's FineWebQualityFilter, its defaults"

"""The report's marks count what the metrics count, on the bundled gold set and real extractors' outputs.

For each page and prediction the page file is rendered, the words inside each kind of mark counted,
and the counts held against the metrics' own numbers for the same texts:
- `missing` words (gold pane, class m<k>) = OverlapCounts.gold - overlap, exactly;
- `extra` words (class x) = OverlapCounts.predicted - overlap, exactly;
- `leak:<label>`: the metric counts distinct 3-grams (ShareCounts.part of .whole), the report marks the
  words those 3-grams cover, so the two cannot be equal: a 3-gram found twice counts once but marks
  six words; two overlapping 3-grams mark four. What holds exactly: the page's leak numbers (found,
  total) are the metric's (part, whole); no word is marked exactly when part is 0; marked words come
  in runs of 3 or more; and part <= sum over runs of (run length - 2), the number of 3-gram windows
  the marks hold.
- `duplicate` likewise: the metric counts 5-gram occurrences beyond their gold count (ShareCounts.part
  of .whole occurrences), the report marks the words they cover: the page's numbers are the metric's,
  no word is marked exactly when part is 0, runs are 5 words or more, and part <= sum of (run - 4).
"""

from __future__ import annotations

import lxml.html
import numpy as np
import pytest

from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import GoldPage
from cleanbench.prediction import Prediction
from cleanbench.report.marks import DUPLICATE_N, LEAK_N, PageWords
from cleanbench.report.page_html import page_html
from cleanbench.report.view import View, make_view
from cleanbench.report.words import tokens
from cleanbench.score.counts import OverlapCounts, ShareCounts
from cleanbench.score.metrics.clutter import DuplicationMetric, LeakMetric
from cleanbench.score.metrics.retention import WordsMetric
from cleanbench.stages.registry import resolve

EXTRACTORS = ("trafilatura", "resiliparse", "justext", "everything")


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict[str, str]]:
    """page id -> extractor -> text, for each extractor installed here, plus the body twice (duplication)."""
    found: dict[str, dict[str, str]] = {}
    extractors = [extractor for extractor in map(resolve, EXTRACTORS) if not extractor.missing()]
    assert extractors, "not even the everything baseline"
    for page in load_gold("fixtures"):
        texts = found.setdefault(page.id, {})
        for extractor in extractors:
            texts[extractor.name] = extractor.extract(page.html, url=page.url, lang=page.lang)
        texts["body-twice"] = f"{page.gold_text}\n\n{page.gold_text}"
    return found


def _views(page: GoldPage, texts: dict[str, str]) -> list[View]:
    words = PageWords(page)
    return [make_view(name, words=words, prediction=Prediction(page.id, name, "ok", text)) for name, text in texts.items()]


def _words_in(elements: list[lxml.html.HtmlElement]) -> int:
    return sum(len(tokens(element.text_content())) for element in elements)


def _runs(mask: np.ndarray) -> list[int]:
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    return (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).tolist()


def _assert_covering(mask: np.ndarray, counts: ShareCounts, *, n: int) -> None:
    """Words marked as covered by n-grams that the metric counts `counts.part` of."""
    runs = _runs(mask)
    assert (counts.part == 0) == (not runs)
    assert all(run >= n for run in runs)
    assert counts.part <= sum(run - (n - 1) for run in runs)


def test_marks_count_what_the_metrics_count(outputs: dict[str, dict[str, str]]) -> None:
    checked = {"words": 0, "leak": 0, "duplication": 0}
    for page in load_gold("fixtures"):
        views = _views(page, outputs[page.id])
        document = lxml.html.fromstring(page_html(page, views=views, html_size=len(page.html), neighbours=(None, None), files=str))
        for k, view in enumerate(views):
            text, marks = view.text, view.marks
            pane = document.find_class(f"p{k}")[0]
            # Every marked word is in the file: the rendered marks are the computed ones.
            assert _words_in(document.find_class(f"m{k}")) == marks.missing.sum(), (page.id, view.extractor)
            assert _words_in(pane.find_class("x")) == marks.extra.sum(), (page.id, view.extractor)
            assert _words_in(pane.find_class("d")) == marks.duplicate.sum(), (page.id, view.extractor)
            for label, covered in marks.leak.items():
                assert _words_in(pane.find_class(f"l-{label}")) == covered.sum(), (page.id, view.extractor, label)

            words = WordsMetric().page_counts(text, page)
            if words is not None:
                assert isinstance(words, OverlapCounts)
                assert marks.missing.sum() == words.gold - words.overlap, (page.id, view.extractor)
                assert marks.extra.sum() == words.predicted - words.overlap, (page.id, view.extractor)
                checked["words"] += 1
                duplication = DuplicationMetric().page_counts(text, page)
                assert isinstance(duplication, ShareCounts)
                assert (marks.duplicate_grams, marks.prediction_grams) == (duplication.part, duplication.whole)
                _assert_covering(marks.duplicate, duplication, n=DUPLICATE_N)
                checked["duplication"] += duplication.part > 0
            leaks = {leak.label: leak for leak in marks.leaks}
            for label in page.noise_labels():
                leak = LeakMetric(label).page_counts(text, page)
                assert (leak is None) == (label not in leaks), (page.id, view.extractor, label)
                if leak is not None:
                    assert isinstance(leak, ShareCounts)
                    assert (leaks[label].found, leaks[label].total) == (leak.part, leak.whole), (page.id, view.extractor, label)
                    _assert_covering(marks.leak[label], leak, n=LEAK_N)
                    checked["leak"] += leak.part > 0
    # Not vacuous: every relation met real counts.
    assert checked["words"] >= 32 * 2 and checked["leak"] >= 32 and checked["duplication"] >= 32, checked

"""`snippets`: trafilatura's with/without counting on hand-made pages, and its pooled P/R/F1/accuracy."""

from __future__ import annotations

import pytest

from cleanbench.gold.schema import GoldPage
from cleanbench.prediction import Prediction
from cleanbench.score.counts import SnippetCounts
from cleanbench.score.metrics import get_metric


def page(with_: list[str], without: list[str]) -> GoldPage:
    return GoldPage.from_record({"id": "p", "html": "", "with": with_, "without": without})


@pytest.mark.parametrize(
    ("output", "with_", "without", "expected"),
    [
        pytest.param("The main text. More text.", ["main text", "More text"], ["Menu"], SnippetCounts(2, 0, 0, 1), id="all-right"),
        pytest.param("", ["main text", "More text"], ["Menu", "Footer"], SnippetCounts(0, 2, 0, 2), id="empty-output"),
        pytest.param("Menu main text", ["main text"], ["Menu"], SnippetCounts(1, 0, 1, 0), id="leaked"),
        pytest.param("The  main\n\ttext", ["main text"], [], SnippetCounts(1, 0, 0, 0), id="output-whitespace-folded"),
        pytest.param("The main text", ["main\n  text"], [], SnippetCounts(1, 0, 0, 0), id="snippet-whitespace-folded"),
        pytest.param("the MAIN text", ["main text"], ["Main"], SnippetCounts(0, 1, 0, 1), id="case-kept"),
        pytest.param("mainly textual", ["main text"], [], SnippetCounts(0, 1, 0, 0), id="substring-not-words"),
    ],
)
def test_page_counts(output: str, with_: list[str], without: list[str], expected: SnippetCounts) -> None:
    assert get_metric("snippets").page_counts(output, page(with_, without)) == expected


def test_a_crash_misses_every_with_and_leaks_no_without() -> None:
    crashed = Prediction(page_id="p", extractor="x", status="crash", text="main text Menu")
    counts = get_metric("snippets").page_counts(crashed.scored_text, page(["main text"], ["Menu"]))
    assert counts == SnippetCounts(tp=0, fn=1, fp=0, tn=1)


def test_a_page_without_snippets_is_skipped() -> None:
    bare = GoldPage.from_record({"id": "p", "html": "", "gold_text": "text"})
    assert get_metric("snippets").page_counts("text", bare) is None


def test_pooled_scores() -> None:
    # trafilatura's formulas over summed counts: P = TP/(TP+FP), R = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN).
    total = SnippetCounts(tp=8, fn=2, fp=1, tn=9)
    assert total.scores() == pytest.approx({"f1": 16 / 19, "precision": 8 / 9, "recall": 8 / 10, "accuracy": 17 / 20})

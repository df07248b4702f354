"""`words` (unicode tokens, multiset overlap) and `wcxb` per page, and macro versus micro pooling."""

from __future__ import annotations

import pytest

from cleanbench.gold.schema import GoldPage
from cleanbench.score.aggregate import point_values
from cleanbench.score.counts import OverlapCounts
from cleanbench.score.metrics import get_metric


def page(gold_text: str | None, page_id: str = "p") -> GoldPage:
    return GoldPage.from_record({"id": page_id, "html": "", "gold_text": gold_text, "with": ["x"]})


# (prediction, gold, precision, recall, f1), counted by hand on the unicode tokens.
WORDS = [
    pytest.param("The cat sat on the mat.", "the cat sat on a mat", 5 / 6, 5 / 6, 5 / 6, id="english"),
    pytest.param("Die STRASSE ist GROSS", "die Straße ist groß", 1.0, 1.0, 1.0, id="german-casefold"),
    pytest.param("我爱北京", "我爱上海", 0.5, 0.5, 0.5, id="chinese-per-character"),
    pytest.param("東京タワー", "東京スカイツリー", 3 / 5, 3 / 8, 2 * (3 / 5) * (3 / 8) / (3 / 5 + 3 / 8), id="japanese"),
    pytest.param("한국어", "한국", 2 / 3, 1.0, 0.8, id="korean"),
    pytest.param("مرحبا بالعالم", "مرحبا", 0.5, 1.0, 2 / 3, id="arabic"),
    pytest.param("great 👍 product 🎉", "great product", 1.0, 1.0, 1.0, id="emoji-is-no-word"),
    pytest.param("ＡＢＣ１２３", "abc123", 1.0, 1.0, 1.0, id="nfkc"),
    pytest.param("", "", 1.0, 1.0, 1.0, id="both-empty"),
    pytest.param("some text", "", 0.0, 0.0, 0.0, id="empty-gold"),
    pytest.param("", "some text", 0.0, 0.0, 0.0, id="empty-prediction"),
    pytest.param("   ", "some text", 0.0, 0.0, 0.0, id="blank-prediction"),
    pytest.param("alpha beta", "gamma delta", 0.0, 0.0, 0.0, id="no-overlap"),
    pytest.param("a a a b", "a b b", 2 / 4, 2 / 3, 2 * 0.5 * (2 / 3) / (0.5 + 2 / 3), id="multiset"),
]


@pytest.mark.parametrize(("prediction", "gold", "precision", "recall", "f1"), WORDS)
def test_words_per_page(prediction: str, gold: str, precision: float, recall: float, f1: float) -> None:
    counts = get_metric("words").page_counts(prediction, page(gold))
    assert isinstance(counts, OverlapCounts)
    assert counts.scores()["precision"] == pytest.approx(precision, abs=1e-12)
    assert counts.scores()["recall"] == pytest.approx(recall, abs=1e-12)
    assert counts.scores()["f1"] == pytest.approx(f1, abs=1e-12)


def test_words_skips_a_page_without_gold_text() -> None:
    assert get_metric("words").page_counts("anything", page(None)) is None


@pytest.mark.parametrize(
    ("prediction", "gold", "f1"),
    [
        ("Hello World", "hello world", 1.0),
        ("", None, 1.0),  # WCXB's evaluate.py: no gold and no output is a perfect page
        ("", "", 1.0),
        ("anything", None, 0.0),  # no gold but an output: 0
        ("Straße", "STRASSE", 0.0),  # lowercase only, no casefold: straße != strasse
    ],
)
def test_wcxb_scores_pages_without_gold_against_an_empty_gold(prediction: str, gold: str | None, f1: float) -> None:
    counts = get_metric("wcxb").page_counts(prediction, page(gold))
    assert counts is not None
    assert counts.scores()["f1"] == f1


def test_macro_and_micro_pooling() -> None:
    metric = get_metric("words")
    small = metric.page_counts("a b", page("a b c d", "small"))  # P 1, R 0.5
    large = metric.page_counts("w x y z q", page("w x y z", "large"))  # P 0.8, R 1
    assert small is not None and large is not None
    values = point_values({"small": small, "large": large}, metric.counts_type)
    assert values["precision"] == pytest.approx((1.0 + 0.8) / 2)
    assert values["micro_precision"] == pytest.approx((2 + 4) / (2 + 5))
    assert values["micro_recall"] == pytest.approx((2 + 4) / (4 + 4))
    assert values["micro_f1"] == pytest.approx(2 * 6 / (7 + 8))
    assert (small + large).scores() == values

"""`aeb` reproduces Zyte's published article-extraction-benchmark table on its own prediction files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.gold.schema import GoldPage
from cleanbench.score.aggregate import point_values, resampled_values
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import AebCounts, Counts
from cleanbench.score.metrics import get_metric
from cleanbench.score.prediction_files import read_predictions

# The published table in ../shared/data/README.md ("Published reference figures": Zyte's scorer on the
# prediction files in aeb/output/): file stem -> (F1, std), (precision, std), (recall, std), (accuracy, std).
PUBLISHED = {
    "trafilatura": ((0.958, 0.006), (0.938, 0.009), (0.978, 0.006), (0.293, 0.034)),
    "readability": ((0.922, 0.013), (0.913, 0.014), (0.931, 0.015), (0.315, 0.034)),
    "newspaper": ((0.949, 0.008), (0.964, 0.008), (0.934, 0.011), (0.326, 0.033)),
    "goose3": ((0.896, 0.015), (0.940, 0.013), (0.856, 0.020), (0.232, 0.032)),
    "justext": ((0.804, 0.018), (0.858, 0.016), (0.756, 0.028), (0.088, 0.021)),
    "inscriptis": ((0.679, 0.015), (0.517, 0.018), (0.992, 0.001), (0.000, 0.000)),
    "html-text": ((0.665, 0.015), (0.500, 0.017), (0.994, 0.001), (0.000, 0.000)),
    "beautifulsoup": ((0.665, 0.015), (0.499, 0.017), (0.994, 0.001), (0.000, 0.000)),
    "boilerpipe": ((0.860, 0.016), (0.850, 0.016), (0.870, 0.020), (0.006, 0.006)),
    "AutoExtract": ((0.970, 0.005), (0.984, 0.002), (0.956, 0.010), (0.470, 0.037)),
}
VALUES = ("f1", "precision", "recall", "accuracy")


@pytest.fixture(scope="module")
def aeb_pages(public_data: Path) -> list[GoldPage]:
    truth = json.loads((public_data / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    return [GoldPage.from_record({"id": key, "html": "", "gold_text": entry["articleBody"]}) for key, entry in truth.items()]


@pytest.mark.public_data
@pytest.mark.parametrize("system", sorted(PUBLISHED))
def test_reproduces_the_published_table(system: str, aeb_pages: list[GoldPage], public_data: Path) -> None:
    metric = get_metric("aeb")
    texts = {p.page_id: p.scored_text for p in read_predictions(public_data / "aeb" / "output" / f"{system}.json").predictions}
    counts: dict[str, Counts] = {}
    for page in aeb_pages:
        found = metric.page_counts(texts[page.id], page)
        assert found is not None
        counts[page.id] = found
    values = point_values(counts, metric.counts_type)
    spread = resampled_values(counts, metric.counts_type, bootstrap=Bootstrap())
    for name, (published, std) in zip(VALUES, PUBLISHED[system]):
        assert values[name] == pytest.approx(published, abs=0.001), name
        assert float(spread[name].std()) == pytest.approx(std, abs=0.003), f"{name} std"


@pytest.mark.parametrize(
    ("prediction", "gold", "expected"),
    [
        # identical: TP only
        ("one two three four five", "one two three four five", AebCounts(1, 1, 1.0, 1, 1.0, 1)),
        # Zyte's tokens keep case: no shingle in common, nothing exact
        ("One two three four", "one two three four", AebCounts(1, 0, 0.0, 1, 0.0, 1)),
        # fewer than 4 tokens: the whole text is one shingle
        ("a b c", "a b c", AebCounts(1, 1, 1.0, 1, 1.0, 1)),
        ("a b", "a b c", AebCounts(1, 0, 0.0, 1, 0.0, 1)),
        # empty prediction: recall 0 counted, precision undefined (TP + FP = 0) and left out
        ("", "one two three four", AebCounts(1, 0, 0.0, 0, 0.0, 1)),
        # 2 of 3 gold shingles found, 1 extra: P 2/3, R 2/3
        ("w x y z q r", "v w x y z q", AebCounts(1, 0, 2 / 3, 1, 2 / 3, 1)),
        # punctuation and spacing are not tokens: exact match
        ("Hello,   world! Again.", "Hello world Again", AebCounts(1, 1, 1.0, 1, 1.0, 1)),
    ],
)
def test_page_counts(prediction: str, gold: str, expected: AebCounts) -> None:
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": gold})
    counts = get_metric("aeb").page_counts(prediction, page)
    assert isinstance(counts, AebCounts)
    assert counts.to_json() == pytest.approx(expected.to_json())


def test_repeated_shingles_count_up_to_the_smaller_multiplicity() -> None:
    # gold: "a b c d" twice in a row (5 shingles, "a b c d" twice); prediction: it three times (9 shingles).
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": "a b c d a b c d"})
    counts = get_metric("aeb").page_counts("a b c d a b c d a b c d", page)
    assert isinstance(counts, AebCounts)
    assert counts.precision_sum == pytest.approx(5 / 9)
    assert counts.recall_sum == pytest.approx(1.0)


def test_a_gold_vocabulary_too_large_for_int64_keys_gives_the_same_counts() -> None:
    # 56,000 distinct gold words: 56,002 ** 4 > 2 ** 63, so shingle keys become Python integers.
    words = [f"w{i}" for i in range(56_000)]
    gold = " ".join(words)
    prediction = " ".join(words[:30_000] + ["extra", "words", "here"] + words[40_000:])
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": gold})
    counts = get_metric("aeb").page_counts(prediction, page)
    assert isinstance(counts, AebCounts)
    # Found by hand: 29,997 + 15,997 shared shingles; 55,997 gold and 46,000 predicted ones.
    assert counts.recall_sum == pytest.approx(45_994 / 55_997)
    assert counts.precision_sum == pytest.approx(45_994 / 46_000)

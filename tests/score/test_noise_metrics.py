"""`leak:<label>` and `duplication` on a seed-shaped page, and the gold text as a perfect prediction."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import GoldPage
from cleanbench.score.counts import ShareCounts
from cleanbench.score.metrics import METRIC_NAMES, get_metric

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> GoldPage:
    """fixtures/news-en-01 (cookie bar, nav, share row, two event ads, a print-only copy of the body, ...)."""
    folder = tmp_path_factory.mktemp("one-page")
    for suffix in (".json", ".html"):
        shutil.copy(FIXTURES / f"news-en-01{suffix}", folder / f"news-en-01{suffix}")
    return next(iter(load_gold(str(folder))))


def value(metric: str, prediction: str, page: GoldPage) -> float | None:
    counts = get_metric(metric).page_counts(prediction, page)
    return None if counts is None else counts.scores()[get_metric(metric).values[0].name]


def test_body_twice(news: GoldPage) -> None:
    assert news.gold_text
    twice = news.gold_text + "\n\n" + news.gold_text
    assert value("duplication", twice, news) == pytest.approx(0.5, abs=0.01)
    words = get_metric("words").page_counts(twice, news)
    assert words is not None
    assert words.scores()["precision"] == pytest.approx(0.5)
    assert words.scores()["recall"] == pytest.approx(1.0)


def test_event_ads_leak(news: GoldPage) -> None:
    ads = [span.text for span in news.noise if span.label == "ad"]
    assert len(ads) == 2
    assert news.gold_text
    assert value("leak:ad", news.gold_text + "\n\n" + "\n".join(ads), news) == 1.0
    one = value("leak:ad", news.gold_text + "\n\n" + ads[0], news)
    assert one is not None and 0.0 < one < 1.0
    assert value("leak:ad", news.gold_text, news) == 0.0
    assert value("leak:nav", news.gold_text + "\n\n" + "\n".join(ads), news) == 0.0


def test_a_label_made_of_gold_text_does_not_count(news: GoldPage) -> None:
    # The "duplicate" span is the body again: all its 3-grams are gold 3-grams, so nothing can leak.
    assert news.gold_text
    assert get_metric("leak:duplicate").page_counts(news.gold_text + news.gold_text, news) is None


def test_a_page_without_the_label_is_skipped(news: GoldPage) -> None:
    bare = GoldPage.from_record({"id": "bare", "html": "", "gold_text": "text"})
    assert get_metric("leak:ad").page_counts("text", bare) is None


def test_duplication_counts_only_gold_content_beyond_its_gold_count() -> None:
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": "one two three four five six"})
    # 2 gold 5-grams, each predicted twice (2 in excess); 5 more 5-grams hold the junk word: 9 in all.
    counts = get_metric("duplication").page_counts("one two three four five six zz one two three four five six", page)
    assert counts == ShareCounts(pages=1, share_sum=2 / 9, part=2, whole=9)
    assert get_metric("duplication").page_counts("", page) == ShareCounts(pages=1, share_sum=0.0, part=0, whole=0)


def fixture_pages() -> list[GoldPage]:
    pages = []
    for path in sorted(FIXTURES.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        pages.append(GoldPage.from_record({**record, "html": ""}, where=path.name))
    return pages


@pytest.mark.parametrize("page", fixture_pages(), ids=lambda page: page.id)
def test_the_gold_text_is_a_perfect_prediction(page: GoldPage) -> None:
    assert page.gold_text
    for name in METRIC_NAMES:
        metric = get_metric(name)
        counts = metric.page_counts(page.gold_text, page)
        if counts is None:
            assert name.startswith("leak:"), f"{name} skipped a fixture page"
            continue
        perfect = 1.0 if metric.higher_is_better else 0.0
        assert counts.scores() == {v.name: perfect for v in metric.values}, name


def test_every_retention_metric_is_in_the_perfect_prediction_check() -> None:
    assert {name for name in METRIC_NAMES if get_metric(name).higher_is_better} == {"words", "aeb", "wcxb", "rouge-lsum", "snippets"}

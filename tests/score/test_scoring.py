"""The scoring entry point (score/scoring.py): records, summaries, missing pages, statuses, recomputation."""

from __future__ import annotations

import json
import random

import pytest

from cleanbench.errors import MetricError, PredictionsError
from cleanbench.gold.schema import GoldPage
from cleanbench.prediction import Prediction
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.scoring import (
    MISSING,
    PageInfo,
    PageRecord,
    score_predictions,
    summarize,
)

METRICS = ["words", "snippets", "duplication", "leak:ad"]


def gold_pages() -> list[GoldPage]:
    pages = []
    for index in range(12):
        body = f"Story {index} tells how the river rose and the town kept its bridge open through the night."
        pages.append(
            GoldPage.from_record(
                {
                    "id": f"page-{index:02d}",
                    "html": "",
                    "lang": "en" if index < 8 else "de",
                    "page_type": "article" if index % 2 else "forum",
                    "gold_text": body,
                    "with": [f"Story {index} tells"],
                    "without": ["Buy tickets now"],
                    "noise": [{"label": "ad", "text": "Buy tickets now for the summer festival in town"}] if index < 6 else [],
                }
            )
        )
    return pages


def predictions(pages: list[GoldPage]) -> list[Prediction]:
    found = []
    for page in pages:
        assert page.gold_text
        found.append(Prediction(page_id=page.id, extractor="good", status="ok", text=page.gold_text))
        if page.id != "page-03":  # one page missing
            noisy = page.gold_text + " Buy tickets now for the summer festival in town"
            found.append(Prediction(page_id=page.id, extractor="noisy", status="ok" if page.id != "page-05" else "timeout", text=noisy))
    return found


@pytest.fixture(scope="module")
def pages() -> list[GoldPage]:
    return gold_pages()


def test_summaries(pages: list[GoldPage]) -> None:
    scoring = score_predictions(predictions(pages), pages, metrics=METRICS)
    good, noisy = scoring.extractor("good"), scoring.extractor("noisy")
    assert (good.pages, good.missing, dict(good.failures)) == (12, 0, {})
    assert (noisy.pages, noisy.missing, dict(noisy.failures)) == (12, 1, {"timeout": 1})
    assert good.metrics["words"].values["f1"].value == 1.0
    assert good.metrics["leak:ad"].values["value"].value == 0.0
    assert (good.metrics["leak:ad"].pages, good.metrics["leak:ad"].skipped) == (6, 6)
    # noisy: the missing page-03 and the timed-out page-05 score as empty, the other ads leak fully
    leak = noisy.metrics["leak:ad"]
    assert leak.values["value"].value == pytest.approx(4 / 6)
    assert noisy.metrics["words"].values["recall"].value == pytest.approx(10 / 12)
    assert noisy.metrics["snippets"].values["precision"].value == pytest.approx(10 / 20)
    assert good.metrics["words"].signature.startswith("metric:words.f1|tok:unicode|case:fold|agg:macro|ci:boot1000|conf:0.95|seed:12345|")
    micro = good.metrics["words"].values["micro_f1"]
    assert (micro.aggregation, micro.signature.split("|")[0]) == ("micro", "metric:words.micro_f1")


def test_statuses_of_records(pages: list[GoldPage]) -> None:
    scoring = score_predictions(predictions(pages), pages, metrics=["words"])
    statuses = {(r.extractor, r.page_id): r.status for r in scoring.records}
    assert statuses[("noisy", "page-03")] == MISSING
    assert statuses[("noisy", "page-05")] == "timeout"
    timed_out = next(r for r in scoring.records if (r.extractor, r.page_id) == ("noisy", "page-05"))
    assert timed_out.counts["words"] is not None and timed_out.counts["words"].predicted == 0  # type: ignore[attr-defined]


def test_slices(pages: list[GoldPage]) -> None:
    scoring = score_predictions(predictions(pages), pages, metrics=["words", "leak:ad"], min_pages=5)
    slices = scoring.extractor("noisy").slices
    assert sorted(slices) == ["lang", "noise", "page_type", "site"]
    assert slices["lang"]["en"]["words"].pages == 8
    assert "de" not in slices["lang"]  # 4 pages < min_pages 5: no estimate, so no slice stored
    assert slices["page_type"]["forum"]["words"].values["f1"].value is not None
    assert slices["noise"]["ad"]["leak:ad"].pages == 6


def test_independent_of_page_and_prediction_order(pages: list[GoldPage]) -> None:
    given = predictions(pages)
    shuffled_predictions, shuffled_pages = list(given), list(pages)
    random.Random(5).shuffle(shuffled_predictions)
    random.Random(6).shuffle(shuffled_pages)
    first = score_predictions(given, pages, metrics=METRICS)
    second = score_predictions(shuffled_predictions, shuffled_pages, metrics=METRICS)
    assert first.extractor("noisy") == second.extractor("noisy")
    assert first.extractor("good") == second.extractor("good")


def test_summaries_recomputed_from_stored_records(pages: list[GoldPage]) -> None:
    scoring = score_predictions(predictions(pages), pages, metrics=METRICS, bootstrap=Bootstrap(resamples=300, seed=9))
    lines = [json.dumps(record.to_json()) for record in scoring.records]
    records = [PageRecord.from_json(json.loads(line), where=f"pages.jsonl:{n}") for n, line in enumerate(lines, 1)]
    assert records == list(scoring.records)
    again = summarize(records, [PageInfo.of(p) for p in pages], metrics=METRICS, bootstrap=Bootstrap(resamples=300, seed=9))
    assert again == scoring.extractors


def test_paired_comparison(pages: list[GoldPage]) -> None:
    scoring = score_predictions(predictions(pages), pages, metrics=["words"])
    comparison = scoring.compare("good", "noisy", metric="words")
    assert comparison.key == "words.f1"
    assert comparison.difference.value is not None and comparison.difference.value > 0
    assert comparison.tied is False
    assert scoring.compare("good", "good", metric="words").tied is True


def test_prediction_for_an_unknown_page_is_an_error(pages: list[GoldPage]) -> None:
    stray = Prediction(page_id="elsewhere", extractor="x", status="ok", text="t")
    with pytest.raises(PredictionsError, match="x: 1 predictions name pages the gold set lacks, e.g. 'elsewhere'"):
        score_predictions([stray], pages, metrics=["words"])


def test_two_predictions_for_one_page_is_an_error(pages: list[GoldPage]) -> None:
    twice = [Prediction(page_id="page-01", extractor="x", status="ok", text="t")] * 2
    with pytest.raises(PredictionsError, match="x: two predictions for page 'page-01'"):
        score_predictions(twice, pages, metrics=["words"])


def test_page_record_names_a_bad_field() -> None:
    with pytest.raises(MetricError, match=r"pages.jsonl:4: field 'status': 'done' is not one of"):
        PageRecord.from_json({"page_id": "p", "extractor": "x", "status": "done", "counts": {}}, where="pages.jsonl:4")

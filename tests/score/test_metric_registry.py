"""Metric names, did-you-mean errors, signatures, and per-page counts through JSON."""

from __future__ import annotations

import json

import pytest

from cleanbench import __version__
from cleanbench.errors import MetricError
from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import AebCounts, OverlapCounts, ShareCounts, SnippetCounts
from cleanbench.score.metrics import METRIC_NAMES, expand_metrics, get_metric


@pytest.mark.parametrize(("typo", "suggestion"), [("word", "words"), ("rouge-lsun", "rouge-lsum"), ("leak:adds", "leak:ad"), ("snipets", "snippets")])
def test_unknown_metric_suggests_the_closest(typo: str, suggestion: str) -> None:
    with pytest.raises(MetricError, match=f"did you mean '{suggestion}'"):
        get_metric(typo)


def test_leak_star_expands_to_every_label_once_but_duplicate() -> None:
    names = [metric.name for metric in expand_metrics(["words", "leak:*", "leak:ad", "words"])]
    assert names == ["words", *(f"leak:{label}" for label in NOISE_LABELS if label != "duplicate")]


def test_leak_duplicate_is_scored_when_named() -> None:
    # issue 11: `run --metrics leak:*` left out leak:duplicate and `score` included it; one expansion now
    # serves both, and the metric itself says it is not in `leak:*` (its leak is always empty).
    assert [metric.name for metric in expand_metrics(["leak:*", "leak:duplicate"])][-1] == "leak:duplicate"
    assert not get_metric("leak:duplicate").wildcard and not get_metric("leak:duplicate").default


def test_every_metric_declares_its_own_defaults() -> None:
    from cleanbench.score.metrics import default_metrics, main_key

    assert [metric.name for metric in default_metrics()] == [
        "words", "snippets", "duplication", *(f"leak:{label}" for label in NOISE_LABELS if label != "duplicate"),
    ]
    assert str(main_key(expand_metrics(["leak:ad", "aeb", "words"]))) == "aeb.f1"
    assert str(main_key(expand_metrics(["leak:ad", "duplication"]))) == "leak:ad.value"


def test_every_name_resolves() -> None:
    assert [get_metric(name).name for name in METRIC_NAMES] == list(METRIC_NAMES)
    assert len(METRIC_NAMES) == 6 + len(NOISE_LABELS)


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("words", None, f"metric:words.f1|tok:unicode|case:fold|agg:macro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        # issue 11: the micro values carried the macro signature
        ("words", "micro_f1", f"metric:words.micro_f1|tok:unicode|case:fold|agg:micro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        ("aeb", None, f"metric:aeb.f1|tok:aeb|case:keep|shingle:4|agg:f1-of-means|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        ("snippets", None, f"metric:snippets.f1|tok:none|case:keep|agg:micro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        ("rouge-lsum", None, f"metric:rouge-lsum.f1|tok:whitespace|case:keep|agg:macro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        ("leak:ad", None, f"metric:leak:ad.value|tok:unicode|case:fold|n:3|agg:macro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
        ("duplication", "micro", f"metric:duplication.micro|tok:unicode|case:fold|n:5|agg:micro|ci:boot1000|conf:0.95|seed:12345|v:{__version__}"),
    ],
)
def test_signature_string(metric: str, value: str | None, expected: str) -> None:
    assert str(get_metric(metric).signature(value, bootstrap=Bootstrap())) == expected


def test_signature_carries_gold_and_extractor() -> None:
    signature = get_metric("words").signature(bootstrap=Bootstrap(resamples=200, seed=1), gold_digest="ab" * 32, extractor="trafilatura@2.3.1{}")
    assert str(signature).endswith("|ci:boot200|conf:0.95|seed:1|v:" + __version__ + "|gold:abababababab|ext:trafilatura@2.3.1{}")
    assert signature.to_json()["normalisation"] == "NFKC"
    assert signature.to_json()["gold_digest"] == "ab" * 32


def test_signature_says_the_confidence_level() -> None:
    # issue 11: a run with confidence=0.9 was labelled 95 %, with the same signature as a 95 % run.
    ninety = get_metric("words").signature(bootstrap=Bootstrap(confidence=0.9))
    assert "|conf:0.9|" in str(ninety) and str(ninety) != str(get_metric("words").signature(bootstrap=Bootstrap()))


@pytest.mark.parametrize(
    "counts",
    [
        OverlapCounts(3, 2.5, 1.75, 2.0, 10, 12, 14),
        AebCounts(2, 1, 1.9, 2, 0.1 + 0.2, 2),
        SnippetCounts(1, 2, 3, 4),
        ShareCounts(1, 1 / 3, 1, 3),
    ],
    ids=lambda counts: type(counts).__name__,
)
def test_counts_round_trip_through_json(counts: object) -> None:
    raw = json.loads(json.dumps(counts.to_json()))  # type: ignore[attr-defined]
    assert type(counts).from_json(raw, where="pages.jsonl:3") == counts  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"tp": 1, "fn": 0, "fp": 0}, "field 'tn': expected an integer"),
        ({"tp": 1.5, "fn": 0, "fp": 0, "tn": 0}, "field 'tp': expected an integer"),
        ({"tp": 1, "fn": 0, "fp": 0, "tn": 0, "extra": 1}, "field 'extra': not a SnippetCounts field"),
        ([1, 2, 3, 4], "expected an object"),
    ],
)
def test_malformed_counts_name_the_field(raw: object, message: str) -> None:
    with pytest.raises(MetricError, match=f"pages.jsonl:3: {message}"):
        SnippetCounts.from_json(raw, where="pages.jsonl:3")


def test_counts_add_up_and_sum() -> None:
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": "a b c", "with": ["a"], "without": ["z"]})
    metric = get_metric("snippets")
    one = metric.page_counts("a", page)
    assert one is not None
    assert sum([one, one, one]) == SnippetCounts(tp=3, fn=0, fp=0, tn=3)
    with pytest.raises(TypeError):
        one + ShareCounts(1, 0.0, 0, 0)  # type: ignore[operator]

"""A small synthetic `RunResult` for the report tests (numbers invented, shaped like a real run).

Rows: four real extractors (one with an underscore in its name, two with failures), the `everything` and
`nothing` bounds, and `goose3` not installed. `justext` and `readability` are tied on words.f1; the
`product` page-type slice has 3 pages (below the default `min_pages` of 5).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cleanbench.results import (
    Comparison,
    Estimate,
    ExtractorResult,
    GoldInfo,
    MetricScores,
    RunResult,
    Speed,
)

WORDS_SIGNATURE = "metric:words|tok:unicode|case:fold|agg:macro|ci:boot1000|seed:12345|v:0.1.0"
GOLD = GoldInfo(name="fixtures", spec="fixtures", digest="9f2c" + "0" * 56 + "beef", pages=24)


def signed(metrics: dict[str, MetricScores], *, extractor: str) -> dict[str, MetricScores]:
    """Scores signed as the scorers sign them: `...|gold:<digest[:12]>|ext:<extractor signature>`."""
    suffix = f"|gold:{GOLD.digest[:12]}|ext:{extractor}"
    return {key: replace(value, signature=value.signature + suffix) for key, value in metrics.items()}


def scores(metric: str, pages: int, *, higher: bool = True, **values: tuple[float, float, float] | float) -> MetricScores:
    """MetricScores from `name=(value, low, high)` or `name=value` (no interval)."""
    return MetricScores(
        metric=metric,
        higher_is_better=higher,
        signature=WORDS_SIGNATURE.replace("metric:words", f"metric:{metric}"),
        values={
            name: Estimate(*value) if isinstance(value, tuple) else Estimate(value)
            for name, value in values.items()
        },
        pages=pages,
    )


def metric_set(pages: int, f1: float, precision: float, recall: float, *, ad: float, nav: float, dup: float) -> dict[str, MetricScores]:
    """words (with intervals of +-0.02 / +-0.015), leak:ad, leak:nav and duplication over `pages` pages."""
    return {
        "words": scores(
            "words",
            pages,
            f1=(f1, round(max(f1 - 0.02, 0.0), 3), round(min(f1 + 0.015, 1.0), 3)),
            precision=(precision, round(max(precision - 0.02, 0.0), 3), round(min(precision + 0.015, 1.0), 3)),
            recall=(recall, round(max(recall - 0.02, 0.0), 3), round(min(recall + 0.015, 1.0), 3)),
        ),
        "leak:ad": scores("leak:ad", min(pages, 8), higher=False, value=ad),
        "leak:nav": scores("leak:nav", min(pages, 10), higher=False, value=nav),
        "duplication": scores("duplication", pages, higher=False, value=dup),
    }


def extractor(name: str, version: str, f1: float, precision: float, recall: float, *, options: dict[str, Any] | None = None,
              ad: float, nav: float, dup: float, failures: dict[str, int] | None = None, missing: int = 0,
              speed: Speed | None = None) -> ExtractorResult:
    options = options or {}
    option_text = "{" + ",".join(f'"{k}":{str(v).lower()}' for k, v in sorted(options.items())) + "}"
    signature = f"{name}@{version}{option_text}"
    slices = {
        "page_type": {
            "article": metric_set(15, min(f1 + 0.03, 1.0), precision, recall, ad=ad, nav=nav, dup=dup),
            "forum": metric_set(6, max(f1 - 0.1, 0.0), precision, recall, ad=ad, nav=nav, dup=dup),
            "product": metric_set(3, max(f1 - 0.2, 0.0), precision, recall, ad=ad, nav=nav, dup=dup),
        },
        "lang": {
            "en": metric_set(18, f1, precision, recall, ad=ad, nav=nav, dup=dup),
            "de": metric_set(6, max(f1 - 0.05, 0.0), precision, recall, ad=ad, nav=nav, dup=dup),
        },
    }
    return ExtractorResult(
        name=name,
        signature=signature,
        version=version,
        options=options,
        metrics=signed(metric_set(24, f1, precision, recall, ad=ad, nav=nav, dup=dup), extractor=signature),
        failures=failures or {},
        missing=missing,
        speed=speed,
        slices={
            kind: {value: signed(metrics, extractor=signature) for value, metrics in groups.items()}
            for kind, groups in slices.items()
        },
    )


def make_result() -> RunResult:
    rows = (
        extractor("justext", "3.0.2", 0.912, 0.925, 0.901, ad=0.04, nav=0.011, dup=0.0,
                  speed=Speed(median_ms=8.25, p95_ms=20.0, pages_per_s=110.4, peak_rss_mb=80.0)),
        extractor("trafilatura", "2.0.0", 0.931, 0.944, 0.921, options={"favor_precision": False}, ad=0.05, nav=0.1, dup=0.012,
                  failures={"timeout": 2, "error": 1}, speed=Speed(median_ms=12.34, p95_ms=40.1, pages_per_s=61.7, peak_rss_mb=95.5)),
        extractor("readability", "0.9", 0.905, 0.89, 0.93, ad=0.125, nav=0.25, dup=0.003, failures={"crash": 1}, missing=1,
                  speed=Speed(median_ms=30.0, p95_ms=90.0, pages_per_s=30.2, peak_rss_mb=120.0)),
        extractor("everything", "cleanbench-0.1.0", 0.552, 0.381, 0.999, ad=1.0, nav=1.0, dup=0.0,
                  speed=Speed(median_ms=0.04, p95_ms=0.1, pages_per_s=21000.0, peak_rss_mb=60.0)),
        extractor("acme_clean", "1.2.0", 0.512, 0.6, 0.45, ad=0.3, nav=0.4, dup=0.21,
                  speed=Speed(median_ms=2.5, p95_ms=3.0, pages_per_s=350.0, peak_rss_mb=70.0)),
        extractor("nothing", "cleanbench-0.1.0", 0.0, 0.0, 0.0, ad=0.0, nav=0.0, dup=0.0,
                  speed=Speed(median_ms=0.01, p95_ms=0.02, pages_per_s=50000.0, peak_rss_mb=60.0)),
        ExtractorResult(
            name="goose3",
            signature="goose3@not-installed{}",
            version=None,
            options={},
            installed=False,
            reason="goose3: not installed (goose3); pip install 'cleanbench[all]'",
        ),
    )
    comparisons = (
        Comparison(a="trafilatura", b="justext", key="words.f1", difference=Estimate(0.019, 0.004, 0.035), tied=False),
        Comparison(a="justext", b="readability", key="words.f1", difference=Estimate(0.007, -0.006, 0.02), tied=True),
        Comparison(a="readability", b="acme_clean", key="words.f1", difference=Estimate(0.393, 0.35, 0.44), tied=False),
        # A tie with a bound row is not a rank tie: bounds are not ranked.
        Comparison(a="everything", b="acme_clean", key="words.f1", difference=Estimate(0.04, -0.01, 0.09), tied=True),
    )
    return RunResult(
        gold=GOLD,
        extractors=rows,
        main_metric="words.f1",
        seed=12345,
        resamples=1000,
        cleanbench_version="0.1.0",
        created="2026-01-02T03:04:05+00:00",
        platform="Linux-x86_64",
        python="3.11.9",
        comparisons=comparisons,
    )


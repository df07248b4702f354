"""One benchmark run end to end: extractors over a gold set, scored, assembled into a `RunResult`.

`benchmark()` is what `cleanbench run` and the pytest plugin call; `assemble()` turns predictions
and their scores into the result document, and is usable alone (e.g. on predictions made elsewhere).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from cleanbench import __version__
from cleanbench.atomic import ensure_folder
from cleanbench.errors import MetricError, OutputError
from cleanbench.extractors.baselines import BOUNDS
from cleanbench.gold.load import GoldSet
from cleanbench.ranking import Ranked, ranks
from cleanbench.results import (
    Comparison,
    ExtractorResult,
    GoldInfo,
    Provenance,
    RunResult,
    Speed,
    save_result,
)
from cleanbench.run.cache import PredictionCache
from cleanbench.run.journal import Recorded
from cleanbench.run.runner import ExtractorPredictions, Predictions, run
from cleanbench.run.sandbox import Limits
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.metrics import (
    Metric,
    default_metrics,
    expand_metrics,
    get_metric,
    main_key,
)
from cleanbench.score.scoring import Scoring, score_predictions
from cleanbench.score.signature import MetricKey


def applicable_metrics(gold: GoldSet) -> list[Metric]:
    """The metrics `run` tries by default (each declares it) that apply to at least one page of `gold`."""
    pages = list(gold.annotations())
    return [metric for metric in default_metrics() if any(metric.applies(page) for page in pages)]


def benchmark(
    gold: GoldSet,
    extractors: Sequence[str],
    *,
    metrics: Sequence[str] | None = None,
    out: Path | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    cache: PredictionCache | None = None,
    progress: bool | None = None,
    bootstrap: Bootstrap | None = None,
    cmd_versions: Mapping[str, str] | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> RunResult:
    """Run `extractors` over `gold`, score them, and (with `out`) save result.json and pages.jsonl there.

    `engine` and `ray_address`: where the pages run (see `cleanbench.run.runner.run`); the result records the engine.

    With `out`, the rows of the folder's earlier runs that this run does not ask for are scored too."""
    chosen = expand_metrics(metrics) if metrics else applicable_metrics(gold)
    if not chosen:
        raise MetricError(f"{gold.name}: no metric applies to this set (pages need gold_text, snippets or noise spans)")
    predictions = run(
        gold,
        extractors,
        workers=workers,
        limits=limits,
        cache=cache,
        out=out,
        progress=progress,
        cmd_versions=cmd_versions,
        engine=engine,
        ray_address=ray_address,
    )
    scoring = score_predictions(
        (prediction for row in predictions.extractors for prediction in row.predictions),
        gold,
        metrics=chosen,
        bootstrap=bootstrap,
        extractor_signatures={row.name: row.signature for row in predictions.extractors},
    )
    result = assemble(scoring, gold=gold, predictions=predictions, main=str(main_key(chosen)))
    if out is not None:
        save_result(result, out, pages=[record.to_json() for record in scoring.records])
    return result


def assemble(
    scoring: Scoring, *, gold: GoldSet, predictions: Predictions | None, main: str, recorded: Mapping[str, Recorded] | None = None
) -> RunResult:
    """The result document for scored predictions: rows, speed, failures, and ties on the main metric.

    `recorded`: what is known of rows whose predictions were made elsewhere (`cleanbench score`)."""
    rows: list[ExtractorResult] = []
    runs = {row.name: row for row in predictions.extractors} if predictions else {}
    for scores in scoring.extractors:
        ran = runs.get(scores.name)
        known = (recorded or {}).get(scores.name)
        rows.append(
            ExtractorResult(
                name=scores.name,
                signature=scores.signature or scores.name,
                version=ran.version if ran else known.version if known else None,
                options=ran.options if ran else dict(known.options) if known else {},
                metrics=scores.metrics,
                failures=scores.failures,
                drops=scores.drops,
                missing=scores.missing,
                speed=_speed([p.seconds for p in ran.predictions], [p.peak_rss_mb for p in ran.predictions]) if ran else None,
                slices=scores.slices,
                provenance=_provenance(ran) if ran else None,
            )
        )
    for name, reason in (predictions.not_installed if predictions else {}).items():
        rows.append(ExtractorResult(name=name, signature=name, version=None, options={}, installed=False, reason=reason))
    # Ranks and ties are over the rows the leaderboard ranks: baselines are bounds, not ranked. Each row is
    # compared with the leader of the current rank: tied rows share it, the others open a new one.
    main_key = MetricKey.parse(main)
    comparisons: list[Comparison] = []

    def tied(leader: str, name: str) -> bool:
        comparison = scoring.compare(leader, name, metric=main_key.metric, value=main_key.value)
        comparisons.append(comparison)
        return bool(comparison.tied)

    candidates = [Ranked(row.name, row.value(main) if row.installed else None, row.name in BOUNDS, row.installed) for row in rows]
    found = ranks(candidates, higher=get_metric(main_key.metric).higher_is_better, tied=tied)
    rows = [replace(row, rank=found.get(row.name)) for row in rows]
    return RunResult(
        gold=GoldInfo(name=gold.name, spec=gold.spec, digest=gold.digest(), pages=len(gold)),
        extractors=tuple(rows),
        main_metric=main,
        seed=scoring.bootstrap.seed,
        resamples=scoring.bootstrap.resamples,
        cleanbench_version=__version__,
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        platform=platform.platform(),
        python=sys.version.split()[0],
        comparisons=tuple(comparisons),
        isolation=predictions.isolation if predictions else None,
        confidence=scoring.bootstrap.confidence,
        engine=predictions.engine if predictions else "local",
    )


def _provenance(ran: ExtractorPredictions) -> Provenance:
    return Provenance(
        extracted=len(ran.predictions) - ran.resumed - ran.from_cache,
        resumed=ran.resumed,
        from_cache=ran.from_cache,
        retried=ran.retried,
        earlier=ran.earlier,
        not_cached=ran.not_cached,
    )


def _speed(seconds: Sequence[float | None], peaks: Sequence[float | None]) -> Speed | None:
    timed = np.array([s for s in seconds if s is not None], dtype=float)
    rss = [p for p in peaks if p is not None]
    if timed.size == 0:
        return None
    total = float(timed.sum())
    return Speed(
        median_ms=round(float(np.median(timed)) * 1000, 2),
        p95_ms=round(float(np.percentile(timed, 95)) * 1000, 2),
        pages_per_s=round(timed.size / total, 2) if total > 0 else None,
        peak_rss_mb=round(max(rss), 1) if rss else None,
    )


def new_run_folder(base: Path, *, prefix: str) -> Path:
    """A new folder `base/<prefix>-<YYYYmmdd-HHMMSS>` (then `-2`, `-3`, ...): created here, so two runs
    started in the same second never share one."""
    ensure_folder(base)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 10_000):
        folder = base / (f"{prefix}-{stamp}" if number == 1 else f"{prefix}-{stamp}-{number}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(f"{folder}: cannot create this folder: {error.strerror or error}") from None
        return folder
    raise OutputError(f"{base}: no free run folder name for {prefix}-{stamp}")


def provenance_lines(result: RunResult) -> list[str]:
    """What a run says of where its predictions came from: counts, earlier rows, rows never cached, isolation."""
    rows = [row for row in result.extractors if row.provenance is not None]
    if not rows:
        return []
    fresh = [row for row in rows if not row.provenance.earlier]
    total = {name: sum(getattr(row.provenance, name) for row in fresh) for name in ("extracted", "resumed", "from_cache", "retried")}
    lines = [
        f"predictions: {total['extracted']} extracted, {total['from_cache']} from the cache, {total['resumed']} resumed from the output folder"
        + (f", {total['retried']} crashed pages retried" if total["retried"] else "")
    ]
    earlier = [row.name for row in rows if row.provenance.earlier]
    if earlier:
        lines.append(f"rows from an earlier run in this output folder: {', '.join(earlier)}")
    for row in fresh:
        if row.provenance.not_cached:
            lines.append(f"{row.name}: not cached: {row.provenance.not_cached}")
    if result.isolation is not None and result.isolation != "namespace":
        lines.append(f"network isolation: {result.isolation}")
    return lines

"""Compare two saved runs on the same gold set: per extractor and metric, the change with its paired
bootstrap interval, and the pages whose score moved most.

Everything is recomputed from the runs' per-page records (`pages.jsonl`), so the two runs need not
share metrics or extractors: only what both hold is compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleanbench.errors import ResultError
from cleanbench.results import Estimate, RunResult, load_result, page_records
from cleanbench.score.aggregate import paired_difference, point_values, result_clusters
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts
from cleanbench.score.metrics import get_metric
from cleanbench.score.scoring import PageRecord
from cleanbench.score.signature import MetricKey


@dataclass(frozen=True)
class PageMove:
    page_id: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)


@dataclass(frozen=True)
class Change:
    """One (extractor, metric value): after minus before, its paired interval, and the pages that moved most."""

    extractor: str
    key: str  # "words.f1"
    before: float | None
    after: float | None
    difference: Estimate
    significant: bool  # the interval excludes 0
    pages_changed: int
    top_pages: tuple[PageMove, ...]


@dataclass(frozen=True)
class RunComparison:
    before: RunResult
    after: RunResult
    changes: tuple[Change, ...]
    signature_changes: tuple[tuple[str, str, str], ...]  # (extractor, before signature, after signature)
    only_before: tuple[str, ...]
    only_after: tuple[str, ...]


def compare_runs(before: str | Path, after: str | Path, *, top: int = 5, keys: Sequence[str] | None = None) -> RunComparison:
    """Compare two run folders (or their result.json). `keys` defaults to each metric's headline value."""
    first, second = load_result(before), load_result(after)
    if first.gold.digest != second.gold.digest:
        raise ResultError(
            f"the runs scored different gold sets ({first.gold.name} {first.gold.digest[:12]}… vs "
            f"{second.gold.name} {second.gold.digest[:12]}…): their numbers are not comparable"
        )
    bootstrap = Bootstrap(resamples=second.resamples, seed=second.seed)
    records_before, records_after = _records(before), _records(after)
    names_before = [row.name for row in first.extractors if row.installed]
    names_after = [row.name for row in second.extractors if row.installed]
    common = [name for name in names_after if name in names_before]
    changes: list[Change] = []
    for name in common:
        metrics_before = first.extractor(name).metrics
        metrics_after = second.extractor(name).metrics
        for metric_name in (m for m in metrics_after if m in metrics_before):
            metric = get_metric(metric_name)
            values = [metric.headline] if keys is None else [key.value for key in map(MetricKey.parse, keys) if key.metric == metric_name]
            a = _counts(records_before, name, metric_name)
            b = _counts(records_after, name, metric_name)
            for value in values:
                difference = paired_difference(b, a, metric.counts_type, value=value, bootstrap=bootstrap,
                                               clusters=result_clusters(second, a.keys() | b.keys()))
                moves = [
                    PageMove(page, point_values({page: a[page]}, metric.counts_type)[value], point_values({page: b[page]}, metric.counts_type)[value])
                    for page in sorted(a.keys() & b.keys())
                ]
                moved = [move for move in moves if abs(move.change) > 1e-12]
                moved.sort(key=lambda move: (-abs(move.change), move.page_id))
                changes.append(
                    Change(
                        extractor=name,
                        key=f"{metric_name}.{value}",
                        before=metrics_before[metric_name].get(value),
                        after=metrics_after[metric_name].get(value),
                        difference=difference.estimate,
                        significant=difference.tied is False,
                        pages_changed=len(moved),
                        top_pages=tuple(moved[:top]),
                    )
                )
    signature_changes = tuple(
        (name, first.extractor(name).signature, second.extractor(name).signature)
        for name in common
        if first.extractor(name).signature != second.extractor(name).signature
    )
    return RunComparison(
        before=first,
        after=second,
        changes=tuple(changes),
        signature_changes=signature_changes,
        only_before=tuple(name for name in names_before if name not in names_after),
        only_after=tuple(name for name in names_after if name not in names_before),
    )


def _records(path: str | Path) -> list[PageRecord]:
    base = Path(path)
    where = base if base.is_dir() else base.parent
    return [PageRecord.from_json(raw, where=f"{where}/pages.jsonl:{n}") for n, raw in enumerate(page_records(path), start=1)]


def _counts(records: Sequence[PageRecord], extractor: str, metric: str) -> dict[str, Counts]:
    found: dict[str, Counts] = {}
    for record in records:
        if record.extractor == extractor:
            counts = record.counts.get(metric)
            if counts is not None:
                found[record.page_id] = counts
    return found

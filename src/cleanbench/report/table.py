"""The leaderboard of a `RunResult`, before any formatting: rows, tables (one, or one per slice), notes.

Rows are sorted by the main metric and carry the ranks the run was assembled with (`cleanbench.ranking`;
a result saved without them is ranked by the same rule here). A compact table holds what a person
reads first: the headline value with its interval, the three clutter labels that leak most over the
ranked rows, failures, drops, time and memory; a wide one holds everything (each value with its
interval, every leak label, duplication, drops and the gold words they lost, speed, memory).
`cleanbench.report.formats` writes them in each format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from cleanbench.constants import SLICE_KINDS
from cleanbench.errors import ReportError
from cleanbench.extractors.baselines import (
    BOUNDS,  # sorted with the other rows, never ranked
)
from cleanbench.gold.schema import NOISE_LABELS
from cleanbench.prediction import FAILURES
from cleanbench.ranking import BOUND_RANK, Ranked, order, ranks
from cleanbench.results import (
    Estimate,
    ExtractorResult,
    GoldInfo,
    MetricScores,
    RunResult,
)

# Failure kinds in display order: the runner's failed statuses, then gold pages with no prediction.
FAILURE_KINDS: tuple[str, ...] = (*FAILURES, "missing")
PRF: tuple[str, ...] = ("f1", "precision", "recall")
VALUE_HEADERS: Mapping[str, str] = {"f1": "F1"}
UNRANKED = "n/a"
COMPACT_LEAKS = 3  # leak labels a compact table shows: those that leak most over the ranked rows


@dataclass(frozen=True)
class Row:
    """One extractor's cells, as numbers (None = blank)."""

    name: str
    version: str | None
    signature: str
    installed: bool
    reason: str | None
    bound: bool
    rank: str  # "1", "2=" (tied with the row that opened rank 2), "bound", or "n/a" (no number to rank by)
    tied: bool
    main: Mapping[str, Estimate | None]  # value name ("f1", ...) -> estimate
    leaks: Mapping[str, float | None]  # noise label -> leak
    duplication: float | None
    failures: Mapping[str, int]  # failure kind -> pages, most frequent first, zeros left out
    median_ms: float | None
    pages_per_s: float | None
    peak_rss_mb: float | None = None
    dropped: int = 0  # pages a cleaner dropped
    dropped_share: float | None = None  # the share of all gold words those pages held

    @property
    def failure_total(self) -> int:
        return sum(self.failures.values())


@dataclass(frozen=True)
class Table:
    """One leaderboard: the whole set (`kind` None) or one slice of it."""

    kind: str | None
    value: str | None
    pages: int | None  # pages in the slice (None for the whole set)
    values: tuple[str, ...]  # main metric value names shown, e.g. ("f1", "precision", "recall")
    leak_labels: tuple[str, ...]
    duplication: bool
    runs: bool  # failures and speed columns (the whole set only)
    rows: tuple[Row, ...]
    wide: bool = True
    drops: bool = False  # some row dropped pages

    @property
    def title(self) -> str | None:
        if self.kind is None:
            return None
        return f"{self.kind}: {self.value} ({pages_text(self.pages or 0)})"


def pages_text(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


@dataclass(frozen=True)
class Leaderboard:
    """The tables of one rendering (one, or one per slice value) with their notes and signatures."""

    main_metric: str
    gold: GoldInfo
    tables: tuple[Table, ...]
    notes: tuple[str, ...]
    metric_signatures: tuple[str, ...]
    extractor_signatures: tuple[tuple[str, str], ...]  # (name, name@version{options}) in row order

    @property
    def gold_signature(self) -> str:
        return f"{self.gold.name} sha256:{self.gold.digest} ({self.gold.pages} pages)"

    def signature_lines(self) -> list[str]:
        lines = list(self.metric_signatures)
        lines.append(f"gold: {self.gold_signature}")
        lines.extend(f"extractor: {signature}" for _, signature in self.extractor_signatures)
        return lines


def leaderboard(result: RunResult, *, by: str | None = None, min_pages: int = 5, wide: bool = True) -> Leaderboard:
    """Rows, notes and signatures of the leaderboard, before any formatting; `wide`: every column."""
    metric, value = _split_key(result)
    higher = _higher_is_better(result, metric)
    overall = _overall_table(result, metric=metric, value=value, higher=higher)
    if by is None:
        tables: tuple[Table, ...] = (overall,)
    else:
        tables = _slice_tables(result, by=by, metric=metric, value=value, higher=higher, min_pages=min_pages)
    if not wide:
        tables = tuple(_compact(table, leaks=_leakiest(overall)) for table in tables)
    # A score signature may end with its extractor (`|ext:name@version{options}`), which has a line of its own.
    signatures = sorted({row.metrics[metric].signature.partition("|ext:")[0] for row in result.extractors if metric in row.metrics})
    ordered = [row.name for row in tables[0].rows] if tables else []
    by_name = {row.name: row for row in result.extractors}
    return Leaderboard(
        main_metric=result.main_metric,
        gold=result.gold,
        tables=tables,
        notes=tuple(_notes(result, tables=tables, metric=metric, by=by, min_pages=min_pages)),
        metric_signatures=tuple(signatures),
        extractor_signatures=tuple((name, by_name[name].signature) for name in ordered),
    )


# --- rows -----------------------------------------------------------------------------------------


def _split_key(result: RunResult) -> tuple[str, str]:
    """The main metric key as (metric, value name)."""
    return result.main_key.metric, result.main_key.value


def _higher_is_better(result: RunResult, metric: str) -> bool:
    for row in result.extractors:
        if metric in row.metrics:
            return row.metrics[metric].higher_is_better
    return True


def _shown_values(metrics: list[Mapping[str, MetricScores]], *, metric: str, value: str) -> tuple[str, ...]:
    present = {name for scores in metrics if metric in scores for name in scores[metric].values}
    shown = [name for name in PRF if name in present]
    if value not in shown:
        shown.insert(0, value)
    return tuple(shown)


def _leak_labels(metrics: list[Mapping[str, MetricScores]]) -> tuple[str, ...]:
    return vocabulary_order(key.partition(":")[2] for scores in metrics for key in scores if key.startswith("leak:"))


def vocabulary_order(labels: Iterable[str]) -> tuple[str, ...]:
    """Noise labels in vocabulary order, unknown ones after them, sorted."""
    present = set(labels)
    known = [label for label in NOISE_LABELS if label in present]
    return (*known, *sorted(present - set(known)))


def _estimate(scores: Mapping[str, MetricScores], metric: str, name: str, *, min_pages: int = 0) -> Estimate | None:
    found = scores.get(metric)
    if found is None or found.pages < min_pages:
        return None
    estimate = found.values.get(name)
    return estimate if estimate is not None and estimate.value is not None else None


def _main_value(scores: Mapping[str, MetricScores], metric: str, *, min_pages: int) -> float | None:
    """A metric's main (first) value, as `ExtractorResult.value` reads a bare metric key."""
    found = scores.get(metric)
    if found is None or found.pages < min_pages or not found.values:
        return None
    return next(iter(found.values.values())).value


def _failures(row: ExtractorResult) -> dict[str, int]:
    """Failure kind -> pages, most frequent first (then in `FAILURE_KINDS` order); zeros left out."""
    counts = {kind: n for kind, n in {**row.failures, "missing": row.missing}.items() if n}
    return {kind: counts[kind] for kind in sorted(counts, key=lambda kind: (-counts[kind], *failure_order(kind)))}


def _row(
    extractor: ExtractorResult,
    scores: Mapping[str, MetricScores],
    *,
    metric: str,
    values: tuple[str, ...],
    leak_labels: tuple[str, ...],
    min_pages: int,
    runs: bool,
) -> Row:
    installed = extractor.installed
    speed = extractor.speed if runs and installed else None
    return Row(
        name=extractor.name,
        version=extractor.version,
        signature=extractor.signature,
        installed=installed,
        reason=extractor.reason if not installed else None,
        bound=extractor.name in BOUNDS,
        rank=UNRANKED,
        tied=False,
        main={name: _estimate(scores, metric, name, min_pages=min_pages) if installed else None for name in values},
        leaks={label: _main_value(scores, f"leak:{label}", min_pages=min_pages) if installed else None for label in leak_labels},
        duplication=_main_value(scores, "duplication", min_pages=min_pages) if installed else None,
        failures=_failures(extractor) if runs and installed else {},
        median_ms=speed.median_ms if speed else None,
        pages_per_s=speed.pages_per_s if speed else None,
        peak_rss_mb=speed.peak_rss_mb if speed else None,
        dropped=extractor.drops.pages if runs and extractor.drops else 0,
        dropped_share=extractor.drops.gold_words_share if runs and extractor.drops else None,
    )


def _sorted(rows: list[Row], *, value: str, higher: bool) -> list[Row]:
    """Rows in `ranking.order`: best first, installed rows without a number next, not-installed rows last."""
    by_name = {row.name: row for row in rows}
    keys = [Ranked(row.name, _number_of(row, value), row.bound, row.installed) for row in rows]
    return [by_name[key.name] for key in order(keys, higher=higher)]


def _number_of(row: Row, value: str) -> float | None:
    estimate = row.main.get(value)
    return None if estimate is None else estimate.value


def _with_ranks(rows: list[Row], result: RunResult, *, value: str, higher: bool) -> list[Row]:
    """The ranks the run was assembled with; a result saved without them is ranked by the same rule."""
    found = {extractor.name: extractor.rank for extractor in result.extractors if extractor.rank is not None}
    if not found:
        ties = {frozenset((c.a, c.b)) for c in result.comparisons if c.tied and c.key == result.main_metric}
        keys = [Ranked(row.name, _number_of(row, value), row.bound, row.installed) for row in rows]
        found = ranks(keys, higher=higher, tied=lambda a, b: frozenset((a, b)) in ties)
    return [replace(row, rank=found.get(row.name, UNRANKED), tied=found.get(row.name, "").endswith("=")) for row in rows]


def _leakiest(table: Table) -> tuple[str, ...]:
    """The labels with the highest mean leak over the ranked rows (bounds left out), most first."""
    ranked = [row for row in table.rows if row.rank not in (UNRANKED, BOUND_RANK)]
    means = {
        label: sum(row.leaks[label] or 0.0 for row in ranked) / len(ranked)
        for label in table.leak_labels
        if ranked and any(row.leaks.get(label) is not None for row in ranked)
    }
    return tuple(sorted(means, key=lambda label: (-means[label], label))[:COMPACT_LEAKS])


def _compact(table: Table, *, leaks: tuple[str, ...]) -> Table:
    """The table a person reads first: the headline value, the leakiest labels, failures, drops, speed."""
    return replace(table, values=table.values[:1], leak_labels=tuple(label for label in leaks if label in table.leak_labels), duplication=False, wide=False)


def _overall_table(result: RunResult, *, metric: str, value: str, higher: bool) -> Table:
    metrics = [row.metrics for row in result.extractors]
    values = _shown_values(metrics, metric=metric, value=value)
    labels = _leak_labels(metrics)
    rows = [
        _row(extractor, extractor.metrics, metric=metric, values=values, leak_labels=labels, min_pages=0, runs=True)
        for extractor in result.extractors
    ]
    return Table(
        kind=None,
        value=None,
        pages=None,
        values=values,
        leak_labels=labels,
        duplication=any("duplication" in scores for scores in metrics),
        runs=True,
        rows=tuple(_with_ranks(_sorted(rows, value=value, higher=higher), result, value=value, higher=higher)),
        drops=any(row.drops for row in result.extractors),
    )


def _slice_tables(result: RunResult, *, by: str, metric: str, value: str, higher: bool, min_pages: int) -> tuple[Table, ...]:
    if by not in SLICE_KINDS:
        raise ReportError(f"unknown slice {by!r} (slices: {', '.join(SLICE_KINDS)})")
    groups: dict[str, list[tuple[ExtractorResult, Mapping[str, MetricScores]]]] = {}
    for extractor in result.extractors:
        for name, scores in extractor.slices.get(by, {}).items():
            groups.setdefault(name, []).append((extractor, scores))
    if not groups:
        raise ReportError(f"the result has no slices by {by!r} (it was saved without them, or no page has a {by})")
    tables = []
    for name, members in groups.items():
        metrics = [scores for _, scores in members]
        values = _shown_values(metrics, metric=metric, value=value)
        labels = _leak_labels(metrics)
        pages = max((scores[metric].pages for scores in metrics if metric in scores), default=0)
        sliced = {extractor.name: scores for extractor, scores in members}
        rows = [
            _row(
                extractor, sliced.get(extractor.name, {}),
                metric=metric, values=values, leak_labels=labels, min_pages=min_pages, runs=False,
            )
            for extractor in result.extractors
        ]
        tables.append(
            Table(
                kind=by,
                value=name,
                pages=pages,
                values=values,
                leak_labels=labels,
                duplication=any("duplication" in scores for scores in metrics),
                runs=False,
                rows=tuple(_sorted(rows, value=value, higher=higher)),
            )
        )
    return tuple(sorted(tables, key=lambda table: (-(table.pages or 0), table.value or "")))


# How each kind of value is computed over the pages (a metric declares each value's aggregation).
AGGREGATIONS: Mapping[str, str] = {
    "macro": "the mean of the per-page values",
    "micro": "pooled over pages (counts summed, then the ratio)",
    "f1-of-means": "the F1 of the mean precision and the mean recall",
}


def _aggregation_text(metric: str, values: Iterable[str]) -> str:
    """'F1, precision, recall: the mean of the per-page values', grouped by aggregation, as the metric declares."""
    from cleanbench.errors import MetricError
    from cleanbench.score.metrics import get_metric

    try:
        found = get_metric(metric)
    except MetricError:
        return ", ".join(VALUE_HEADERS.get(name, name) for name in values)
    groups: dict[str, list[str]] = {}
    for name in values:
        groups.setdefault(found.value(name).aggregation, []).append(VALUE_HEADERS.get(name, name))
    return "; ".join(f"{', '.join(names)}: {AGGREGATIONS.get(kind, kind)}" for kind, names in groups.items())


def _notes(result: RunResult, *, tables: tuple[Table, ...], metric: str, by: str | None, min_pages: int) -> list[str]:
    first = tables[0]
    rows = [row for table in tables for row in table.rows]
    direction = "descending" if _higher_is_better(result, metric) else "ascending"
    level = f"{result.confidence * 100:g} %"
    notes = [
        f"Metric {metric}: {_aggregation_text(metric, first.values)}; each with its {level} bootstrap interval [low, high] "
        f"({result.resamples} resamples, seed {result.seed}); rows sorted by {result.main_metric}, {direction}."
    ]
    if any(row.tied for row in rows):
        notes.append(
            f"A rank ending in '=' is tied with the first row of that rank on {result.main_metric} (the paired bootstrap "
            f"{level} interval of their difference contains 0) and shares its rank."
        )
    bounds = [name for name in BOUNDS if any(row.name == name and row.installed for row in first.rows)]
    if bounds:
        described = ", ".join(f"{name} ({BOUNDS[name]})" for name in bounds)
        notes.append(f"Bounds, sorted with the others but not ranked: {described}.")
    labels = vocabulary_order(label for table in tables for label in table.leak_labels)
    if labels:
        columns = ", ".join(f"leak:{label}" for label in labels)
        which = "" if first.wide else " (the labels that leak most; --wide shows every label)"
        notes.append(f"{columns} = share of that label's clutter word 3-grams (not in the gold text) found in the output; lower is better{which}.")
    if any(table.duplication for table in tables):
        notes.append("duplication = share of output word 5-grams that repeat gold text beyond its count; lower is better.")
    if first.runs and any(row.failures for row in rows):
        notes.append("failures = pages with no text from the row (empty, error, timeout, crash, or no prediction); they score as empty.")
    if first.drops:
        notes.append("dropped = pages a document-level cleaner dropped (its decision: scored as empty, not counted as failures)"
                     + ("; gold lost = the share of all gold words those pages held." if first.wide else "."))
    if first.runs and any(row.peak_rss_mb for row in rows):
        notes.append("MB = the peak memory (RSS) of the workers that ran the row's pages (a worker that ran other rows' stages too counts them all).")
    if any(not row.installed for row in rows):
        notes.append("Extractors that are not installed keep a row with the reason and blank numbers.")
    if by is not None:
        notes.append(
            f"One table per {by} value; a cell is blank where the slice has fewer than {min_pages} scored pages "
            "or no estimate. Ties are not tested within a slice."
        )
    return notes


def union(groups: Iterable[Iterable[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return list(seen)


def failure_order(kind: str) -> tuple[int, str]:
    return (FAILURE_KINDS.index(kind), kind) if kind in FAILURE_KINDS else (len(FAILURE_KINDS), kind)

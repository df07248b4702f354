"""Leaderboard tables of a `RunResult`: github, pipe, latex, html, rst, plain (through tabulate), csv, json.

`leaderboard()` builds the rows once (sorted by the main metric, ranks with ties marked, bounds and
not-installed rows placed); `render_leaderboard()` writes them in one format, with the notes that explain
the marks and the signatures that say what produced the numbers.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from tabulate import tabulate

from cleanbench.errors import ReportError
from cleanbench.extractors.baselines import (
    BOUNDS,  # sorted with the other rows, never ranked
)
from cleanbench.gold.schema import NOISE_LABELS
from cleanbench.prediction import STATUSES
from cleanbench.results import (
    Estimate,
    ExtractorResult,
    GoldInfo,
    MetricScores,
    RunResult,
)

TABULATE_FORMATS: tuple[str, ...] = ("github", "pipe", "latex", "html", "rst", "plain")
FORMATS: tuple[str, ...] = (*TABULATE_FORMATS, "csv", "json")
SLICE_KINDS: tuple[str, ...] = ("page_type", "lang", "noise")
# Failure kinds in display order: the runner's non-ok statuses, then gold pages with no prediction.
FAILURE_KINDS: tuple[str, ...] = (*(status for status in STATUSES if status != "ok"), "missing")
PRF: tuple[str, ...] = ("f1", "precision", "recall")
VALUE_HEADERS: Mapping[str, str] = {"f1": "F1"}
UNRANKED = "n/a"
BOUND_RANK = "bound"


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


def render_leaderboard(result: RunResult, *, fmt: str, by: str | None = None, min_pages: int = 5) -> str:
    """The leaderboard of `result` in `fmt` (see `FORMATS`); with `by`, one table per slice value."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown table format {fmt!r} (formats: {', '.join(FORMATS)})")
    board = leaderboard(result, by=by, min_pages=min_pages)
    if fmt == "json":
        return _render_json(board)
    if fmt == "csv":
        return _render_csv(board)
    return _render_text(board, fmt=fmt)


def leaderboard(result: RunResult, *, by: str | None = None, min_pages: int = 5) -> Leaderboard:
    """Rows, notes and signatures of the leaderboard, before any formatting."""
    metric, value = _split_key(result)
    higher = _higher_is_better(result, metric)
    if by is None:
        tables: tuple[Table, ...] = (_overall_table(result, metric=metric, value=value, higher=higher),)
    else:
        tables = _slice_tables(result, by=by, metric=metric, value=value, higher=higher, min_pages=min_pages)
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
    return _vocabulary_order(key.partition(":")[2] for scores in metrics for key in scores if key.startswith("leak:"))


def _vocabulary_order(labels: Iterable[str]) -> tuple[str, ...]:
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
    return {kind: counts[kind] for kind in sorted(counts, key=lambda kind: (-counts[kind], *_failure_order(kind)))}


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
    )


def _sorted(rows: list[Row], *, value: str, higher: bool) -> list[Row]:
    """Rows with a main value first (best first), then installed rows without one, then not-installed rows."""

    def key(row: Row) -> tuple[int, float, str]:
        estimate = row.main.get(value)
        if estimate is None or estimate.value is None:
            return (1 if row.installed else 2, 0.0, row.name)
        return (0, -estimate.value if higher else estimate.value, row.name)

    return sorted(rows, key=key)


def _ranked(rows: list[Row], *, value: str, ties: set[frozenset[str]]) -> list[Row]:
    """Competition ranks over the non-bound rows with a number; `N=` where tied with the row that opened rank N.

    A row shares a rank only when tied with that rank's leader, not merely with its neighbour: ties do not
    chain, so a row cannot share rank 1 with a leader it differs from significantly.
    """
    out: list[Row] = []
    leader: tuple[str, int] | None = None  # (name, rank number) of the row that opened the current rank
    count = 0
    for row in rows:
        estimate = row.main.get(value)
        if row.bound and estimate is not None:
            out.append(replace(row, rank=BOUND_RANK))
            continue
        if estimate is None:
            out.append(row)
            continue
        count += 1
        tied = leader is not None and frozenset((leader[0], row.name)) in ties
        number = leader[1] if tied and leader is not None else count
        out.append(replace(row, rank=f"{number}=" if tied else str(number), tied=tied))
        if not tied:
            leader = (row.name, number)
    return out


def _overall_table(result: RunResult, *, metric: str, value: str, higher: bool) -> Table:
    metrics = [row.metrics for row in result.extractors]
    values = _shown_values(metrics, metric=metric, value=value)
    labels = _leak_labels(metrics)
    rows = [
        _row(extractor, extractor.metrics, metric=metric, values=values, leak_labels=labels, min_pages=0, runs=True)
        for extractor in result.extractors
    ]
    ties = {frozenset((c.a, c.b)) for c in result.comparisons if c.tied and c.key == result.main_metric}
    return Table(
        kind=None,
        value=None,
        pages=None,
        values=values,
        leak_labels=labels,
        duplication=any("duplication" in scores for scores in metrics),
        runs=True,
        rows=tuple(_ranked(_sorted(rows, value=value, higher=higher), value=value, ties=ties)),
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
    notes = [
        f"Metric {metric}: {_aggregation_text(metric, first.values)}; each with its 95 % bootstrap interval [low, high] "
        f"({result.resamples} resamples, seed {result.seed}); rows sorted by {result.main_metric}, {direction}."
    ]
    if any(row.tied for row in rows):
        notes.append(
            f"A rank ending in '=' is tied with the first row of that rank on {result.main_metric} (the paired bootstrap "
            "95 % interval of their difference contains 0) and shares its rank."
        )
    bounds = [name for name in BOUNDS if any(row.name == name and row.installed for row in first.rows)]
    if bounds:
        described = ", ".join(f"{name} ({BOUNDS[name]})" for name in bounds)
        notes.append(f"Bounds, sorted with the others but not ranked: {described}.")
    labels = _vocabulary_order(label for table in tables for label in table.leak_labels)
    if labels:
        columns = ", ".join(f"leak:{label}" for label in labels)
        notes.append(f"{columns} = share of that label's clutter word 3-grams (not in the gold text) found in the output; lower is better.")
    if any(table.duplication for table in tables):
        notes.append("duplication = share of output word 5-grams that repeat gold text beyond its count; lower is better.")
    if first.runs and any(row.failures for row in rows):
        notes.append("failures = pages with no text from the extractor (a status other than ok, or no prediction); they score as empty.")
    if any(not row.installed for row in rows):
        notes.append("Extractors that are not installed keep a row with the reason and blank numbers.")
    if by is not None:
        notes.append(
            f"One table per {by} value; a cell is blank where the slice has fewer than {min_pages} scored pages "
            "or no estimate. Ties are not tested within a slice."
        )
    return notes


# --- cells ----------------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _interval(estimate: Estimate | None) -> str:
    if estimate is None or estimate.value is None:
        return ""
    if estimate.low is None or estimate.high is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


def _failure_cell(row: Row) -> str:
    if not row.failures:
        return ""
    return f"{row.failure_total} ({', '.join(f'{n} {kind}' for kind, n in row.failures.items())})"


def _ms(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if value >= 0.1 else "<0.1"


def _rate(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


@dataclass(frozen=True)
class Column:
    header: str
    align: str  # "left" or "right"
    cell: Callable[[Row], str]


def _main_cell(name: str, row: Row) -> str:
    return _interval(row.main.get(name))


def _leak_cell(label: str, row: Row) -> str:
    return _number(row.leaks.get(label))


def _columns(table: Table, *, with_notes: bool) -> list[Column]:
    columns: list[Column] = []
    if table.runs:
        columns.append(Column("#", "right", lambda row: row.rank))
    columns += [Column("extractor", "left", lambda row: row.name), Column("version", "left", lambda row: row.version or "")]
    for name in table.values:
        columns.append(Column(VALUE_HEADERS.get(name, name), "right", partial(_main_cell, name)))
    for label in table.leak_labels:
        columns.append(Column(f"leak:{label}", "right", partial(_leak_cell, label)))
    if table.duplication:
        columns.append(Column("duplication", "right", lambda row: _number(row.duplication)))
    if table.runs:
        columns += [
            Column("failures", "left", _failure_cell),
            Column("ms/page", "right", lambda row: _ms(row.median_ms)),
            Column("pages/s", "right", lambda row: _rate(row.pages_per_s)),
        ]
    if with_notes:
        columns.append(Column("note", "left", lambda row: row.reason or ""))
    return columns


# --- text formats ---------------------------------------------------------------------------------


def _render_text(board: Leaderboard, *, fmt: str) -> str:
    parts = []
    for table in board.tables:
        columns = _columns(table, with_notes=any(row.reason for row in table.rows))
        cells = [[_cell_text(column.cell(row), fmt=fmt) for column in columns] for row in table.rows]
        body = tabulate(
            cells,
            headers=[_cell_text(column.header, fmt=fmt) for column in columns],
            tablefmt=fmt,
            disable_numparse=True,
            colalign=[column.align for column in columns],
        )
        title = table.title
        parts.append(body if title is None else f"{_title(title, fmt=fmt)}\n\n{body}")
    parts.append(_footer(board, fmt=fmt))
    return "\n\n".join(parts)


def _cell_text(text: str, *, fmt: str) -> str:
    # Markdown cells must not contain a bare pipe; tabulate escapes latex and html itself.
    return text.replace("|", "\\|") if fmt in ("github", "pipe") else text


def _code_span(text: str) -> str:
    """Markdown inline code that holds any text: a fence one backtick longer than the longest run inside."""
    if "`" not in text:
        return f"`{text}`"
    fence = "`" * (max(len(run) for run in re.findall(r"`+", text)) + 1)
    return f"{fence} {text} {fence}"


def _title(title: str, *, fmt: str) -> str:
    if fmt in ("github", "pipe"):
        return f"**{title}**"
    if fmt == "rst":
        return f"{title}\n{'-' * len(title)}"
    if fmt == "latex":
        return f"% {title}"
    if fmt == "html":
        return f"<h3>{html.escape(title)}</h3>"
    return title


def _footer(board: Leaderboard, *, fmt: str) -> str:
    notes, signatures = list(board.notes), board.signature_lines()
    if fmt in ("github", "pipe"):
        return "\n".join([*(f"- {note}" for note in notes), "", *(f"- {_code_span(line)}" for line in signatures)])
    if fmt == "rst":
        return "\n".join([*(f"- {note}" for note in notes), "", *(f"- ``{line}``" if "``" not in line else f"- {line}" for line in signatures)])
    if fmt == "latex":
        return "\n".join(f"% {line}" for line in [*notes, *signatures])
    if fmt == "html":
        note_items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
        signature_items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in signatures)
        return f'<ul class="notes">{note_items}</ul>\n<ul class="signatures">{signature_items}</ul>'
    return "\n".join([*notes, "", *signatures])


# --- data formats ---------------------------------------------------------------------------------


def _row_json(row: Row, table: Table) -> dict[str, Any]:
    data: dict[str, Any] = {
        "extractor": row.name,
        "version": row.version,
        "installed": row.installed,
        "reason": row.reason,
        "bound": row.bound,
    }
    if table.runs:
        data["rank"] = row.rank
        data["tied_with_above"] = row.tied
    for name in table.values:
        estimate = row.main.get(name)
        data[name] = None if estimate is None else {"value": estimate.value, "low": estimate.low, "high": estimate.high}
    data["leak"] = dict(row.leaks)
    if table.duplication:
        data["duplication"] = row.duplication
    if table.runs:
        data["failures"] = {"total": row.failure_total, **row.failures} if row.installed else None
        data["median_ms"] = row.median_ms
        data["pages_per_s"] = row.pages_per_s
    data["signature"] = row.signature
    return data


def _render_json(board: Leaderboard) -> str:
    document = {
        "main_metric": board.main_metric,
        "gold": {"name": board.gold.name, "spec": board.gold.spec, "digest": board.gold.digest, "pages": board.gold.pages},
        "tables": [
            {
                "slice": None if table.kind is None else {"kind": table.kind, "value": table.value, "pages": table.pages},
                "rows": [_row_json(row, table) for row in table.rows],
            }
            for table in board.tables
        ],
        "notes": list(board.notes),
        "signatures": {
            "metrics": list(board.metric_signatures),
            "gold": board.gold_signature,
            "extractors": dict(board.extractor_signatures),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _csv_number(value: float | int | None) -> str:
    return "" if value is None else repr(value)


def _row_csv(row: Row, table: Table, board: Leaderboard, *, failure_kinds: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    if table.kind is not None:
        data.update(slice_kind=table.kind, slice_value=table.value or "", slice_pages=str(table.pages))
    else:
        data["rank"] = row.rank
    data.update(extractor=row.name, version=row.version or "", installed=str(row.installed).lower())
    for name in table.values:
        estimate = row.main.get(name)
        data[name] = _csv_number(estimate.value if estimate else None)
        data[f"{name}_low"] = _csv_number(estimate.low if estimate else None)
        data[f"{name}_high"] = _csv_number(estimate.high if estimate else None)
    for label, value in row.leaks.items():
        data[f"leak:{label}"] = _csv_number(value)
    if table.duplication:
        data["duplication"] = _csv_number(row.duplication)
    if table.runs:
        data["failures"] = str(row.failure_total) if row.installed else ""
        for kind in failure_kinds:
            data[f"failures:{kind}"] = str(row.failures.get(kind, 0)) if row.installed else ""
        data["median_ms"] = _csv_number(row.median_ms)
        data["pages_per_s"] = _csv_number(row.pages_per_s)
    data.update(
        note=row.reason or "",
        signature=row.signature,
        metric_signature=" ; ".join(board.metric_signatures),
        gold=board.gold.name,
        gold_digest=board.gold.digest,
    )
    return data


def _render_csv(board: Leaderboard) -> str:
    """One CSV table (slices stacked, keyed by slice columns); signatures ride along as the last columns.

    Notes are left out: comment lines are not CSV.
    """
    tables = board.tables
    fields = ["slice_kind", "slice_value", "slice_pages"] if tables[0].kind is not None else ["rank"]
    fields += ["extractor", "version", "installed"]
    values = _union(table.values for table in tables)
    fields += [f"{name}{suffix}" for name in values for suffix in ("", "_low", "_high")]
    fields += [f"leak:{label}" for label in _vocabulary_order(label for table in tables for label in table.leak_labels)]
    if any(table.duplication for table in tables):
        fields.append("duplication")
    kinds = sorted(_union(row.failures for table in tables for row in table.rows), key=_failure_order)
    if tables[0].runs:
        fields += ["failures", *(f"failures:{kind}" for kind in kinds), "median_ms", "pages_per_s"]
    fields += ["note", "signature", "metric_signature", "gold", "gold_digest"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row_csv(row, table, board, failure_kinds=kinds) for table in tables for row in table.rows)
    return out.getvalue().rstrip("\n")


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return list(seen)


def _failure_order(kind: str) -> tuple[int, str]:
    return (FAILURE_KINDS.index(kind), kind) if kind in FAILURE_KINDS else (len(FAILURE_KINDS), kind)

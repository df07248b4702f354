"""The leaderboard in each format: github, pipe, latex (booktabs), html, rst, plain (through tabulate),
csv and json, with the notes that explain the marks and the signatures that say what produced the numbers.

The terminal formats (github, pipe, rst, plain) show the compact table unless `wide`; the file formats
(latex, html, csv, json) always show every column.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from tabulate import tabulate

from cleanbench.constants import TABLE_FORMATS
from cleanbench.errors import ReportError
from cleanbench.report.table import (
    VALUE_HEADERS,
    Leaderboard,
    Row,
    Table,
    failure_order,
    leaderboard,
    union,
    vocabulary_order,
)
from cleanbench.results import Estimate, RunResult

FILE_FORMATS = frozenset({"latex", "html", "csv", "json"})
_TABLEFMT = {"latex": "latex_booktabs"}


def render_leaderboard(result: RunResult, *, fmt: str, by: str | None = None, min_pages: int = 5, wide: bool = False) -> str:
    """The leaderboard of `result` in `fmt` (see `TABLE_FORMATS`); with `by`, one table per slice value."""
    if fmt not in TABLE_FORMATS:
        raise ReportError(f"unknown table format {fmt!r} (formats: {', '.join(TABLE_FORMATS)})")
    board = leaderboard(result, by=by, min_pages=min_pages, wide=wide or fmt in FILE_FORMATS)
    if fmt == "json":
        return _render_json(board)
    if fmt == "csv":
        return _render_csv(board)
    return _render_text(board, fmt=fmt)


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


def _megabytes(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


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
    columns.append(Column("extractor", "left", lambda row: row.name))
    if table.wide:
        columns.append(Column("version", "left", lambda row: row.version or ""))
    for name in table.values:
        columns.append(Column(VALUE_HEADERS.get(name, name), "right", partial(_main_cell, name)))
    for label in table.leak_labels:
        columns.append(Column(f"leak:{label}", "right", partial(_leak_cell, label)))
    if table.duplication:
        columns.append(Column("duplication", "right", lambda row: _number(row.duplication)))
    if table.runs:
        columns.append(Column("failures", "left", _failure_cell))
        if table.drops:
            columns.append(Column("dropped", "right", lambda row: str(row.dropped) if row.installed else ""))
            if table.wide:
                columns.append(Column("gold lost", "right", lambda row: _number(row.dropped_share)))
        columns.append(Column("ms/page", "right", lambda row: _ms(row.median_ms)))
        if table.wide:
            columns.append(Column("pages/s", "right", lambda row: _rate(row.pages_per_s)))
        columns.append(Column("MB", "right", lambda row: _megabytes(row.peak_rss_mb)))
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
            tablefmt=_TABLEFMT.get(fmt, fmt),
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
        data["peak_rss_mb"] = row.peak_rss_mb
        if table.drops:
            data["dropped"] = {"pages": row.dropped, "gold_words_share": row.dropped_share}
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
        data["peak_rss_mb"] = _csv_number(row.peak_rss_mb)
        if table.drops:
            data["dropped"] = str(row.dropped)
            data["gold_words_lost"] = _csv_number(row.dropped_share)
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
    values = union(table.values for table in tables)
    fields += [f"{name}{suffix}" for name in values for suffix in ("", "_low", "_high")]
    fields += [f"leak:{label}" for label in vocabulary_order(label for table in tables for label in table.leak_labels)]
    if any(table.duplication for table in tables):
        fields.append("duplication")
    kinds = sorted(union(row.failures for table in tables for row in table.rows), key=failure_order)
    if tables[0].runs:
        fields += ["failures", *(f"failures:{kind}" for kind in kinds)]
        if tables[0].drops:
            fields += ["dropped", "gold_words_lost"]
        fields += ["median_ms", "pages_per_s", "peak_rss_mb"]
    fields += ["note", "signature", "metric_signature", "gold", "gold_digest"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row_csv(row, table, board, failure_kinds=kinds) for table in tables for row in table.rows)
    return out.getvalue().rstrip("\n")

"""The HTML report's robustness section, for a run on a derived gold set (`cleanbench data inject`):
extractor x clutter kind, each cell the F1 of the injected pages minus that of their clean copies with
its cluster-bootstrap interval, and the leak of the injected clutter; coloured by the size of the drop."""

from __future__ import annotations

from cleanbench.report.document import escape_text
from cleanbench.report.index_html import HEAT_STEPS
from cleanbench.robustness import Cell, Robustness, worst_kinds


def robustness_section(report: Robustness) -> str:
    """An `<h2>` section with the table (empty string when the report has no cell)."""
    if not report.cells:
        return ""
    head = "".join(f"<th>{escape_text(kind)}</th>" for kind in report.kinds)
    worst = worst_kinds(report)
    rows = []
    for name in report.extractors:
        cells = "".join(_cell(report.cell(name, kind)) for kind in report.kinds)
        rows.append(f"<tr><td>{escape_text(name)}</td>{cells}<td>{escape_text(worst.get(name, ''))}</td></tr>")
    return (
        "<h2>Robustness to injected clutter</h2>\n<p>Per extractor and clutter kind: words F1 on the injected pages minus "
        "on their clean copies (paired by source page; 95 % interval from a bootstrap over source pages), then the share of "
        "the injected clutter in the output (<code>leak</code>, or <code>dup</code>: duplication, for a second copy of the "
        "body). A darker cell lost more F1.</p>\n"
        f'<table class="heatmap robustness"><thead><tr><th>extractor</th>{head}<th>worst kind</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>\n<p class="muted"><code>{escape_text(report.signature)}</code></p>'
    )


def _cell(cell: Cell | None) -> str:
    if cell is None or cell.difference.value is None:
        return '<td class="heat"></td>'
    difference = cell.difference
    drop = max(0.0, -difference.value)
    step = next((step for step, bound in enumerate(HEAT_STEPS) if drop <= bound), len(HEAT_STEPS))
    interval = "" if difference.low is None or difference.high is None else f" [{difference.low:+.3f}, {difference.high:+.3f}]"
    leak = "" if cell.leak.value is None else f"<br>{'dup' if cell.leak_metric == 'duplication' else 'leak'} {cell.leak.value:.3f}"
    title = f"{cell.pages} pages; F1 clean {_n(cell.clean_f1)}, injected {_n(cell.injected_f1)}"
    return f'<td class="heat h{step}" title="{escape_text(title)}">{difference.value:+.3f}{escape_text(interval)}{leak}</td>'


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"

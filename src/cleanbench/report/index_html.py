"""The report's index: run facts, the leaderboard, a leak heatmap, the slice tables, and a page x extractor grid.

Every table sorts by any column (click or Enter on its header): one small script of the report's
own, the only one the page's Content-Security-Policy allows (by its hash). Without it the tables
read the same, in the leaderboard's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleanbench.constants import SLICE_KINDS
from cleanbench.gold.schema import GoldPage
from cleanbench.report.document import class_attribute, document, escape, escape_text
from cleanbench.report.formats import render_leaderboard
from cleanbench.report.table import leaderboard
from cleanbench.report.view import View
from cleanbench.results import RunResult

# Sort a table's rows by the clicked column: numbers (the first in the cell) first, then text, blanks last.
SORT_SCRIPT = (
    "function key(c){const s=c.textContent.trim(),m=s.match(/-?\\d+(?:\\.\\d+)?/);"
    "return m?[0,parseFloat(m[0])]:[s?1:2,s.toLowerCase()]}"
    "function sortBy(t,th){const i=th.cellIndex,up=th.getAttribute('aria-sort')!=='ascending';"
    "for(const o of th.parentNode.cells)o.setAttribute('aria-sort','none');"
    "th.setAttribute('aria-sort',up?'ascending':'descending');"
    "const b=t.tBodies[0],rows=[...b.rows],k=new Map(rows.map(r=>[r,key(r.cells[i]||r)]));"
    "rows.sort((p,q)=>{const x=k.get(p),y=k.get(q);if(x[0]!==y[0])return x[0]-y[0];if(x[0]===2)return 0;"
    "const d=x[1]<y[1]?-1:x[1]>y[1]?1:0;return up?d:-d});b.append(...rows)}"
    "for(const t of document.querySelectorAll('table')){if(!t.tHead||!t.tBodies[0])continue;"
    "for(const th of t.tHead.rows[0].cells){th.tabIndex=0;th.setAttribute('aria-sort','none');"
    "th.addEventListener('click',()=>sortBy(t,th));"
    "th.addEventListener('keydown',e=>{if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(t,th)}})}}"
)
# Leak and duplication shares from 0 to 1 in seven steps of colour (upper bounds; the last takes the rest).
HEAT_STEPS: tuple[float, ...] = (0.0, 0.02, 0.05, 0.1, 0.2, 0.4)
HEAT_COLOURS: tuple[str, ...] = ("#f6f8fa", "#ffebe9", "#ffcfc8", "#ffaba0", "#ff8170", "#e5534b", "#b62324")
INDEX_CSS = (
    "th[aria-sort]{cursor:pointer;user-select:none}th[aria-sort]:hover{background:#eaeef2}"
    "th[aria-sort=ascending]::after{content:' ▲';font-size:10px}th[aria-sort=descending]::after{content:' ▼';font-size:10px}"
    "td.heat{text-align:right;min-width:4.5em}.heat-key{font-size:12px}.heat-key span{padding:1px 6px}"
    + "".join(f".h{step}{{background:{colour}}}" for step, colour in enumerate(HEAT_COLOURS))
    + ".h5,.h6{color:#fff}"
    ".q0{background:#ffcfc8}.q1{background:#ffe2c4}.q2{background:#fff3c4}.q3{background:#dcf2c8}.q4{background:#c2ebc9}"
    "a.cell{color:inherit;text-decoration:none;display:block}table.grid td{padding:1px 6px}"
)


def index_html(result: RunResult, *, extractors: Sequence[str], grid: Sequence[str], robustness: str = "") -> str:
    """The whole index file; `grid` holds one `grid_row` per gold page; `robustness`, the section of a run
    on a derived set (`report.robustness_html`)."""
    facts = [
        ("gold set", f"{result.gold.name} ({result.gold.spec})"),
        ("gold digest", f"sha256:{result.gold.digest}"),
        ("pages", str(result.gold.pages)),
        ("main metric", result.main_metric),
        ("bootstrap", f"{result.resamples} resamples, seed {result.seed}"),
        ("created", result.created),
        ("cleanbench", result.cleanbench_version),
        ("platform", f"{result.platform}, Python {result.python}"),
    ]
    facts_html = "".join(f"<dt>{escape_text(name)}</dt><dd>{escape_text(value)}</dd>" for name, value in facts)
    header = "".join(f"<th>{escape_text(name)}</th>" for name in ("page", "type", "lang", "noise", *extractors))
    body = "\n".join(
        [
            f"<h1>cleanbench report: {escape_text(result.gold.name)}</h1>",
            f'<dl class="facts">{facts_html}</dl>',
            '<p class="muted">Click a column header to sort a table by it (again to reverse).</p>',
            "<h2>Leaderboard</h2>",
            render_leaderboard(result, fmt="html"),
            heatmap(result),
            robustness,
            slices(result),
            "<h2>Pages</h2>",
            (
                "<p>Per page and extractor: word F1 on that page (or the share of its <q>with</q> snippets found, for a page "
                "without gold text); a status other than ok is named. Follow a cell for the marked text.</p>"
            ),
            f'<table class="grid">\n<thead><tr>{header}</tr></thead>\n<tbody>\n' + "\n".join(grid) + "\n</tbody>\n</table>",
        ]
    )
    return document(f"cleanbench report: {result.gold.name}", body=body, css=INDEX_CSS, script=SORT_SCRIPT)


def heatmap(result: RunResult) -> str:
    """Extractor x noise label: the share of the label's clutter that leaks through, and duplication, as coloured cells."""
    table = leaderboard(result).tables[0]
    if not table.leak_labels and not table.duplication:
        return ""
    columns = [*(f"leak:{label}" for label in table.leak_labels), *(["duplication"] if table.duplication else [])]
    rows = []
    for row in table.rows:
        if not row.installed:
            continue
        values = [row.leaks.get(label) for label in table.leak_labels]
        if table.duplication:
            values.append(row.duplication)
        cells = "".join(_heat_cell(value) for value in values)
        rows.append(f"<tr><td>{escape_text(row.name)}</td>{cells}</tr>")
    head = "".join(f"<th>{escape_text(column)}</th>" for column in columns)
    key = " ".join(
        f'<span class="h{step}">{"0" if step == 0 else f"≤ {HEAT_STEPS[step]:g}" if step < len(HEAT_STEPS) else "more"}</span>'
        for step in range(len(HEAT_COLOURS))
    )
    return (
        "<h2>Clutter that leaks through</h2>\n<p>Per extractor, the share of each noise label's word 3-grams (those not in the "
        "gold text) found in its output, and the share of its output 5-grams that repeat gold text beyond their count; "
        f'lower is better.</p>\n<p class="heat-key">{key}</p>\n'
        f'<table class="heatmap"><thead><tr><th>extractor</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _heat_cell(value: float | None) -> str:
    if value is None:
        return '<td class="heat"></td>'
    step = next((step for step, bound in enumerate(HEAT_STEPS) if value <= bound), len(HEAT_STEPS))
    return f'<td class="heat h{step}">{value:.3f}</td>'


def slices(result: RunResult) -> str:
    """The leaderboard of each slice (page type, language, noise label) that the result holds, one folded section each."""
    parts = []
    for kind in SLICE_KINDS:
        count = len({name for row in result.extractors for name in row.slices.get(kind, {})})
        if count:
            title = kind.replace("_", " ") if kind != "noise" else "noise label"
            parts.append(
                f"<details><summary>by {escape_text(title)} ({count} slices)</summary>\n"
                f"{render_leaderboard(result, fmt='html', by=kind)}\n</details>"
            )
    return "<h2>Slices</h2>\n" + "\n".join(parts) if parts else ""


def grid_row(page: GoldPage, *, views: Sequence[View], target: str) -> str:
    """One gold page's row of the grid: its facts, then each extractor's score linking to its pane on `target`."""
    cells = [
        f'<td><a href="{escape(target)}">{escape_text(page.id)}</a></td>',
        f"<td>{escape_text(page.page_type or '')}</td>",
        f"<td>{escape_text(page.lang or '')}</td>",
        f"<td>{escape_text(', '.join(page.noise_labels()))}</td>",
    ]
    for view in views:
        text, quality = view.headline()
        if view.status != "ok":
            text = f"{text} {view.status}".strip()
        css = "" if quality is None else f"q{min(int(quality * 5), 4)}"
        cells.append(f'<td{class_attribute(css) if css else ""}><a class="cell" href="{escape(target)}#{escape(view.anchor)}">{escape_text(text)}</a></td>')
    return f"<tr>{''.join(cells)}</tr>"

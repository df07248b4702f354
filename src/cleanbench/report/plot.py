"""PNG plots of a `RunResult` (matplotlib, the `plots` extra): precision-recall with intervals, leak heatmap,
main metric by page type.

Figures are built on the Agg canvas without pyplot (no global backend change) and saved without the
software metadata, so the same result gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanbench.atomic import atomic_file, ensure_folder
from cleanbench.errors import ReportError
from cleanbench.report.table import Row, leaderboard, pages_text
from cleanbench.results import Estimate, RunResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PR_FILE = "precision-recall.png"
LEAK_FILE = "leak-heatmap.png"
PAGE_TYPE_FILE = "by-page-type.png"
F1_CURVES = (0.2, 0.4, 0.6, 0.8, 0.9)


def write_plots(result: RunResult, *, out_dir: Path, min_pages: int = 5) -> list[Path]:
    """Write the plots into `out_dir`; returns their paths. A plot with nothing to show is not written.

    A page-type slice with fewer than `min_pages` pages gets no bar, as its table cells stay blank.
    """
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ReportError("plots need matplotlib: pip install 'cleanbench[plots]'") from None
    ensure_folder(out_dir)
    overall = leaderboard(result).tables[0]
    rows = [row for row in overall.rows if row.installed]
    metric = result.main_key.metric
    plots: list[tuple[str, Callable[[Figure], bool]]] = [
        (PR_FILE, lambda figure: _precision_recall(figure, rows, metric=metric)),
        (LEAK_FILE, lambda figure: _leak_heatmap(figure, rows, labels=overall.leak_labels)),
        (PAGE_TYPE_FILE, lambda figure: _by_page_type(figure, result, rows=rows, min_pages=min_pages)),
    ]
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "cleanbench", "font.size": 9, "savefig.dpi": 120, "font.family": "DejaVu Sans"}):
        for name, draw in plots:
            figure = Figure(layout="constrained")
            FigureCanvasAgg(figure)
            if draw(figure):
                path = out_dir / name
                with atomic_file(path, binary=True) as out:
                    figure.savefig(out, format="png", metadata={"Software": None})
                written.append(path)
    return written


def _value(estimate: Estimate | None) -> float | None:
    return None if estimate is None else estimate.value


def _errors(estimates: Sequence[Estimate]) -> list[list[float]]:
    """Asymmetric error bar lengths (below, above) from intervals; 0 where an interval is missing."""
    below = [e.value - e.low if e.value is not None and e.low is not None else 0.0 for e in estimates]
    above = [e.high - e.value if e.value is not None and e.high is not None else 0.0 for e in estimates]
    return [below, above]


def _precision_recall(figure: Figure, rows: Sequence[Row], *, metric: str) -> bool:
    import numpy

    points = [(row, row.main.get("precision"), row.main.get("recall")) for row in rows]
    shown = [(row, p, r) for row, p, r in points if p is not None and r is not None and p.value is not None and r.value is not None]
    if not shown:
        return False
    figure.set_size_inches(6.4, 5.6)
    axes = figure.add_subplot()
    recall_grid = numpy.linspace(0.01, 1.0, 200)
    for level in F1_CURVES:
        with numpy.errstate(divide="ignore", invalid="ignore"):
            curve = level * recall_grid / (2 * recall_grid - level)  # precision giving F1 = level
        keep = (curve > 0) & (curve <= 1.0)
        axes.plot(recall_grid[keep], curve[keep], color="#dddddd", linewidth=0.8, zorder=0)
        axes.annotate(f"F1={level}", (float(recall_grid[keep][-1]), float(curve[keep][-1])), fontsize=7, color="#999999",
                      xytext=(2, 0), textcoords="offset points", va="center")
    for index, (row, precision, recall) in enumerate(shown):
        x, y = float(recall.value or 0.0), float(precision.value or 0.0)
        axes.errorbar([x], [y], xerr=_errors([recall]), yerr=_errors([precision]),
                      fmt="s" if row.bound else "o", markersize=5, capsize=2, linewidth=1)
        # Neighbours in rank order alternate sides, so close points keep readable labels.
        offset, align = ((5, 4), "left") if index % 2 == 0 else ((-5, -9), "right")
        axes.annotate(row.name, (x, y), xytext=offset, textcoords="offset points", fontsize=8, ha=align)
    axes.set_xlim(-0.02, 1.05)
    axes.set_ylim(-0.02, 1.05)
    axes.set_xlabel(f"{metric} recall")
    axes.set_ylabel(f"{metric} precision")
    axes.set_title(f"{metric}: precision vs recall (95 % bootstrap intervals; squares are bounds)")
    axes.grid(True, linewidth=0.3)
    return True


def _leak_heatmap(figure: Figure, rows: Sequence[Row], *, labels: Sequence[str]) -> bool:
    if not labels or not rows:
        return False
    import numpy

    values = numpy.array([[numpy.nan if row.leaks.get(label) is None else row.leaks[label] for label in labels] for row in rows])
    figure.set_size_inches(1.6 + 0.85 * len(labels), 1.2 + 0.38 * len(rows))
    axes = figure.add_subplot()
    image = axes.imshow(numpy.ma.masked_invalid(values), cmap="Reds", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(labels)), labels=list(labels), rotation=30, ha="right")
    axes.set_yticks(range(len(rows)), labels=[row.name for row in rows])
    for y, line in enumerate(values):
        for x, value in enumerate(line):
            text = "" if numpy.isnan(value) else f"{value:.2f}"
            axes.text(x, y, text, ha="center", va="center", fontsize=8, color="white" if value > 0.6 else "black")
    figure.colorbar(image, ax=axes, label="leak (lower is better)")
    axes.set_title("clutter leaked, by noise label")
    return True


def _by_page_type(figure: Figure, result: RunResult, *, rows: Sequence[Row], min_pages: int) -> bool:
    if not rows or not any(row.slices.get("page_type") for row in result.extractors):
        return False
    tables = leaderboard(result, by="page_type", min_pages=min_pages).tables
    value = result.main_key.value
    cells = {(table.value, row.name): row.main.get(value) for table in tables for row in table.rows}
    if not any(_value(estimate) is not None for estimate in cells.values()):
        return False
    names = [row.name for row in rows]
    figure.set_size_inches(max(6.4, 1.0 + 0.16 * len(tables) * len(names)), 4.4)
    axes = figure.add_subplot()
    width = 0.8 / len(names)
    colours = _palette(len(names))
    for index, name in enumerate(names):
        bars = [(at, estimate) for at, table in enumerate(tables) if (estimate := cells.get((table.value, name))) is not None]
        bars = [(at, estimate) for at, estimate in bars if estimate.value is not None]
        positions = [at + (index - (len(names) - 1) / 2) * width for at, _ in bars]
        heights = [float(estimate.value or 0.0) for _, estimate in bars]
        axes.bar(positions, heights, width, yerr=_errors([estimate for _, estimate in bars]), capsize=1.5,
                 label=name, color=colours[index], error_kw={"linewidth": 0.6})
    axes.set_xticks(range(len(tables)), labels=[f"{table.value}\n({pages_text(table.pages or 0)})" for table in tables])
    axes.set_xlim(-0.5, len(tables) - 0.5)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel(result.main_metric)
    axes.set_title(f"{result.main_metric} by page type (no bar: fewer than {min_pages} pages)")
    axes.legend(fontsize=7, ncols=min(len(names), 4), loc="upper center", bbox_to_anchor=(0.5, -0.18))
    axes.grid(True, axis="y", linewidth=0.3)
    return True


def _palette(count: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab20" if count > 10 else "tab10"]
    return [cmap(index % cmap.N) for index in range(count)]

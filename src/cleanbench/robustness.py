"""Robustness to injected clutter: per extractor and clutter kind, retention F1 on the injected pages
against the clean copies of the same source pages (a paired, cluster-bootstrapped difference), how much
of the injected clutter leaked (`leak:<kind>`, or `duplication` for `duplicate`), and the pages behind
each cell. Computed from a saved run on a derived set (`cleanbench data inject`) alone: a derived page's
id is `<source id>.<kind>` (`<source id>.<kind>-<variant>` with every variant), its clean copy's
`<source id>.clean`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cleanbench.errors import ResultError
from cleanbench.inject.clutter import KINDS
from cleanbench.results import Estimate, load_result, page_records
from cleanbench.score.aggregate import estimate, paired_difference, point_values
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts
from cleanbench.score.metrics import get_metric
from cleanbench.score.scoring import PageRecord

RETENTION = "words"


@dataclass(frozen=True)
class Cell:
    """One extractor on one clutter kind."""

    extractor: str
    kind: str
    pages: int  # injected pages paired with their clean copy
    clean_f1: float | None
    injected_f1: float | None
    difference: Estimate  # injected minus clean F1, paired, whole source pages resampled
    leak_metric: str  # "leak:<kind>" or "duplication"
    leak: Estimate  # on the injected pages


@dataclass(frozen=True)
class Robustness:
    gold: str
    digest: str
    extractors: tuple[str, ...]
    kinds: tuple[str, ...]
    cells: tuple[Cell, ...]
    signature: str

    def cell(self, extractor: str, kind: str) -> Cell | None:
        return next((c for c in self.cells if c.extractor == extractor and c.kind == kind), None)


def split_id(page_id: str, *, by_variant: bool = False) -> tuple[str, str] | None:
    """(source id, kind) of a derived page's id (kind `clean` for the copy; with `by_variant`, `kind-variant`
    where the id names one, as with `--all-variants`); None for any other id."""
    source, dot, tail = page_id.rpartition(".")
    kind = tail.split("-", 1)[0]
    if not dot or not source or (kind not in KINDS and tail != "clean"):
        return None
    return source, tail if tail == "clean" or by_variant else kind


def robustness(run: str | Path, *, bootstrap: Bootstrap | None = None, by_variant: bool = False) -> Robustness:
    """The robustness cells of a saved run on a derived set; a `ResultError` when the run's pages are not derived."""
    result = load_result(run)
    bootstrap = bootstrap or Bootstrap(resamples=result.resamples, seed=result.seed, confidence=result.confidence)
    base = Path(run)
    where = base if base.is_dir() else base.parent
    records = [PageRecord.from_json(raw, where=f"{where}/pages.jsonl:{n}") for n, raw in enumerate(page_records(run), start=1)]
    names = [row.name for row in result.extractors if row.installed]
    by: dict[str, dict[str, PageRecord]] = {}
    for record in records:
        by.setdefault(record.extractor, {})[record.page_id] = record
    split = partial(split_id, by_variant=by_variant)
    kinds_seen = {parsed[1] for parsed in map(split, {r.page_id for r in records}) if parsed}
    if "clean" not in kinds_seen or len(kinds_seen) < 2:
        raise ResultError(f"{run}: not a run on a derived gold set (no '<id>.clean' copies beside injected pages): see cleanbench data inject")
    kinds = tuple(sorted(kinds_seen - {"clean"}, key=lambda tail: (KINDS.index(tail.split("-", 1)[0]), tail)))
    words = get_metric(RETENTION)
    cells = []
    for name in names:
        own = by.get(name, {})
        clean = {parsed[0]: own[pid] for pid in own if (parsed := split(pid)) and parsed[1] == "clean"}
        for kind in kinds:
            injected = {pid: record for pid in own if (parsed := split(pid)) and parsed[1] == kind and parsed[0] in clean
                        for record in [own[pid]]}
            clusters = {pid: split(pid)[0] for pid in injected}  # type: ignore[index]
            after = _counts(injected, RETENTION)
            before = {pid: clean[clusters[pid]].counts.get(RETENTION) for pid in after}
            before = {pid: counts for pid, counts in before.items() if counts is not None}
            difference = paired_difference(after, before, words.counts_type, value="f1", bootstrap=bootstrap, clusters=clusters)
            base_kind = kind.split("-", 1)[0]
            leak_metric = "duplication" if base_kind == "duplicate" else f"leak:{base_kind}"
            leaks = _counts(injected, leak_metric)
            leak = estimate(leaks, get_metric(leak_metric).counts_type, bootstrap=bootstrap, clusters=clusters)["value"] if leaks else Estimate(None)
            common = after.keys() & before.keys()
            cells.append(Cell(
                extractor=name, kind=kind, pages=len(common),
                clean_f1=point_values({p: before[p] for p in common}, words.counts_type)["f1"] if common else None,
                injected_f1=point_values({p: after[p] for p in common}, words.counts_type)["f1"] if common else None,
                difference=difference.estimate, leak_metric=leak_metric, leak=leak,
            ))
    signature = str(words.signature("f1", bootstrap=bootstrap, gold_digest=result.gold.digest, clustered=True))
    return Robustness(result.gold.name, result.gold.digest, tuple(names), kinds, tuple(cells), signature)


def _counts(records: Mapping[str, PageRecord], metric: str) -> dict[str, Counts]:
    return {pid: counts for pid, record in records.items() if (counts := record.counts.get(metric)) is not None}


def markdown(report: Robustness) -> str:
    """The cells as a Markdown table, one row per extractor and kind, and what the columns mean."""
    lines = ["| extractor | kind | pages | F1 clean | F1 injected | ΔF1 [95 % CI] | leak (metric) |", "|---|---|---:|---:|---:|---|---|"]
    for cell in report.cells:
        d = cell.difference
        interval = "-" if d.value is None else f"{d.value:+.3f} [{_n(d.low, '+')}, {_n(d.high, '+')}]"
        leak = "-" if cell.leak.value is None else f"{cell.leak.value:.3f} ({cell.leak_metric})"
        lines.append(f"| {cell.extractor} | {cell.kind} | {cell.pages} | {_n(cell.clean_f1)} | {_n(cell.injected_f1)} | {interval} | {leak} |")
    worst = worst_kinds(report)
    lines += ["", "Worst kind per extractor (largest drop in F1): " + "; ".join(f"{name}: {kind}" for name, kind in worst.items()),
              "", f"ΔF1 = words F1 on the injected pages minus on their clean copies, paired by source page; intervals from a "
              f"cluster bootstrap over source pages. `{report.signature}`"]
    return "\n".join(lines)


def worst_kinds(report: Robustness) -> dict[str, str]:
    worst: dict[str, str] = {}
    for name in report.extractors:
        cells = [c for c in report.cells if c.extractor == name and c.difference.value is not None]
        if cells:
            worst[name] = min(cells, key=lambda c: (c.difference.value, c.kind)).kind  # type: ignore[arg-type,return-value]
    return worst


def _n(value: float | None, sign: str = "") -> str:
    return "-" if value is None else f"{value:{sign}.3f}"


def heatmap(report: Robustness, path: Path, *, extractors: Sequence[str] | None = None) -> Path:
    """A PNG heatmap (extractor x kind) of ΔF1, each cell annotated with ΔF1 and the leak; needs matplotlib."""
    from cleanbench.errors import ReportError

    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ReportError("the heatmap needs matplotlib: pip install 'cleanbench[plots]'") from None
    import numpy as np

    names = list(extractors or report.extractors)
    kinds = list(report.kinds)
    values = np.full((len(names), len(kinds)), np.nan)
    figure = Figure(figsize=(1.3 + 1.05 * len(kinds), 0.9 + 0.55 * len(names)))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for row, name in enumerate(names):
        for column, kind in enumerate(kinds):
            cell = report.cell(name, kind)
            if cell is not None and cell.difference.value is not None:
                values[row, column] = cell.difference.value
    limit = max(0.05, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.05)
    image = axes.imshow(values, cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
    for row, name in enumerate(names):
        for column, kind in enumerate(kinds):
            cell = report.cell(name, kind)
            if cell is None or cell.difference.value is None:
                continue
            leak = "" if cell.leak.value is None else f"\n{'dup' if cell.leak_metric == 'duplication' else 'leak'} {cell.leak.value:.2f}"
            strong = abs(cell.difference.value) > 0.6 * limit
            axes.text(column, row, f"{cell.difference.value:+.3f}{leak}", ha="center", va="center", fontsize=7.5, color="white" if strong else "black")
    axes.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    axes.set_yticks(range(len(names)), names)
    axes.set_title(f"{report.gold}: words F1 injected − clean (paired), and leak", fontsize=9)
    figure.colorbar(image, ax=axes, label="ΔF1")
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=120, metadata={"Software": None})
    return path

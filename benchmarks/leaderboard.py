"""The public leaderboard: every extractor and the baselines on the bundled set and the three public sets.

    python benchmarks/leaderboard.py                 # run what is missing (cached predictions are reused)
    python benchmarks/leaderboard.py --fresh-cache   # from scratch: a new, empty prediction cache
    python benchmarks/leaderboard.py --render-only   # re-render the tables from benchmarks/results/*.json

Each set is scored with the metrics that apply to it, its own published formula first (so it heads the
table): `aeb` on AEB, `wcxb` on WCXB, `snippets` on trafilatura's corpus, `words` on the bundled set.
Writes benchmarks/results/<set>.json (the RunResult: versions, options, digests, signatures),
benchmarks/results/leaderboard.md (every table) and summary.md (the compact tables the README shows).
Run folders with every prediction go to runs/leaderboard/<set>/ (not committed: they hold page text).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
RUNS = REPO / "runs" / "leaderboard"

# (file stem, gold spec, metrics in order: the first is the set's own published formula)
SETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("fixtures", "fixtures", ("words", "snippets", "duplication", "leak:*")),
    ("aeb", f"aeb:{DATA / 'aeb'}", ("aeb", "words", "duplication")),
    ("wcxb-dev", f"wcxb:{DATA / 'wcxb-dev'}", ("wcxb", "words", "snippets")),
    ("trafilatura-eval", f"trafilatura-eval:{DATA / 'trafilatura-eval'}", ("snippets",)),
)

# Figures published for these tools (../shared/data/README.md), beside which our rows are shown.
PUBLISHED: dict[str, dict[str, tuple[float, str]]] = {
    "aeb": {
        "trafilatura": (0.958, "Zyte AEB table, trafilatura 2.0.0"),
        "readability": (0.922, "Zyte AEB table, readability-lxml 0.8.4.1"),
        "newspaper4k": (0.949, "Zyte AEB table, newspaper4k 0.9.3.1"),
        "goose3": (0.896, "Zyte AEB table, goose3 3.1.20"),
        "justext": (0.804, "Zyte AEB table, justext 3.0.2"),
        "inscriptis": (0.679, "Zyte AEB table, inscriptis 2.6.0"),
        "html-text": (0.665, "Zyte AEB table, html-text 0.7.0"),
        "bs4": (0.665, "Zyte AEB table, beautifulsoup 4.13.5"),
        "boilerpy3": (0.860, "Zyte AEB table, boilerpipe ab3694d (Java)"),
    },
    "wcxb-dev": {
        "trafilatura": (0.791, "WCXB dev table, older trafilatura"),
        "newspaper4k": (0.720, "WCXB dev table"),
        "magic-html": (0.719, "WCXB dev table"),
        "justext": (0.707, "WCXB dev table"),
        "boilerpy3": (0.687, "WCXB dev table"),
        "readability": (0.675, "WCXB dev table"),
        "goose3": (0.652, "WCXB dev table"),
    },
    "trafilatura-eval": {
        "trafilatura": (0.924, "trafilatura 2.2.0 docs"),
        "magic-html": (0.889, "trafilatura 2.2.0 docs"),
        "justext": (0.862, "trafilatura 2.2.0 docs (custom settings)"),
        "readability": (0.826, "trafilatura 2.2.0 docs"),
        "resiliparse": (0.811, "trafilatura 2.2.0 docs"),
        "goose3": (0.810, "trafilatura 2.2.0 docs"),
        "boilerpy3": (0.807, "trafilatura 2.2.0 docs"),
        "newspaper4k": (0.801, "trafilatura 2.2.0 docs"),
        "inscriptis": (0.694, "trafilatura 2.2.0 docs"),
    },
}


def run_sets(*, only: set[str] | None, workers: int | None) -> dict[str, float]:
    from cleanbench.benchmark import benchmark
    from cleanbench.gold.load import load_gold
    from cleanbench.results import RESULT_FILE
    from cleanbench.run.cache import PredictionCache
    from cleanbench.stages.registry import names

    seconds: dict[str, float] = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for stem, spec, metrics in SETS:
        if only and stem not in only:
            continue
        if stem != "fixtures" and not DATA.is_dir():
            print(f"skipping {stem}: public data not found at {DATA}", file=sys.stderr)
            continue
        start = time.perf_counter()
        # A fresh run folder each time: a changed adapter must not resume into an old one (the journal
        # refuses that), and unchanged extractors come back from the prediction cache anyway.
        shutil.rmtree(RUNS / stem, ignore_errors=True)
        gold = load_gold(spec)
        cache = PredictionCache()
        try:
            benchmark(gold, names("extractor"), metrics=list(metrics), out=RUNS / stem, workers=workers, cache=cache, progress=None)
        finally:
            cache.close()
        seconds[stem] = time.perf_counter() - start
        (RESULTS / f"{stem}.json").write_text((RUNS / stem / RESULT_FILE).read_text(encoding="utf-8"), encoding="utf-8")
        print(f"{stem}: {len(gold)} pages in {seconds[stem]:.0f} s", file=sys.stderr)
    return seconds


def render() -> str:
    from cleanbench.report.formats import render_leaderboard
    from cleanbench.results import load_result

    parts = ["# cleanbench leaderboard", "", "Generated by `python benchmarks/leaderboard.py`; numbers measured, not copied.", ""]
    for stem, _spec, _metrics in SETS:
        path = RESULTS / f"{stem}.json"
        if not path.is_file():
            continue
        result = load_result(path)
        parts += [f"## {result.gold.name} ({result.gold.pages} pages)", "", render_leaderboard(result, fmt="github"), ""]
        if stem == "wcxb-dev":
            parts += ["### By page type", "", render_leaderboard(result, fmt="github", by="page_type"), ""]
        if stem in PUBLISHED:
            parts += ["### Beside the published figures", "", _published_table(result, stem), ""]
        parts += ["### Speed", "", _speed_table(result), ""]
    return "\n".join(parts)


def summary() -> str:
    """The compact tables the README shows: main table per set, WCXB by page type, bundled-set leaks, speed."""
    from tabulate import tabulate

    from cleanbench.report.table import leaderboard
    from cleanbench.results import load_result

    parts: list[str] = []
    results = {stem: load_result(RESULTS / f"{stem}.json") for stem, _, _ in SETS if (RESULTS / f"{stem}.json").is_file()}
    for stem, result in results.items():
        rows = []
        for row in leaderboard(result).tables[0].rows:
            f1, precision, recall = (row.main.get(name) for name in ("f1", "precision", "recall"))
            rows.append((row.rank, row.name, row.version or "", _ci(f1), _point(precision), _point(recall), row.failure_total or ""))
        headers = ("#", "extractor", "version", f"{result.main_metric} [95% CI]", "precision", "recall", "failed pages")
        parts += [f"#### {result.gold.name}: {result.gold.pages} pages, sorted by {result.main_metric}", "",
                  tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True), ""]
    if "wcxb-dev" in results:
        result = results["wcxb-dev"]
        kinds = sorted(next(iter(result.extractors)).slices.get("page_type", {}))
        metric, _, value = result.main_metric.rpartition(".")
        rows = []
        for row in sorted(result.extractors, key=lambda r: -(r.value(result.main_metric) or 0.0)):
            cells = []
            for kind in kinds:
                scores = row.slices.get("page_type", {}).get(kind, {}).get(metric)
                cells.append(_point(scores.values.get(value)) if scores else "")
            rows.append((row.name, *cells))
        pages = {kind: next(iter(result.extractors)).slices["page_type"][kind][metric].pages for kind in kinds}
        parts += [f"#### wcxb-dev by page type ({result.main_metric})", "",
                  tabulate(rows, headers=("extractor", *(f"{k} ({pages[k]})" for k in kinds)), tablefmt="github", disable_numparse=True), ""]
    if "fixtures" in results:
        result = results["fixtures"]
        labels = [key.partition(":")[2] for key in next(iter(result.extractors)).metrics if key.startswith("leak:")]
        rows = []
        for row in sorted(result.extractors, key=lambda r: -(r.value(result.main_metric) or 0.0)):
            rows.append((row.name, *(_point(row.metrics[f"leak:{l}"].values.get("value")) for l in labels), _point(row.metrics["duplication"].values.get("value"))))
        parts += ["#### Clutter that leaks through, bundled set (share of each label's 3-grams; lower is better)", "",
                  tabulate(rows, headers=("extractor", *labels, "duplication"), tablefmt="github", disable_numparse=True), ""]
    if "wcxb-dev" in results:
        rows = [
            (row.name, row.speed.median_ms, row.speed.p95_ms, row.speed.pages_per_s)
            for row in results["wcxb-dev"].extractors
            if row.speed is not None and row.name not in ("gold", "nothing")
        ]
        rows.sort(key=lambda r: r[1])
        parts += ["#### Speed on wcxb-dev (one worker process per core; per page)", "",
                  tabulate(rows, headers=("extractor", "median ms", "p95 ms", "pages/s per worker"), tablefmt="github"), ""]
    return "\n".join(parts)


def _point(estimate: object) -> str:
    value = getattr(estimate, "value", None)
    return "" if value is None else f"{value:.3f}"


def _ci(estimate: object) -> str:
    value, low, high = (getattr(estimate, name, None) for name in ("value", "low", "high"))
    if value is None:
        return ""
    return f"{value:.3f} [{low:.3f}, {high:.3f}]" if low is not None and high is not None else f"{value:.3f}"


def _published_table(result: object, stem: str) -> str:
    from tabulate import tabulate

    rows = []
    for name, (figure, source) in PUBLISHED[stem].items():
        try:
            row = result.extractor(name)  # type: ignore[attr-defined]
        except Exception:
            continue
        ours = row.value(result.main_metric)  # type: ignore[attr-defined]
        rows.append((name, row.version or "-", "" if ours is None else f"{ours:.3f}", f"{figure:.3f}", "" if ours is None else f"{ours - figure:+.3f}", source))
    headers = ("extractor", "our version", f"ours ({result.main_metric})", "published", "difference", "published for")  # type: ignore[attr-defined]
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def _speed_table(result: object) -> str:
    from tabulate import tabulate

    rows = []
    for row in result.extractors:  # type: ignore[attr-defined]
        if row.speed is None:
            continue
        rows.append((row.name, row.speed.median_ms, row.speed.p95_ms, row.speed.pages_per_s, row.speed.peak_rss_mb))
    rows.sort(key=lambda r: r[1] if r[1] is not None else 0.0)
    return tabulate(rows, headers=("extractor", "median ms/page", "p95 ms/page", "pages/s (one worker)", "peak worker RSS MB"), tablefmt="github")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render-only", action="store_true", help="re-render from benchmarks/results/*.json")
    parser.add_argument("--fresh-cache", action="store_true", help="use a new, empty prediction cache (a from-scratch timing)")
    parser.add_argument("--only", nargs="+", choices=[stem for stem, _, _ in SETS], help="run only these sets")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    if args.fresh_cache:
        os.environ["CLEANBENCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleanbench-leaderboard-")
    start = time.perf_counter()
    if not args.render_only:
        seconds = run_sets(only=set(args.only or ()), workers=args.workers)
        print(json.dumps({"seconds": {k: round(v) for k, v in seconds.items()}}), file=sys.stderr)
    (RESULTS / "leaderboard.md").write_text(render() + "\n", encoding="utf-8")
    (RESULTS / "summary.md").write_text(summary() + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'leaderboard.md'} in {time.perf_counter() - start:.1f} s total", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Harness overhead: `cleanbench extract -e trafilatura` against a bare loop calling trafilatura.extract.

Usage: python benchmarks/harness_overhead.py [--gold aeb:../shared/data/aeb] [--rounds 3]

Every measurement runs in a fresh Python process, which first imports cleanbench's gold loader (and so
`datasets`) and builds the command-line parser (untimed: interpreter and library start-up, the same
for both sides), then times:
- bare: load the gold set, import trafilatura, call `trafilatura.extract(html, url=url, **options)` on
  every page in one process, with the options of cleanbench's `trafilatura` adapter;
- extract, 1 and 2 workers, cold cache: the `cleanbench extract -e trafilatura` command's handler, with an empty
  prediction cache (a fresh temp dir, where the gold set's import and page digests are cached beforehand);
- extract, warm cache: the same command again, into a new output folder, with the cache just filled.
Rounds alternate the measurements; the table shows each round, the median and the best, and each
ratio is taken within a round (other load on the machine only adds time, so the best round shows the
harness's own cost). Targets (issue 3):
1 worker <= 1.10 x bare; 2 workers <= 0.65 x bare on a 2-core machine; warm <= 0.05 x cold (2 workers).
The bare loop's texts are compared with the harness's predictions: they must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = f"aeb:{REPO.parent / 'shared' / 'data' / 'aeb'}"
TARGETS = {"1 worker / bare": 1.10, "2 workers / bare": 0.65, "warm / cold (2 workers)": 0.05}


def child_bare(gold_spec: str, texts_path: Path) -> float:
    from cleanbench.gold.load import load_gold

    start = time.perf_counter()
    gold = load_gold(gold_spec)
    pages = [(page.id, page.html, page.url) for page in gold]
    import trafilatura

    from cleanbench.extractors.trafilatura import EVALUATION_OPTIONS

    texts = {page_id: trafilatura.extract(html, url=url, **EVALUATION_OPTIONS) or "" for page_id, html, url in pages}
    seconds = time.perf_counter() - start
    texts_path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return seconds


def child_extract(gold_spec: str, out: Path, workers: int) -> float:
    import contextlib
    import io

    from cleanbench.cli import build_parser

    args = build_parser().parse_args(["extract", gold_spec, "-e", "trafilatura", "--out", str(out), "--workers", str(workers)])
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = args.handler(args)
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"cleanbench extract exited with {code}")
    return seconds


def measure(args: list[str], *, cache_dir: Path) -> float:
    """Run this script as a child measuring one thing; its last stdout line is the seconds."""
    env = {**os.environ, "CLEANBENCH_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([sys.executable, __file__, "--child", *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measurement {args} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def predictions(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]


def differing_texts(texts_path: Path, out: Path) -> int:
    """Pages whose harness prediction differs from the bare loop's text."""
    bare = json.loads(texts_path.read_text(encoding="utf-8"))
    harness = {record["page_id"]: record["text"] for record in predictions(out)}
    return sum(1 for page_id, text in bare.items() if harness.get(page_id) != text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=DEFAULT_GOLD, help=f"gold spec (default {DEFAULT_GOLD})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        seconds = child_bare(args.gold, Path(rest[0])) if kind == "bare" else child_extract(args.gold, Path(rest[0]), int(rest[1]))
        print(seconds)
        return 0

    from cleanbench.gold.load import load_gold
    from cleanbench.run.sandbox import default_workers

    root = Path(tempfile.mkdtemp(prefix="cleanbench-overhead-"))
    cache_dir = root / "cache"
    os.environ["CLEANBENCH_CACHE_DIR"] = str(cache_dir)
    gold = load_gold(args.gold)
    gold.page_digests()  # the import and its page digests are cached once per gold set: no measurement pays for them
    rows: dict[str, list[float]] = {"bare": [], "extract, 1 worker, cold": [], "extract, 2 workers, cold": [], "extract, warm cache": []}
    # The workers' own extraction time, summed over pages: when other load slows the CPUs down, this
    # grows past the bare loop's time and no number of workers can make up for it.
    work: dict[str, list[float]] = {"1 worker: pages' seconds summed": [], "2 workers: pages' seconds summed": []}
    mismatches = 0
    try:
        for round_ in range(args.rounds):
            texts = root / f"bare-{round_}.json"
            rows["bare"].append(measure(["bare", str(texts)], cache_dir=cache_dir))
            for workers in (1, 2):
                shutil.rmtree(cache_dir / "predictions", ignore_errors=True)
                out = root / f"out-{round_}-{workers}"
                plural = "s" if workers > 1 else ""
                rows[f"extract, {workers} worker{plural}, cold"].append(measure(["extract", str(out), str(workers)], cache_dir=cache_dir))
                work[f"{workers} worker{plural}: pages' seconds summed"].append(sum(float(p["seconds"]) for p in predictions(out)))
                mismatches += differing_texts(texts, out)
            warm_out = root / f"out-{round_}-warm"
            rows["extract, warm cache"].append(measure(["extract", str(warm_out), "2"], cache_dir=cache_dir))
            mismatches += differing_texts(texts, warm_out)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    table = {**rows, **work}
    median = {name: statistics.median(values) for name, values in table.items()}
    best = {name: min(values) for name, values in table.items()}
    print(f"gold {gold.name}: {len(gold)} pages; CPUs available {default_workers()}; load average {os.getloadavg()[0]:.2f} (1 min)")
    width = max(map(len, table))
    print(f"{'':{width}}  " + "  ".join(f"round {n + 1:>2}" for n in range(args.rounds)) + "    median      best")
    for name, values in table.items():
        print(f"{name:{width}}  " + "  ".join(f"{value:8.3f}" for value in values) + f"  {median[name]:8.3f}  {best[name]:8.3f} s")
    # Each ratio is taken within a round (measurements minutes apart see different load); other load
    # only adds time, so the best round shows the harness's own cost, the median what runs met.
    print(f"{'ratio, within each round':{width}}  {'median':>8}  {'best':>8}  target")
    for name, (part, whole) in {
        "1 worker / bare": ("extract, 1 worker, cold", "bare"),
        "2 workers / bare": ("extract, 2 workers, cold", "bare"),
        "warm / cold (2 workers)": ("extract, warm cache", "extract, 2 workers, cold"),
    }.items():
        paired = [a / b for a, b in zip(table[part], table[whole])]
        by_median, by_best = statistics.median(paired), min(paired)
        verdict = "met" if by_median <= TARGETS[name] else ("met by the best round" if by_best <= TARGETS[name] else "MISSED")
        print(f"{name:{width}}  {by_median:8.3f}  {by_best:8.3f}  <= {TARGETS[name]:.2f}: {verdict}")
    print(f"pages whose harness text differs from the bare loop's: {mismatches}")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

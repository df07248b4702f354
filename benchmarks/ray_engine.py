"""The ray engine against the local one, side by side in one process: AEB x 5 extractors, 2 CPUs each.

Usage: python benchmarks/ray_engine.py [--gold aeb:../shared/data/aeb] [--rounds 3] [--out benchmarks/results/ray_engine.json]

- local: `run(gold, rows, workers=2, engine="local")`, no cache, no output folder;
- ray: the same with `engine="ray"` on a Ray started here beforehand with 2 CPUs (dashboard off, a 300 MiB
  object store, its own temporary folder): its start-up (`ray.init`) is timed apart, once; each round
  then pays what a run pays on a running cluster (Ray worker processes started on first use, and each
  sandbox started and its libraries loaded inside them, as the local sandbox starts and loads its own);
- dispatch: the `nothing` baseline (returns at once) over the same pages on both engines: wall time per
  job, and the difference, which is what the ray engine adds to every job.
Rounds alternate the engines; the ratio is taken within a round, and the best round shows each engine's
own cost (other load on the machine only adds time). Target (issue 15): ray <= 1.25 x local.
The predictions of both engines are compared (status, text, error per page and row): they must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = f"aeb:{REPO.parent / 'shared' / 'data' / 'aeb'}"
ROWS = ["trafilatura", "resiliparse", "justext", "readability", "boilerpy3"]
TARGET = 1.25


def timed_run(gold: Any, rows: list[str], engine: str) -> tuple[float, list[tuple[str, str, str, str, str | None]]]:
    from cleanbench.run.runner import run

    start = time.perf_counter()
    predictions = run(gold, rows, workers=2, engine=engine, progress=False)
    seconds = time.perf_counter() - start
    return seconds, [(row.name, p.page_id, p.status, p.text, p.error) for row in predictions.extractors for p in row.predictions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=DEFAULT_GOLD)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "ray_engine.json")
    args = parser.parse_args()

    import ray

    from cleanbench.gold.load import load_gold

    gold = load_gold(args.gold)
    load_before = os.getloadavg()[0]
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    temp = tempfile.mkdtemp(prefix="cbray-bench-")
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=300 * 2**20, _temp_dir=temp, log_to_driver=False)
    startup = time.perf_counter() - start
    rounds: list[dict[str, Any]] = []
    identical = True
    try:
        for number in range(args.rounds):
            local, local_out = timed_run(gold, ROWS, "local")
            remote, ray_out = timed_run(gold, ROWS, "ray")
            identical &= sorted(local_out) == sorted(ray_out)
            local_nothing, _ = timed_run(gold, ["nothing"], "local")
            ray_nothing, _ = timed_run(gold, ["nothing"], "ray")
            found = {
                "round": number + 1,
                "local_s": round(local, 2),
                "ray_s": round(remote, 2),
                "ray / local": round(remote / local, 3),
                "nothing_local_ms_per_job": round(local_nothing / len(gold) * 1000, 2),
                "nothing_ray_ms_per_job": round(ray_nothing / len(gold) * 1000, 2),
            }
            found["dispatch_ms_per_job"] = round(found["nothing_ray_ms_per_job"] - found["nothing_local_ms_per_job"], 2)
            rounds.append(found)
            print(json.dumps(found), file=sys.stderr)
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)

    best = min(rounds, key=lambda found: found["ray / local"])
    result = {
        "gold": args.gold.split(":", 1)[0],
        "pages": len(gold),
        "rows": ROWS,
        "jobs": len(gold) * len(ROWS),
        "cpus": 2,
        "ray_version": ray.__version__,
        "python": platform.python_version(),
        "load_1min_before": round(load_before, 2),
        "ray_startup_s": round(startup, 2),
        "rounds": rounds,
        "median_ray_over_local": round(statistics.median(r["ray / local"] for r in rounds), 3),
        "best_ray_over_local": best["ray / local"],
        "median_dispatch_ms_per_job": round(statistics.median(r["dispatch_ms_per_job"] for r in rounds), 2),
        "target_ray_over_local": TARGET,
        "identical_predictions": identical,
        "measured": time.strftime("%Y-%m-%d", time.gmtime()),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

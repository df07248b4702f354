"""The default `cleanbench run` on the bundled set, as a new user meets it: wall time from an empty cache
with 2 workers (target: under 60 s on a 2-core machine), and how well the leaderboard ranks (target:
the three best ranked rows' words F1 intervals at most 0.08 wide).

    .venv/bin/python benchmarks/bundled_run.py [--workers 2] [--gold fixtures]

The wall time depends on what else the machine runs: the CPU time of the run and every process under
it, and the load average before it, are reported beside it. The run goes into a temporary folder with
a temporary, empty cache; the numbers are printed as a small table and written to
benchmarks/results/bundled_run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _tree_cpu_seconds(process: subprocess.Popen[str], *, every: float = 0.1) -> float:
    """CPU seconds of a process and every process under it (the sandbox's fork server and workers, node),
    sampled until it exits: each process counts with the last value seen, so at most `every` seconds of
    a short-lived one go unseen. (getrusage cannot see them: the fork server is killed, never waited for.)"""
    import psutil

    root = psutil.Process(process.pid)
    seen: dict[tuple[int, float], float] = {}
    while process.poll() is None:
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for member in members:
            try:
                times = member.cpu_times()
                seen[(member.pid, member.create_time())] = times.user + times.system
            except psutil.NoSuchProcess:
                continue
        time.sleep(every)
    return sum(seen.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gold", default="fixtures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanbench-bundled-") as scratch:
        out = Path(scratch) / "run"
        env = {**os.environ, "CLEANBENCH_CACHE_DIR": str(Path(scratch) / "cache")}
        command = [sys.executable, "-m", "cleanbench", "run", "--gold", args.gold, "--workers", str(args.workers), "--out", str(out), "--format", "json"]
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cpu = _tree_cpu_seconds(process)
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - start
        done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    ranked = [row for row in result["extractors"] if row.get("rank") not in (None, "bound")]
    ranked.sort(key=lambda row: -row["metrics"]["words"]["values"]["f1"]["value"])
    top = []
    for row in ranked[:3]:
        f1 = row["metrics"]["words"]["values"]["f1"]
        top.append({"extractor": row["name"], "rank": row["rank"], "f1": f1["value"], "low": f1["low"], "high": f1["high"], "width": f1["high"] - f1["low"]})
    ties = sum(row["rank"].endswith("=") for row in ranked)
    summary = {
        "gold": result["gold"]["name"],
        "pages": result["gold"]["pages"],
        "workers": args.workers,
        "rows": len(result["extractors"]),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),  # the run and every process under it: on an idle machine, wall >= cpu / workers
        "load_average_before": round(load_before, 2),
        "ranked_rows": len(ranked),
        "tied_rows": ties,
        "top_three": top,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bundled_run.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(
        f"cleanbench run on {summary['gold']} ({summary['pages']} pages, {summary['rows']} rows, {args.workers} workers, empty cache): "
        f"{seconds:.1f} s wall (target < 60 s), {cpu:.1f} s CPU, load average {load_before:.2f} before"
    )
    for entry in top:
        print(f"  {entry['rank']:>3} {entry['extractor']:<24} F1 {entry['f1']:.3f} [{entry['low']:.3f}, {entry['high']:.3f}]  width {entry['width']:.3f} (target <= 0.08)")
    print(f"  {ties} of {len(ranked)} ranked rows share a rank")
    return 0


if __name__ == "__main__":
    sys.exit(main())

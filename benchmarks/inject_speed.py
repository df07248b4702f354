"""How fast `cleanbench data inject` derives every clutter kind from WCXB dev's 1,497 pages (issue 13),
and how much memory it holds while doing so.

    .venv/bin/python benchmarks/inject_speed.py [--wcxb ../shared/data/wcxb-dev] [--workers 2]

Runs the command as a process (the gold set imported once before timing, as a user's second command
reads it), samples the resident memory of the process and its workers every 50 ms with psutil, and
writes wall time, pages written, peak RSS (the command's own process, the largest worker, and all
together) and the output's size to benchmarks/results/inject_speed.json. Target: under 60 s on the
project's 2-core machine, memory bounded (pages are streamed a window at a time). The command's RSS
includes the pages of the memory-mapped source set it has read (file-backed, shared, reclaimable).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", default=str(ROOT.parent / "shared" / "data" / "wcxb-dev"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    spec = f"wcxb:{args.wcxb}"
    cli = [sys.executable, "-m", "cleanbench"]
    subprocess.run([*cli, "data", "info", spec], check=True, capture_output=True)  # import once: timed runs read it warm
    out = Path(tempfile.mkdtemp(prefix="inject-speed-")) / "derived"
    try:
        start = time.perf_counter()
        process = psutil.Popen([*cli, "data", "inject", spec, "--kinds", "all", "--out", str(out), "--workers", str(args.workers)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak_main = peak_worker = peak_total = 0
        while process.poll() is None:
            try:
                main_rss = process.memory_info().rss
                workers = [child.memory_info().rss for child in process.children(recursive=True)]
            except psutil.Error:
                continue
            peak_main, peak_total = max(peak_main, main_rss), max(peak_total, main_rss + sum(workers))
            peak_worker = max([peak_worker, *workers])
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            print(stderr, file=sys.stderr)
            return 1
        size = sum(part.stat().st_size for part in (out / "pages").glob("*.parquet"))
        manifest = json.loads((out / "inject.json").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    result = {
        "command": f"cleanbench data inject wcxb:WCXB --kinds all --out DIR --workers {args.workers}",
        "source_pages": manifest["source_pages"],
        "pages_written": sum(manifest["written"].values()),
        "written": manifest["written"],
        "skipped": manifest["skipped"],
        "seconds": round(seconds, 2),
        "peak_rss_mb": {"command": round(peak_main / 2**20, 1), "largest_worker": round(peak_worker / 2**20, 1), "all": round(peak_total / 2**20, 1)},
        "parquet_mb": round(size / 2**20, 1),
        "cpus": psutil.cpu_count(),
        "load_average": [round(x, 2) for x in psutil.getloadavg()],
        "output": stdout.strip().splitlines(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "inject_speed.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({key: result[key] for key in ("pages_written", "seconds", "peak_rss_mb", "parquet_mb")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

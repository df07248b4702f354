"""Time, peak memory and bytes written of `cleanbench report RUN --html DIR`, on WCXB and on the bundled set.

    python benchmarks/report_speed.py                    # WCXB dev (../shared/data/wcxb-dev) and fixtures
    python benchmarks/report_speed.py --skip-wcxb        # the bundled set only
    python benchmarks/report_speed.py --workers 1        # extraction workers, when a run has to be made

Each set is first run with five extractors (trafilatura, resiliparse, justext, readability, bs4) into
runs/report-speed/<set>/, or that run is reused when its result.json is there (delete the folder to run
again). The report then runs in a child process writing a fresh folder: wall seconds, the child's peak
resident memory (wait4), and the total size of the files it wrote. Exits 1 when the WCXB report misses a
target (issue 11: < 30 s, < 100 MB written).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tabulate import tabulate

REPO = Path(__file__).resolve().parents[1]
WCXB = REPO.parent / "shared" / "data" / "wcxb-dev"
EXTRACTORS = ("trafilatura", "resiliparse", "justext", "readability", "bs4")
TARGET_SECONDS = 30.0
TARGET_BYTES = 100e6
CLI = [sys.executable, "-m", "cleanbench"]


def ensure_run(spec: str, *, out: Path, workers: int) -> None:
    """Run the five extractors on `spec` into `out`, unless a finished run is there."""
    if (out / "result.json").is_file():
        print(f"reusing {out}", file=sys.stderr)
        return
    command = [*CLI, "run", "--gold", spec, "--out", str(out), "--workers", str(workers), "--format", "plain"]
    for name in EXTRACTORS:
        command += ["-e", name]
    print(f"running {len(EXTRACTORS)} extractors on {spec} into {out} ...", file=sys.stderr)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def measure_report(run: Path, *, html: Path) -> dict[str, float]:
    """`cleanbench report RUN --html HTML` in a child process: wall seconds, peak RSS bytes, bytes written."""
    shutil.rmtree(html, ignore_errors=True)
    start = time.perf_counter()
    child = subprocess.Popen([*CLI, "report", str(run), "--html", str(html)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"cleanbench report {run} failed (exit code {child.returncode})")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    files = [path for path in html.rglob("*") if path.is_file()]
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_bytes": peak,
        "bytes": sum(path.stat().st_size for path in files),
        "files": len(files),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", type=Path, default=WCXB, help=f"WCXB dev folder (default {WCXB})")
    parser.add_argument("--skip-wcxb", action="store_true", help="measure the bundled set only")
    parser.add_argument("--runs", type=Path, default=REPO / "runs" / "report-speed", help="where the runs and reports go")
    parser.add_argument("--workers", type=int, default=2, help="extraction workers when a run has to be made (default 2)")
    args = parser.parse_args()
    sets = [("fixtures", "fixtures")]
    if not args.skip_wcxb:
        if not args.wcxb.is_dir():
            raise SystemExit(f"{args.wcxb}: no WCXB dev folder (give --wcxb PATH, or --skip-wcxb)")
        sets.append(("wcxb-dev", f"wcxb:{args.wcxb}"))
    results = {}
    for name, spec in sets:
        run = args.runs / name
        ensure_run(spec, out=run, workers=args.workers)
        results[name] = measure_report(run, html=args.runs / f"{name}-html")
    rows = [
        (
            name,
            f"{result['seconds']:.1f}",
            f"{result['cpu_seconds']:.1f}",
            f"{result['peak_bytes'] / 1e6:.0f}",
            f"{result['bytes'] / 1e6:.1f}",
            f"{result['files']:,}",
        )
        for name, result in results.items()
    ]
    print(f"cleanbench report --html, {len(EXTRACTORS)} extractors ({', '.join(EXTRACTORS)})")
    print(tabulate(rows, headers=("set", "wall s", "CPU s", "peak RSS MB", "MB written", "files"), tablefmt="github", disable_numparse=True))
    if "wcxb-dev" not in results:
        return 0
    wcxb = results["wcxb-dev"]
    missed = wcxb["seconds"] >= TARGET_SECONDS or wcxb["bytes"] >= TARGET_BYTES
    print(f"targets on WCXB: < {TARGET_SECONDS:.0f} s and < {TARGET_BYTES / 1e6:.0f} MB written: {'MISSED' if missed else 'met'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

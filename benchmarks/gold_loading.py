"""Time and memory of loading a gold set and computing its digest, cold (empty cache) and warm.

    python benchmarks/gold_loading.py [SPEC]     # default: wcxb:../shared/data/wcxb-dev

Each load runs in a child process with CLEANBENCH_CACHE_DIR set to a fresh temporary folder, so the
cold run imports every page and the warm run reads the cached Arrow file. Reports wall seconds and the
child's peak resident memory; exits 1 when the cold run misses a target (issue 2: < 20 s, < 1.5 GB).
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

from tabulate import tabulate

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = f"wcxb:{REPO.parent / 'shared' / 'data' / 'wcxb-dev'}"
TARGET_SECONDS = 20.0
TARGET_PEAK_BYTES = 1.5e9
_CHILD = "from cleanbench.gold.load import load_gold; import json, sys; g = load_gold(sys.argv[1]); print(json.dumps({'pages': len(g), 'digest': g.digest()}))"


def measure(spec: str, *, cache_dir: str) -> dict[str, object]:
    """Load `spec` and compute its digest in a child process: wall seconds, peak RSS bytes, pages, digest."""
    env = {**os.environ, "CLEANBENCH_CACHE_DIR": cache_dir}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, spec], env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"loading {spec} failed (exit code {child.returncode})")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return {"seconds": seconds, "peak_bytes": peak, **json.loads(output)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default=DEFAULT_SPEC)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanbench-bench-") as cache_dir:
        cold = measure(args.spec, cache_dir=cache_dir)
        warm = measure(args.spec, cache_dir=cache_dir)
    rows = [
        (run, result["pages"], f"{result['seconds']:.1f}", f"{result['peak_bytes'] / 1e6:.0f}", str(result["digest"])[:16])
        for run, result in (("cold (empty cache)", cold), ("warm (cached Arrow)", warm))
    ]
    print(f"gold loading + digest: {args.spec}")
    print(tabulate(rows, headers=("run", "pages", "seconds", "peak RSS MB", "digest"), tablefmt="github"))
    missed = cold["seconds"] >= TARGET_SECONDS or cold["peak_bytes"] >= TARGET_PEAK_BYTES
    print(f"targets: < {TARGET_SECONDS:.0f} s and < {TARGET_PEAK_BYTES / 1e9:.1f} GB peak: {'MISSED' if missed else 'met'}")
    if cold["digest"] != warm["digest"]:
        print("cold and warm digests differ")
        return 1
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

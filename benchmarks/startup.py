"""How fast commands start (issue 11.13): `cleanbench --help`, and `cleanbench score` of Zyte's ten AEB
prediction files as a whole process, beside the part of it that is scoring itself (measured in one
process, after the imports), so that what start-up costs is the difference.

    .venv/bin/python benchmarks/startup.py [--aeb ../shared/data/aeb] [--repeat 5]

Targets: `--help` under 0.3 s, the `score` process under 0.8 s. Each is the median of `--repeat`
runs, all taken in one session (the machine is shared). The gold set is imported once before timing,
so every timed run reads it warm, as a user's second command does. Results go to
benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

SCORING_ONLY = """
import glob, sys, time
from cleanbench.gold.load import load_gold
from cleanbench.score.metrics import expand_metrics
from cleanbench.score.prediction_files import combine, read_predictions
from cleanbench.score.scoring import score_predictions
aeb = sys.argv[1]
start = time.perf_counter()
gold = load_gold(f"aeb:{aeb}")
predictions, _ = combine([read_predictions(path) for path in sorted(glob.glob(f"{aeb}/output/*.json"))])
score_predictions(predictions, gold, metrics=expand_metrics(["aeb"]), slice_by=())
print(time.perf_counter() - start)
"""


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeb", type=Path, default=ROOT.parent / "shared" / "data" / "aeb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "cleanbench"]
    score = [*cli, "score", "--gold", f"aeb:{args.aeb}", "--predictions", *map(str, sorted((args.aeb / "output").glob("*.json"))), "--metrics", "aeb"]
    subprocess.run(score, check=True, capture_output=True)  # import the gold set once: later runs read it warm
    help_times, score_times, scoring_times = [], [], []
    for _ in range(args.repeat):
        help_times.append(wall([*cli, "--help"]))
        score_times.append(wall(score))
        done = subprocess.run([sys.executable, "-c", SCORING_ONLY, str(args.aeb)], check=True, capture_output=True, text=True)
        scoring_times.append(float(done.stdout))
    summary = {
        "repeat": args.repeat,
        "help_seconds": round(statistics.median(help_times), 3),
        "score_seconds": round(statistics.median(score_times), 3),
        "scoring_in_process_seconds": round(statistics.median(scoring_times), 3),
        "start_up_seconds": round(statistics.median(score_times) - statistics.median(scoring_times), 3),
        "targets": {"help_seconds": 0.3, "score_seconds": 0.8},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

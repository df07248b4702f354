"""`cleanbench check`: the regression gate against a baseline (floors, or significance), and `--update`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleanbench.cli.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from cleanbench.constants import MAX_EPSILON


def add_parser(commands: Any) -> None:
    gate = commands.add_parser("check", help="regression gate: fail when a result breaks a baseline's pinned floors")
    gate.add_argument("result", help="a run folder or its result.json")
    gate.add_argument("--baseline", required=True, metavar="FILE", help="baseline JSON of pinned floors and ceilings")
    gate.add_argument("--epsilon", type=epsilon, default=None, help="tolerance (default: the baseline's, 0.0005)")
    gate.add_argument("--allow-version-change", action="store_true", help="report an extractor version change without failing")
    gate.add_argument("--significant", action="store_true",
                      help="fail only on a significant change for the worse of a pinned key (one-sided 95 %% paired bootstrap against the pinned run's per-page records)")
    gate.add_argument("--update", action="store_true", help="write new floors from RESULT into FILE (atomically), with RESULT's per-page records beside it")
    gate.add_argument("--allow-regression", action="store_true", help="with --update: lower floors and raise ceilings too")
    gate.add_argument("--key", action="append", metavar="KEY", help="with --update: pin only KEY (words.f1, leak:ad.value, failures); repeatable")
    gate.set_defaults(handler=check_command)


def epsilon(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= MAX_EPSILON:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to {MAX_EPSILON:g}, got {text}")
    return value


def check_command(args: argparse.Namespace) -> int:
    from cleanbench.baseline import load_baseline
    from cleanbench.check import check_result, check_significance
    from cleanbench.results import load_result

    if not args.update and (args.allow_regression or args.key):
        print("cleanbench check: error: --allow-regression and --key only apply with --update", file=sys.stderr)
        return EXIT_USAGE
    if args.update and args.significant:
        print("cleanbench check: error: --significant gates a result; --update pins one: give one of them", file=sys.stderr)
        return EXIT_USAGE
    result = load_result(args.result)
    if args.update:
        return update_command(args, result)
    baseline = load_baseline(args.baseline)
    epsilon = baseline.epsilon if args.epsilon is None else args.epsilon
    if args.significant:
        report = check_significance(result, args.result, baseline, baseline_path=args.baseline, allow_version_change=args.allow_version_change)
        compared, held, how = "pinned keys tested", "pinned keys show no significant change for the worse", "one-sided 95 % paired bootstrap"
    else:
        report = check_result(result, baseline, epsilon=args.epsilon, allow_version_change=args.allow_version_change)
        compared, held, how = "bounds compared", "bounds hold", f"epsilon {epsilon:g}"
    for line in report.failures:
        print(line)
    for note in report.notes:
        print(f"note: {note}")
    if report.ok and report.checked == 0:
        print(f"cleanbench check: error: 0 {compared} on {baseline.gold_name}: nothing was checked", file=sys.stderr)
        return EXIT_USAGE
    if report.ok:
        print(f"check: ok: {report.checked} {held} on {baseline.gold_name} ({how})")
        return EXIT_OK
    print(f"check: FAILED: {len(report.failures)} failures, {report.checked} {compared} on {baseline.gold_name} ({how})")
    return EXIT_FAILED


def update_command(args: argparse.Namespace, result: Any) -> int:
    from cleanbench.baseline import load_baseline, save_baseline, update_baseline
    from cleanbench.errors import BaselineRegressionError
    from cleanbench.results import PAGES_FILE, page_records

    path = Path(args.baseline)
    old = load_baseline(path) if path.exists() else None
    try:
        new = update_baseline(result, baseline=old, keys=args.key, allow_regression=args.allow_regression, epsilon=args.epsilon)
    except BaselineRegressionError as error:
        for line in error.lines:
            print(line)
        print(f"check: update refused, {path} unchanged: --allow-regression accepts the lower floors and higher ceilings")
        return EXIT_FAILED
    pages_file = (Path(args.result) if Path(args.result).is_dir() else Path(args.result).parent) / PAGES_FILE
    records = list(page_records(args.result)) if pages_file.is_file() else None
    save_baseline(new, path, page_records=records)
    bounds = sum(pinned.bounds() for pinned in new.extractors.values())
    beside = ", and the run's per-page records beside it" if records is not None else " (no per-page records beside the result: --significant cannot use it)"
    print(f"check: wrote {path}: {bounds} bounds on {len(new.extractors)} extractors, gold {new.gold_name} (epsilon {new.epsilon:g}){beside}")
    return EXIT_OK


# --- extractors -----------------------------------------------------------------------------------

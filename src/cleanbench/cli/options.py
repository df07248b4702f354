"""What several commands share: exit codes, argument types, and option groups."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import Any

from cleanbench import constants

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def emit_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False))


def positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole number' if kind is int else 'number'}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: expected a finite number above 0")
        return value

    return parse


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r}: a seed is a whole number from 0 to 2**63-1")
    return value


def confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a confidence level lies between 0 and 1 (0.95 for 95 %)")
    return value


def memory_mb(text: str) -> int | None:
    """`--memory-mb`: megabytes above 0, or 0 for no cap (None)."""
    if text.strip() == "0":
        return None
    return int(positive(int)(text))


def cmd_version(text: str) -> tuple[str, str]:
    name, sep, version = text.rpartition("=")
    if not sep or not name.strip() or not version.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VERSION (NAME: a cmd: spec of the run, or its program's name)")
    return name, version


def add_gold_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-page-mb", type=positive(float), default=constants.DEFAULT_MAX_PAGE_MB,
                        help=f"largest page (decoded) a gold set may hold; a larger one is an error naming it (default {constants.DEFAULT_MAX_PAGE_MB:g})")


def add_bootstrap_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=seed, default=constants.DEFAULT_SEED, help=f"bootstrap seed (default {constants.DEFAULT_SEED})")
    parser.add_argument("--resamples", type=positive(int), default=constants.DEFAULT_RESAMPLES, help=f"bootstrap resamples (default {constants.DEFAULT_RESAMPLES})")
    parser.add_argument("--confidence", type=confidence, default=0.95, help="two-sided level of every interval (default 0.95)")


def add_sandbox_options(parser: argparse.ArgumentParser) -> None:
    """The options of commands that run stages in the sandbox (`run`, `extract`)."""
    parser.add_argument("--engine", choices=constants.ENGINES, default="local",
                        help="where pages run: local (worker processes here) or ray (the same sandbox in Ray tasks; needs cleanbench[ray])")
    parser.add_argument("--ray-address", metavar="ADDRESS",
                        help="with --engine ray: a running Ray cluster (auto: the one this machine belongs to; default: start a Ray here)")
    parser.add_argument("--workers", type=positive(int), default=None,
                        help="worker processes (default: the CPUs available); with --engine ray, Ray tasks at a time (default: the cluster's CPUs)")
    parser.add_argument("--timeout", type=positive(float), default=constants.DEFAULT_TIMEOUT_S,
                        help=f"seconds per page and stage (default {constants.DEFAULT_TIMEOUT_S:g}); loading a stage's library does not count")
    parser.add_argument("--load-timeout", type=positive(float), default=constants.DEFAULT_LOAD_TIMEOUT_S,
                        help=f"seconds a worker may take to load a stage (default {constants.DEFAULT_LOAD_TIMEOUT_S:g})")
    parser.add_argument("--memory-mb", type=memory_mb, default=constants.DEFAULT_MEMORY_MB,
                        help=f"address-space cap per worker, 0 for none (default {constants.DEFAULT_MEMORY_MB})")
    parser.add_argument("--max-output-mb", type=positive(float), default=constants.DEFAULT_MAX_OUTPUT_MB,
                        help=f"largest output kept per page; over it the page is an error (default {constants.DEFAULT_MAX_OUTPUT_MB:g})")
    parser.add_argument("--network-namespace", choices=constants.NETWORK_MODES, default="auto",
                        help="cut workers and the programs they start off the network in a namespace: auto (where the system allows), require, off (the audit hook alone)")
    parser.add_argument("--cmd-version", type=cmd_version, action="append", default=[], metavar="NAME=VERSION",
                        help="the version of a cmd: stage whose code cannot be proved (an inline `sh -c` script); it is then cached under it")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the prediction cache")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show progress (a bar on a terminal, a line every few seconds elsewhere; default: only on a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="show no progress")


def limits(args: argparse.Namespace) -> Any:
    from cleanbench.run.sandbox import Limits

    return Limits(
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        max_output_mb=args.max_output_mb,
        load_timeout=args.load_timeout,
        network=args.network_namespace,
    )

"""`cleanbench run` (rows over a gold set, scored, the leaderboard printed and saved) and
`cleanbench extract` (the predictions only)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleanbench import constants
from cleanbench.cli.options import (
    EXIT_FAILED,
    EXIT_OK,
    add_bootstrap_options,
    add_gold_options,
    add_sandbox_options,
    limits,
)


def add_parser(commands: Any) -> None:
    bench = commands.add_parser("run", help="run extractors and pipelines on a gold set, score them, print the leaderboard, save the result")
    bench.add_argument("--gold", default="fixtures", metavar="SPEC", help=constants.GOLD_SPEC_HELP)
    bench.add_argument("-e", "--extractor", dest="extractors", action="append", metavar="SPEC",
                       help=constants.STAGE_SPEC_HELP + " (default: every extractor and the bounds)")
    bench.add_argument("--metrics", nargs="+", metavar="NAME", help="default: words, snippets, duplication and leak:<label>, where the set has what they need")
    bench.add_argument("--out", metavar="DIR", help="where result.json, pages.jsonl and predictions.jsonl go (default: a new runs/<gold>-<timestamp>/)")
    add_sandbox_options(bench)
    add_gold_options(bench)
    add_table_options(bench)
    add_bootstrap_options(bench)
    bench.set_defaults(handler=run_command)

    extract = commands.add_parser("extract", help="run extractors and pipelines over a gold set, writing DIR/predictions.jsonl")
    extract.add_argument("spec", help=constants.GOLD_SPEC_HELP)
    extract.add_argument("-e", "--extractor", dest="extractors", action="append", required=True, metavar="SPEC", help=constants.STAGE_SPEC_HELP)
    extract.add_argument("--out", required=True, metavar="DIR", help="output folder; a rerun resumes what it holds (and retries crashed pages once)")
    add_sandbox_options(extract)
    add_gold_options(extract)
    extract.set_defaults(handler=extract_command)


def add_table_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=constants.TABLE_FORMATS, default="github", help="leaderboard format (default github)")
    parser.add_argument("--by", choices=constants.SLICE_KINDS, help="one table per page type, language, noise label or site")
    parser.add_argument("--wide", action="store_true", help="every column: each value with its interval, every leak label, duplication, drops, memory")


def _check_engine(args: argparse.Namespace) -> None:
    """Before anything is loaded or created: the ray engine without Ray is the one line saying what to install."""
    if args.engine == "ray":
        from cleanbench.run.ray_engine import require_ray

        require_ray()


def run_command(args: argparse.Namespace) -> int:
    from cleanbench.benchmark import benchmark, new_run_folder, provenance_lines
    from cleanbench.gold.load import load_gold
    from cleanbench.report.formats import render_leaderboard
    from cleanbench.results import RESULT_FILE
    from cleanbench.run.cache import PredictionCache
    from cleanbench.score.bootstrap import Bootstrap
    from cleanbench.stages.registry import names

    _check_engine(args)
    gold = load_gold(args.gold, max_page_mb=args.max_page_mb)
    rows = args.extractors or names("extractor")
    metrics = [name for given in args.metrics or () for name in given.split(",") if name]
    out = Path(args.out) if args.out else new_run_folder(Path("runs"), prefix=gold.name)
    cache = None if args.no_cache else PredictionCache()
    try:
        result = benchmark(
            gold,
            rows,
            metrics=metrics or None,
            out=out,
            workers=args.workers,
            limits=limits(args),
            cache=cache,
            progress=args.progress,
            bootstrap=Bootstrap(resamples=args.resamples, seed=args.seed, confidence=args.confidence),
            cmd_versions=dict(args.cmd_version),
            engine=args.engine,
            ray_address=args.ray_address,
        )
    finally:
        if cache is not None:
            cache.close()
    print(render_leaderboard(result, fmt=args.format, by=args.by, wide=args.wide))
    for line in provenance_lines(result):
        print(f"cleanbench: {line}", file=sys.stderr)
    print(f"cleanbench: wrote {out / RESULT_FILE} and its per-page records", file=sys.stderr)
    return EXIT_OK


def extract_command(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold
    from cleanbench.run.cache import PredictionCache
    from cleanbench.run.journal import PREDICTIONS_FILE
    from cleanbench.run.runner import run

    _check_engine(args)
    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    cache = None if args.no_cache else PredictionCache()
    try:
        predictions = run(
            gold,
            args.extractors,
            workers=args.workers,
            limits=limits(args),
            cache=cache,
            out=Path(args.out),
            progress=args.progress,
            cmd_versions=dict(args.cmd_version),
            engine=args.engine,
            ray_address=args.ray_address,
        )
    finally:
        if cache is not None:
            cache.close()
    for row in predictions.extractors:
        counts = ", ".join(f"{count} {status}" for status, count in row.counts().items() if count or status != "dropped")
        reused = [
            f"{count} {what}"
            for count, what in ((row.resumed, "resumed"), (row.from_cache, "from the cache"), (row.retried, "retried after a crash"))
            if count
        ]
        earlier = " (from an earlier run in this folder)" if row.earlier else ""
        note = f" ({', '.join(reused)})" if reused else ""
        print(f"{row.name} {row.version or '-'}: {len(row.predictions)} pages: {counts}{note}{earlier}")
        if row.not_cached:
            print(f"{row.name}: not cached: {row.not_cached}", file=sys.stderr)
    if predictions.isolation is not None and predictions.isolation != "namespace":
        print(f"cleanbench: network isolation: {predictions.isolation}", file=sys.stderr)
    for message in predictions.not_installed.values():
        print(message)
    print(f"wrote {Path(args.out) / PREDICTIONS_FILE}")
    return EXIT_FAILED if predictions.not_installed else EXIT_OK

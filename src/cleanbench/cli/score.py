"""`cleanbench score`: score predictions made elsewhere (cleanbench JSONL, shards of one run, or AEB's
layout) against a gold set; with `--out`, a run folder that `report`, `compare` and `check` accept."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cleanbench import constants
from cleanbench.cli.options import (
    EXIT_OK,
    add_bootstrap_options,
    add_gold_options,
    emit_json,
    positive,
)


def add_parser(commands: Any) -> None:
    score = commands.add_parser("score", help="score predictions made elsewhere (cleanbench JSONL or AEB JSON) against a gold set")
    score.add_argument("--gold", required=True, metavar="SPEC", help=constants.GOLD_SPEC_HELP)
    score.add_argument("--predictions", required=True, nargs="+", metavar="FILE",
                       help="predictions: .jsonl (cleanbench's; several files of one extractor are shards of one row) or .json (AEB's {id: {articleBody}}, named by the file stem)")
    score.add_argument("--metrics", nargs="+", default=list(constants.SCORE_METRICS), metavar="NAME",
                       help=f"words, aeb, wcxb, snippets, rouge-lsum, duplication, leak:<label>, leak:* (default: {' '.join(constants.SCORE_METRICS)})")
    score.add_argument("--format", choices=("text", "json", *constants.TABLE_FORMATS), default="text",
                       help="text: a table per metric with its signature; json: every value with its interval and signature, and slices; or a leaderboard format")
    score.add_argument("--out", metavar="DIR", help="also write result.json and pages.jsonl there (a run folder for report, compare and check)")
    add_bootstrap_options(score)
    score.add_argument("--min-pages", type=positive(int), default=constants.DEFAULT_MIN_PAGES,
                       help=f"fewest pages a slice needs for an estimate (default {constants.DEFAULT_MIN_PAGES})")
    add_gold_options(score)
    score.set_defaults(handler=score_command)


def score_command(args: argparse.Namespace) -> int:
    from cleanbench.benchmark import assemble
    from cleanbench.gold.load import load_gold
    from cleanbench.results import save_result
    from cleanbench.score.bootstrap import Bootstrap
    from cleanbench.score.metrics import expand_metrics, main_key
    from cleanbench.score.prediction_files import combine, read_predictions
    from cleanbench.score.scoring import score_predictions

    metrics = expand_metrics([name for given in args.metrics for name in given.split(",") if name])
    predictions, recorded = combine([read_predictions(path) for path in args.predictions])
    gold = load_gold(args.gold, max_page_mb=args.max_page_mb)
    table = args.format not in ("text", "json")
    scoring = score_predictions(
        predictions,
        gold,
        metrics=metrics,
        bootstrap=Bootstrap(resamples=args.resamples, seed=args.seed, confidence=args.confidence),
        min_pages=args.min_pages,
        slice_by=() if args.format == "text" and not args.out else constants.SLICE_KINDS,
        extractor_signatures={name: entry.signature for name, entry in recorded.items()},
    )
    result = assemble(scoring, gold=gold, predictions=None, main=str(main_key(metrics)), recorded=recorded) if args.out or table else None
    if args.out and result is not None:
        save_result(result, Path(args.out), pages=[record.to_json() for record in scoring.records])
    if args.format == "json":
        from cleanbench.report.score_tables import score_json

        emit_json(score_json(scoring, spec=args.gold))
    elif args.format == "text":
        from cleanbench.report.score_tables import render_score_tables

        print(render_score_tables(scoring))
    else:
        from cleanbench.report.formats import render_leaderboard

        assert result is not None
        print(render_leaderboard(result, fmt=args.format))
    return EXIT_OK

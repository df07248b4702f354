"""`cleanbench report` (re-render a saved result: tables, an HTML page browser, plots) and
`cleanbench compare` (what changed between two runs on the same gold set, and on which pages), and
`cleanbench robustness` (a run on a derived set: F1 on injected pages against their clean copies, per clutter kind)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cleanbench.cli.options import EXIT_OK, EXIT_USAGE, add_gold_options, positive
from cleanbench.cli.run import add_table_options


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="re-render a saved result: tables, an HTML page browser, plots")
    report.add_argument("result", help="a run folder or its result.json")
    add_table_options(report)
    report.add_argument("--html", metavar="DIR", help="write a static report: leaderboard and every page's prediction beside the gold")
    report.add_argument("--plots", metavar="DIR", help="write PNG plots (needs matplotlib: cleanbench[plots])")
    add_gold_options(report)
    report.set_defaults(handler=report_command)

    robust = commands.add_parser("robustness", help="per extractor and clutter kind: F1 on injected vs clean copies, and the leak (a run on a derived set)")
    robust.add_argument("result", help="a run folder (or its result.json) on a set made by cleanbench data inject")
    robust.add_argument("--by-variant", action="store_true", help="a column per variant (a set made with --all-variants) rather than per kind")
    robust.add_argument("--png", metavar="FILE", help="also write a heatmap (extractor x kind) as PNG (needs matplotlib: cleanbench[plots])")
    robust.set_defaults(handler=robustness_command)

    versus = commands.add_parser("compare", help="what changed between two runs on the same gold set, and on which pages")
    versus.add_argument("before", help="a run folder or its result.json")
    versus.add_argument("after", help="a run folder or its result.json")
    versus.add_argument("--top", type=positive(int), default=5, help="pages listed per change (default 5)")
    versus.add_argument("--format", choices=("text", "json"), default="text")
    versus.set_defaults(handler=compare_command)


def report_command(args: argparse.Namespace) -> int:
    from cleanbench.atomic import ensure_folder
    from cleanbench.report.formats import render_leaderboard
    from cleanbench.results import load_result

    result = load_result(args.result)
    for folder in (args.html, args.plots):
        if folder:
            ensure_folder(folder)  # before anything is printed: an unwritable folder is one line, and no half report
    print(render_leaderboard(result, fmt=args.format, by=args.by, wide=args.wide))
    run_dir = Path(args.result) if Path(args.result).is_dir() else Path(args.result).parent
    if args.html:
        from cleanbench.gold.load import load_gold
        from cleanbench.report.html import write_html_report

        gold = load_gold(result.gold.spec, max_page_mb=args.max_page_mb)
        index = write_html_report(result, run_dir=run_dir, out_dir=Path(args.html), gold=gold)
        print(f"cleanbench: wrote {index}", file=sys.stderr)
    if args.plots:
        from cleanbench.report.plot import write_plots

        for path in write_plots(result, out_dir=Path(args.plots)):
            print(f"cleanbench: wrote {path}", file=sys.stderr)
    return EXIT_OK


def robustness_command(args: argparse.Namespace) -> int:
    from cleanbench.robustness import heatmap, markdown, robustness

    if args.png:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("cleanbench: error: --png needs matplotlib: pip install 'cleanbench[plots]'", file=sys.stderr)
            return EXIT_USAGE
    report = robustness(args.result, by_variant=args.by_variant)
    print(markdown(report))
    if args.png:
        from cleanbench.atomic import ensure_folder

        target = Path(args.png)
        ensure_folder(target.parent if str(target.parent) else Path("."))
        print(f"cleanbench: wrote {heatmap(report, target)}", file=sys.stderr)
    return EXIT_OK


def compare_command(args: argparse.Namespace) -> int:
    from cleanbench.compare import compare_runs
    from cleanbench.report.comparison import render_comparison

    comparison = compare_runs(args.before, args.after, top=args.top)
    print(render_comparison(comparison, fmt=args.format, before=str(args.before), after=str(args.after)))
    return EXIT_OK

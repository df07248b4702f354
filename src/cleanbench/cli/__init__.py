"""The `cleanbench` command line: it parses, dispatches and prints; library calls do the work.

The only package that prints or chooses exit codes. Each command's module builds its own parser
(`add_parser`) and handles it (`(args) -> int`). A `CleanbenchError` becomes one line on stderr and
exit code 2 (a traceback only with `--debug`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cleanbench import __version__
from cleanbench.cli import annotate, check, data, report, run, score, stages
from cleanbench.cli.options import EXIT_USAGE
from cleanbench.errors import CleanbenchError

Command = Callable[[argparse.Namespace], int]
COMMANDS = (data, annotate, run, score, report, check, stages)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cleanbench", description="A data-quality benchmark for web-text cleaning.")
    parser.add_argument("--version", action="version", version=f"cleanbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Command | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except CleanbenchError as error:
        if args.debug:
            raise
        print(f"cleanbench: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleanbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""`cleanbench extractors` and `cleanbench cleaners`: every stage, with its package, version, options
and note, and whether it can run here (or what to install)."""

from __future__ import annotations

import argparse
from typing import Any

from cleanbench.cli.options import EXIT_OK, emit_json


def add_parser(commands: Any) -> None:
    for kind, plural in (("extractor", "extractors"), ("cleaner", "cleaners")):
        listing = commands.add_parser(plural, help=f"every {kind}: the name a spec takes, package, version, options, installed or why not")
        listing.add_argument("--format", choices=("text", "json"), default="text")
        listing.set_defaults(handler=list_command, kind=kind)


def list_command(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from cleanbench.stages.base import options_text
    from cleanbench.stages.registry import available

    infos = available(args.kind)
    if args.format == "json":
        emit_json([info.to_json() for info in infos])
        return EXIT_OK
    rows = [
        (
            info.name,
            info.package or "-",
            info.version or "-",
            "installed" if info.installed else info.reason,
            options_text(info.options) if info.options else "",
            info.note,
            info.license,
        )
        for info in infos
    ]
    headers = ("name", "package", "version", "status", "options", "note", "licence")
    print(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True))
    return EXIT_OK

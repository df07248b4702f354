"""`cleanbench data info | validate | export | inject | agree`: inspect, check, write and compare gold sets."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cleanbench import constants
from cleanbench.cli.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_gold_options, emit_json


def add_parser(commands: Any) -> None:
    data = commands.add_parser("data", help="inspect, validate and export gold sets")
    sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)

    info = sub.add_parser("info", help="pages, languages, page types, noise labels, sites, digest")
    info.add_argument("spec", nargs="?", default="fixtures", help=constants.GOLD_SPEC_HELP)
    info.add_argument("--format", choices=("text", "json"), default="text")
    add_gold_options(info)
    info.set_defaults(handler=info_command)

    check = sub.add_parser("validate", help="check every record; doubtful gold is an error in strict sets")
    check.add_argument("spec", nargs="?", default="fixtures", help=constants.GOLD_SPEC_HELP)
    check.add_argument("--format", choices=("text", "json"), default="text")
    mode = check.add_mutually_exclusive_group()
    mode.add_argument("--strict", dest="strict", action="store_true", default=None, help="doubtful gold is an error")
    mode.add_argument("--lenient", dest="strict", action="store_false", help="doubtful gold is a warning")
    check.add_argument("--limit", type=int, default=20, help="findings to list (default 20)")
    check.add_argument("--all", action="store_true", help="list every finding")
    add_gold_options(check)
    check.set_defaults(handler=validate_command)

    export = sub.add_parser("export", help="write a gold set in the native schema")
    export.add_argument("spec", help=constants.GOLD_SPEC_HELP)
    export.add_argument("out", help="output file (jsonl, parquet) or folder (hf)")
    export.add_argument("--format", choices=constants.EXPORT_FORMATS, default="jsonl")
    add_gold_options(export)
    export.set_defaults(handler=export_command)

    inject = sub.add_parser("inject", help="derive a gold set with labelled clutter injected into every page (and a clean copy)")
    inject.add_argument("spec", help=constants.GOLD_SPEC_HELP)
    inject.add_argument("--kinds", required=True, help="clutter kinds, comma-separated, or all (duplicate, ad, related, comments, cookie, newsletter, share, nav, footer)")
    inject.add_argument("--out", required=True, help="output folder (new or empty): pages/part-*.parquet and inject.json")
    inject.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    inject.add_argument("--all-variants", action="store_true", help="every variant of each kind (default: one per page, round-robin)")
    inject.add_argument("--workers", type=int, default=1, help="processes deriving pages (default 1; output is the same)")
    add_gold_options(inject)
    inject.set_defaults(handler=inject_command)

    agree = sub.add_parser("agree", help="how well two annotations of the same pages agree (gold text, noise spans, blocks)")
    agree.add_argument("a", help="one annotation (a gold set spec: a .jsonl file, a folder, ...)")
    agree.add_argument("b", help="the other annotation of the same pages")
    agree.add_argument("--top", type=int, default=10, help="pages that disagree most to list (default 10)")
    agree.add_argument("--format", choices=("text", "json"), default="text")
    add_gold_options(agree)
    agree.set_defaults(handler=agree_command)


def info_command(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from cleanbench.gold.load import load_gold

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    statistics = gold.statistics()
    info = {"name": gold.name, "spec": gold.spec, **statistics.to_json(), "digest": gold.digest()}
    if args.format == "json":
        emit_json(info)
        return EXIT_OK
    rows = [
        ("name", gold.name),
        ("pages", f"{statistics.pages}" + (f" ({statistics.text_pages} text pages)" if statistics.text_pages else "")),
        ("with gold_text", statistics.with_gold_text),
        ("without gold_text", statistics.pages - statistics.with_gold_text),
        ("with snippets", statistics.with_snippets),
        (f"languages ({len(statistics.languages)})", _counts(statistics.languages)),
        ("page types", _counts(statistics.page_types)),
        ("noise labels (pages)", _counts(statistics.noise_labels) or "none"),
        (f"sites of 2+ pages ({len(statistics.sites)})", _counts(statistics.sites) or "none"),
        ("digest", info["digest"]),
    ]
    print(tabulate(rows, tablefmt="plain", disable_numparse=True))
    return EXIT_OK


def _counts(counts: dict[str, int] | Any) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def validate_command(args: argparse.Namespace) -> int:
    from cleanbench.errors import GoldError
    from cleanbench.gold.load import load_gold
    from cleanbench.gold.record_problems import record_problems
    from cleanbench.gold.schema import validate

    try:
        gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    except GoldError:  # list every broken record, not only the first
        problems = record_problems(args.spec, max_page_bytes=int(args.max_page_mb * 2**20))
        if not problems:
            raise
        shown = problems if args.all else problems[: args.limit]
        for problem in shown:
            print(f"cleanbench: error: {problem}", file=sys.stderr)
        if len(shown) < len(problems):
            print(f"cleanbench: error: ... {len(problems) - len(shown)} more (--all lists every one)", file=sys.stderr)
        if len(problems) > 1:
            print(f"cleanbench: error: {args.spec}: {len(problems)} broken records; nothing else checked", file=sys.stderr)
        return EXIT_USAGE
    strict = gold.strict if args.strict is None else args.strict
    report = validate(gold, set_name=gold.name, strict=strict)
    kind = "error" if strict else "warning"
    if args.format == "json":
        emit_json(
            {
                "name": gold.name,
                "pages": report.pages,
                "ok": report.ok,
                "strict": strict,
                "findings": [{"page_id": f.page_id, "field": f.field, "message": f.message} for f in report.findings],
                "digest": gold.digest(),
            }
        )
        return EXIT_OK if report.ok else EXIT_FAILED
    shown = report.findings if args.all else report.findings[: args.limit]
    for finding in shown:
        print(f"{gold.name}: {kind}: {finding}")
    if len(shown) < len(report.findings):
        print(f"... {len(report.findings) - len(shown)} more (--all lists every one)")
    status = "ok" if report.ok else "FAILED"
    print(f"{gold.name}: {status}: {report.pages} pages, {len(report.findings)} {kind}s; digest {gold.digest()}")
    return EXIT_OK if report.ok else EXIT_FAILED


def export_command(args: argparse.Namespace) -> int:
    from cleanbench.gold.export import export_gold
    from cleanbench.gold.load import load_gold

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    written = export_gold(gold, args.out, fmt=args.format)
    print(f"wrote {len(gold)} pages of {gold.name} to {written} ({args.format}); digest {gold.digest()}")
    return EXIT_OK


def inject_command(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold
    from cleanbench.inject.write import inject, parse_kinds

    kinds = parse_kinds(args.kinds)
    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    summary = inject(gold, args.out, kinds=kinds, seed=args.seed, all_variants=args.all_variants, workers=max(1, args.workers))
    written = ", ".join(f"{kind} {count}" for kind, count in summary.written.items())
    print(f"wrote {summary.pages} pages derived from {summary.source_pages} pages of {gold.name} to {summary.out} ({written})")
    for reason, count in summary.skipped.items():
        print(f"skipped {count}: {reason}")
    if not summary.skipped:
        print("skipped none")
    return EXIT_OK


def agree_command(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from cleanbench.annotate.agree import agree
    from cleanbench.gold.load import load_gold
    from cleanbench.gold.schema import NOISE_LABELS

    first, second = load_gold(args.a, max_page_mb=args.max_page_mb), load_gold(args.b, max_page_mb=args.max_page_mb)
    result = agree(first, second, digests=(first.digest(), second.digest()))
    if args.format == "json":
        emit_json(result.to_json(top=args.top))
        return EXIT_OK
    print(f"{first.name} vs {second.name}: {len(result.pages)} pages in both"
          + (f"; only in {first.name}: {len(result.only_a)}" if result.only_a else "")
          + (f"; only in {second.name}: {len(result.only_b)}" if result.only_b else ""))
    rows = [("gold text (words F1)", _number(result.words_f1), len([p for p in result.pages if p.words_f1 is not None]))]
    for label in NOISE_LABELS:
        f1, pages = result.label_f1(label)
        if pages:
            rows.append((f"noise: {label} (words F1)", _number(f1), pages))
    rows.append((f"blocks: observed agreement ({result.blocks} blocks)", _number(result.observed), len(result.pages)))
    rows.append(("blocks: Cohen's kappa", _number(result.kappa), len(result.pages)))
    print(tabulate(rows, headers=("agreement", "value", "pages"), tablefmt="simple", disable_numparse=True))
    worst = result.most_disagreeing(args.top)
    if worst:
        print("\npages that disagree most (blocks labelled alike, gold text words F1):")
        print(tabulate([(p.page_id, f"{p.same_blocks}/{p.blocks}", _number(p.words_f1)) for p in worst],
                       headers=("page", "blocks alike", "words F1"), tablefmt="simple", disable_numparse=True))
    print(f"\nsignature: {result.signature}")
    return EXIT_OK


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"

"""The `cleanbench` command line: thin commands over library calls.

The only module that prints or chooses exit codes. Every command is a function `(args) -> int`;
a `CleanbenchError` becomes one line on stderr and exit code 2 (a traceback only with `--debug`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tabulate import tabulate

from cleanbench import __version__
from cleanbench.errors import CleanbenchError

if TYPE_CHECKING:
    from cleanbench.results import RunResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
Command = Callable[[argparse.Namespace], int]


def _emit_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False))


# --- data -----------------------------------------------------------------------------------------


def _data_info(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    langs: Counter[str] = Counter()
    types: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    with_gold_text = with_snippets = 0
    for page in gold:
        langs[page.lang or "unknown"] += 1
        types[page.page_type or "unknown"] += 1
        labels.update(page.noise_labels())
        with_gold_text += page.gold_text is not None
        with_snippets += bool(page.with_snippets or page.without_snippets)
    info = {
        "name": gold.name,
        "spec": gold.spec,
        "pages": len(gold),
        "pages_with_gold_text": with_gold_text,
        "pages_without_gold_text": len(gold) - with_gold_text,
        "pages_with_snippets": with_snippets,
        "languages": dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))),
        "page_types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "noise_labels": dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))),
        "digest": gold.digest(),
    }
    if args.format == "json":
        _emit_json(info)
        return EXIT_OK
    rows = [
        ("name", info["name"]),
        ("pages", info["pages"]),
        ("with gold_text", info["pages_with_gold_text"]),
        ("without gold_text", info["pages_without_gold_text"]),
        ("with snippets", info["pages_with_snippets"]),
        ("languages", _counts(info["languages"])),
        ("page types", _counts(info["page_types"])),
        ("noise labels (pages)", _counts(info["noise_labels"]) or "none"),
        ("digest", info["digest"]),
    ]
    print(tabulate(rows, tablefmt="plain"))
    return EXIT_OK


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _data_validate(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold
    from cleanbench.gold.schema import validate

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    strict = gold.strict if args.strict is None else args.strict
    report = validate(gold, set_name=gold.name, strict=strict)
    kind = "error" if strict else "warning"
    if args.format == "json":
        _emit_json(
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


def _data_export(args: argparse.Namespace) -> int:
    from cleanbench.gold.export import export_gold
    from cleanbench.gold.load import load_gold

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    written = export_gold(gold, args.out, fmt=args.format)
    print(f"wrote {len(gold)} pages of {gold.name} to {written} ({args.format}); digest {gold.digest()}")
    return EXIT_OK


# --- check ----------------------------------------------------------------------------------------


def _epsilon(text: str) -> float:
    from cleanbench.baseline import MAX_EPSILON

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= MAX_EPSILON:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to {MAX_EPSILON:g}, got {text}")
    return value


def _check(args: argparse.Namespace) -> int:
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
        return _check_update(args, result)
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


def _check_update(args: argparse.Namespace, result: RunResult) -> int:
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


def _extractors(args: argparse.Namespace) -> int:
    from cleanbench.extractors.registry import available

    infos = available()
    if args.format == "json":
        _emit_json([info.to_json() for info in infos])
        return EXIT_OK
    rows = [
        (info.name, info.package or "-", info.version or "-", "installed" if info.installed else info.reason, info.license)
        for info in infos
    ]
    print(tabulate(rows, headers=("name", "package", "version", "status", "licence"), tablefmt="simple"))
    return EXIT_OK


# --- extract --------------------------------------------------------------------------------------


def _positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole number' if kind is int else 'number'}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: expected a finite number above 0")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r}: a seed is a whole number from 0 to 2**63-1")
    return value


def _cmd_version(text: str) -> tuple[str, str]:
    name, sep, version = text.rpartition("=")
    if not sep or not name.strip() or not version.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VERSION (NAME: a cmd: spec of the run, or its program's name)")
    return name, version


def _add_sandbox_options(parser: argparse.ArgumentParser) -> None:
    """The options of commands that run stages in the sandbox (`run`, `extract`)."""
    from cleanbench.run.sandbox import (
        DEFAULT_LOAD_TIMEOUT_S,
        DEFAULT_MAX_OUTPUT_MB,
        DEFAULT_MEMORY_MB,
        DEFAULT_TIMEOUT_S,
    )
    from cleanbench.run.worker import NETWORK_MODES

    parser.add_argument("--workers", type=_positive(int), default=None, help="worker processes (default: the CPUs available)")
    parser.add_argument("--timeout", type=_positive(float), default=DEFAULT_TIMEOUT_S, help=f"seconds per page (default {DEFAULT_TIMEOUT_S:g}); loading a stage's library does not count")
    parser.add_argument("--load-timeout", type=_positive(float), default=DEFAULT_LOAD_TIMEOUT_S, help=f"seconds a worker may take to load a stage (default {DEFAULT_LOAD_TIMEOUT_S:g})")
    parser.add_argument("--memory-mb", type=_memory_mb, default=DEFAULT_MEMORY_MB, help=f"address-space cap per worker, 0 for none (default {DEFAULT_MEMORY_MB})")
    parser.add_argument("--max-output-mb", type=_positive(float), default=DEFAULT_MAX_OUTPUT_MB, help=f"largest output kept per page; over it the page is an error (default {DEFAULT_MAX_OUTPUT_MB:g})")
    parser.add_argument("--network-namespace", choices=NETWORK_MODES, default="auto",
                        help="cut workers and the programs they start off the network in a namespace: auto (where the system allows), require, off (the audit hook alone)")
    parser.add_argument("--cmd-version", type=_cmd_version, action="append", default=[], metavar="NAME=VERSION",
                        help="the version of a cmd: extractor whose code cannot be proved (an inline `sh -c` script); it is then cached under it")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the prediction cache")


def _limits(args: argparse.Namespace) -> Any:
    from cleanbench.run.sandbox import Limits

    return Limits(
        timeout=args.timeout,
        memory_mb=args.memory_mb,
        max_output_mb=args.max_output_mb,
        load_timeout=args.load_timeout,
        network=args.network_namespace,
    )


def _add_gold_options(parser: argparse.ArgumentParser) -> None:
    from cleanbench.gold.load import DEFAULT_MAX_PAGE_MB

    parser.add_argument("--max-page-mb", type=_positive(float), default=DEFAULT_MAX_PAGE_MB,
                        help=f"largest page (decoded) a gold set may hold; a larger one is an error naming it (default {DEFAULT_MAX_PAGE_MB:g})")


def _memory_mb(text: str) -> int | None:
    """`--memory-mb`: megabytes above 0, or 0 for no cap (None)."""
    if text.strip() == "0":
        return None
    return int(_positive(int)(text))


def _extract(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold
    from cleanbench.run.cache import PredictionCache
    from cleanbench.run.journal import PREDICTIONS_FILE
    from cleanbench.run.runner import run

    gold = load_gold(args.spec, max_page_mb=args.max_page_mb)
    limits = _limits(args)
    cache = None if args.no_cache else PredictionCache()
    try:
        predictions = run(gold, args.extractors, workers=args.workers, limits=limits, cache=cache, out=Path(args.out), cmd_versions=dict(args.cmd_version))
    finally:
        if cache is not None:
            cache.close()
    for extractor in predictions.extractors:
        counts = ", ".join(f"{count} {status}" for status, count in extractor.counts().items())
        reused = [
            f"{count} {what}"
            for count, what in ((extractor.resumed, "resumed"), (extractor.from_cache, "from the cache"), (extractor.retried, "retried after a crash"))
            if count
        ]
        earlier = " (from an earlier run in this folder)" if extractor.earlier else ""
        note = f" ({', '.join(reused)})" if reused else ""
        print(f"{extractor.name} {extractor.version or '-'}: {len(extractor.predictions)} pages: {counts}{note}{earlier}")
        if extractor.not_cached:
            print(f"{extractor.name}: not cached: {extractor.not_cached}", file=sys.stderr)
    if predictions.isolation is not None and predictions.isolation != "namespace":
        print(f"cleanbench: network isolation: {predictions.isolation}", file=sys.stderr)
    for message in predictions.not_installed.values():
        print(message)
    print(f"wrote {Path(args.out) / PREDICTIONS_FILE}")
    return EXIT_FAILED if predictions.not_installed else EXIT_OK


# --- run, report, compare ------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    from cleanbench.benchmark import benchmark, new_run_folder, provenance_lines
    from cleanbench.extractors.registry import names
    from cleanbench.gold.load import load_gold
    from cleanbench.report.table import render_leaderboard
    from cleanbench.results import RESULT_FILE
    from cleanbench.run.cache import PredictionCache
    from cleanbench.score.bootstrap import Bootstrap

    gold = load_gold(args.gold, max_page_mb=args.max_page_mb)
    extractors = args.extractors or names()
    metrics = [name for given in args.metrics or () for name in given.split(",") if name]
    limits = _limits(args)
    out = Path(args.out) if args.out else new_run_folder(Path("runs"), prefix=gold.name)
    cache = None if args.no_cache else PredictionCache()
    try:
        result = benchmark(
            gold,
            extractors,
            metrics=metrics or None,
            out=out,
            workers=args.workers,
            limits=limits,
            cache=cache,
            bootstrap=Bootstrap(resamples=args.resamples, seed=args.seed),
            cmd_versions=dict(args.cmd_version),
        )
    finally:
        if cache is not None:
            cache.close()
    print(render_leaderboard(result, fmt=args.format, by=args.by))
    for line in provenance_lines(result):
        print(f"cleanbench: {line}", file=sys.stderr)
    print(f"cleanbench: wrote {out / RESULT_FILE} and its per-page records", file=sys.stderr)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from cleanbench.atomic import ensure_folder
    from cleanbench.report.table import render_leaderboard
    from cleanbench.results import load_result

    result = load_result(args.result)
    for folder in (args.html, args.plots):
        if folder:
            ensure_folder(folder)  # before anything is printed: an unwritable folder is one line, and no half report
    print(render_leaderboard(result, fmt=args.format, by=args.by))
    run_dir = Path(args.result) if Path(args.result).is_dir() else Path(args.result).parent
    if args.html:
        from cleanbench.errors import ResultError
        from cleanbench.gold.load import load_gold
        from cleanbench.report.html import write_html_report

        gold = load_gold(result.gold.spec, max_page_mb=args.max_page_mb)
        if gold.digest() != result.gold.digest:
            raise ResultError(f"{args.result}: gold set {result.gold.spec!r} changed since this run (digest differs): cannot show its pages")
        index = write_html_report(result, run_dir=run_dir, out_dir=Path(args.html), gold=gold)
        print(f"cleanbench: wrote {index}", file=sys.stderr)
    if args.plots:
        from cleanbench.report.plot import write_plots

        for path in write_plots(result, out_dir=Path(args.plots)):
            print(f"cleanbench: wrote {path}", file=sys.stderr)
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from cleanbench.compare import compare_runs

    comparison = compare_runs(args.before, args.after, top=args.top)
    if args.format == "json":
        _emit_json(
            {
                "before": str(args.before),
                "after": str(args.after),
                "signature_changes": [{"extractor": e, "before": a, "after": b} for e, a, b in comparison.signature_changes],
                "only_before": list(comparison.only_before),
                "only_after": list(comparison.only_after),
                "changes": [
                    {
                        "extractor": c.extractor,
                        "key": c.key,
                        "before": c.before,
                        "after": c.after,
                        "difference": _estimate_json(c.difference),
                        "significant": c.significant,
                        "pages_changed": c.pages_changed,
                        "top_pages": [{"page_id": m.page_id, "before": m.before, "after": m.after} for m in c.top_pages],
                    }
                    for c in comparison.changes
                ],
            }
        )
        return EXIT_OK
    for extractor, before, after in comparison.signature_changes:
        print(f"{extractor}: options or version changed: {before} -> {after}")
    rows = []
    for change in comparison.changes:
        moved = ", ".join(f"{m.page_id} {m.change:+.3f}" for m in change.top_pages)
        rows.append(
            (
                change.extractor,
                change.key,
                _fixed(change.before),
                _fixed(change.after),
                _interval_text(change.difference),
                "yes" if change.significant else "",
                change.pages_changed,
                moved,
            )
        )
    headers = ("extractor", "metric", "before", "after", "change [95% CI]", "significant", "pages changed", "pages that moved most")
    print(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    for name in comparison.only_before:
        print(f"{name}: only in {args.before}")
    for name in comparison.only_after:
        print(f"{name}: only in {args.after}")
    return EXIT_OK


def _fixed(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


# --- score ----------------------------------------------------------------------------------------


def _score(args: argparse.Namespace) -> int:
    from cleanbench.gold.load import load_gold
    from cleanbench.score.bootstrap import Bootstrap
    from cleanbench.score.prediction_files import combine, read_predictions
    from cleanbench.score.scoring import score_predictions

    metrics = [name for given in args.metrics for name in given.split(",") if name]
    predictions, signatures = combine([read_predictions(path) for path in args.predictions])
    gold = load_gold(args.gold, max_page_mb=args.max_page_mb)
    scoring = score_predictions(
        predictions,
        gold,
        metrics=metrics,
        bootstrap=Bootstrap(resamples=args.resamples, seed=args.seed),
        min_pages=args.min_pages,
        slice_by=() if args.format == "text" else ("page_type", "lang", "noise"),
        extractor_signatures=signatures,
    )
    if args.format == "json":
        _emit_json(_score_json(scoring, spec=args.gold))
        return EXIT_OK
    for block in _score_tables(scoring):
        print(block)
    return EXIT_OK


def _estimate_json(estimate: Any) -> dict[str, float | None]:
    return {"value": estimate.value, "low": estimate.low, "high": estimate.high}


def _score_json(scoring: Any, *, spec: str) -> dict[str, Any]:
    rows = []
    for row in scoring.extractors:
        metrics = {}
        for name, scores in row.metrics.items():
            values = {
                value: {**_estimate_json(estimate), "signature": str(scoring.signature(name, value, extractor=row.name))}
                for value, estimate in scores.values.items()
            }
            metrics[name] = {"higher_is_better": scores.higher_is_better, "pages": scores.pages, "skipped": scores.skipped,
                             "signature": scores.signature, "values": values}
        slices = {
            kind: {
                group: {
                    name: {"pages": scores.pages, "skipped": scores.skipped, "values": {v: _estimate_json(e) for v, e in scores.values.items()}}
                    for name, scores in by_metric.items()
                }
                for group, by_metric in groups.items()
            }
            for kind, groups in row.slices.items()
        }
        rows.append({"name": row.name, "signature": row.signature, "pages": row.pages, "missing": row.missing,
                     "failures": dict(row.failures), "metrics": metrics, "slices": slices})
    bootstrap = scoring.bootstrap
    return {
        "gold": {"name": scoring.gold_name, "spec": spec, "digest": scoring.gold_digest, "pages": len(scoring.pages)},
        "bootstrap": {"resamples": bootstrap.resamples, "seed": bootstrap.seed, "confidence": bootstrap.confidence},
        "extractors": rows,
    }


def _score_tables(scoring: Any) -> list[str]:
    """One small leaderboard per metric, best first, with its signature under it."""
    blocks = []
    for metric in scoring.metrics:
        rows = [row for row in scoring.extractors if row.metrics[metric.name].pages]
        if not rows:
            skipped = max(row.metrics[metric.name].skipped for row in scoring.extractors) if scoring.extractors else 0
            blocks.append(f"{metric.name}: no page has what it needs ({', '.join(metric.requires)}); {skipped} pages skipped\n")
            continue
        shown = [value.name for value in metric.values if not value.name.startswith("micro")]
        headline = shown[0]

        def rank(row: Any, metric_name: str = metric.name, higher: bool = metric.higher_is_better) -> tuple[bool, float]:
            value = row.metrics[metric_name].values[headline].value
            return (value is None, -(value or 0.0) if higher else (value or 0.0))

        table = []
        for row in sorted(rows, key=rank):
            scores = row.metrics[metric.name]
            cells = [_interval_text(scores.values[name]) for name in shown]
            failed = sum(row.failures.values())
            table.append([row.name, *cells, scores.pages, scores.skipped, row.missing, failed])
        headers = ["extractor", *shown, "pages", "skipped", "missing", "failed"]
        direction = "higher is better" if metric.higher_is_better else "lower is better"
        lines = [f"{metric.name} ({direction}; 95 % bootstrap intervals)", tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)]
        lines.append(f"signature: {scoring.signature(metric.name)}")
        blocks.append("\n".join(lines) + "\n")
    signed = [f"extractor: {row.signature}" for row in scoring.extractors if row.signature]
    blocks.append("\n".join([f"gold: {scoring.gold_name} sha256:{scoring.gold_digest} ({len(scoring.pages)} pages)", *signed]))
    return blocks


def _interval_text(estimate: Any) -> str:
    if estimate.value is None:
        return "-"
    if estimate.low is None or estimate.high is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


# --- parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cleanbench", description="A data-quality benchmark for web-text cleaning.")
    parser.add_argument("--version", action="version", version=f"cleanbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    data = commands.add_parser("data", help="inspect, validate and export gold sets")
    data_commands = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)
    spec_help = "gold set: fixtures (default), a folder, a .jsonl/.parquet file, aeb:PATH, wcxb:PATH, trafilatura-eval:PATH, hf:NAME[:SPLIT]"

    info = data_commands.add_parser("info", help="pages, languages, page types, noise labels, digest")
    info.add_argument("spec", nargs="?", default="fixtures", help=spec_help)
    info.add_argument("--format", choices=("text", "json"), default="text")
    _add_gold_options(info)
    info.set_defaults(handler=_data_info)

    check = data_commands.add_parser("validate", help="check every record; doubtful gold is an error in strict sets")
    check.add_argument("spec", nargs="?", default="fixtures", help=spec_help)
    check.add_argument("--format", choices=("text", "json"), default="text")
    mode = check.add_mutually_exclusive_group()
    mode.add_argument("--strict", dest="strict", action="store_true", default=None, help="doubtful gold is an error")
    mode.add_argument("--lenient", dest="strict", action="store_false", help="doubtful gold is a warning")
    check.add_argument("--limit", type=int, default=20, help="findings to list (default 20)")
    check.add_argument("--all", action="store_true", help="list every finding")
    _add_gold_options(check)
    check.set_defaults(handler=_data_validate)

    export = data_commands.add_parser("export", help="write a gold set in the native schema")
    export.add_argument("spec", help=spec_help)
    export.add_argument("out", help="output file (jsonl, parquet) or folder (hf)")
    export.add_argument("--format", choices=("jsonl", "parquet", "hf"), default="jsonl")
    _add_gold_options(export)
    export.set_defaults(handler=_data_export)

    gate = commands.add_parser("check", help="regression gate: fail when a result breaks a baseline's pinned floors")
    gate.add_argument("result", help="a run folder or its result.json")
    gate.add_argument("--baseline", required=True, metavar="FILE", help="baseline JSON of pinned floors and ceilings")
    gate.add_argument("--epsilon", type=_epsilon, default=None, help="tolerance (default: the baseline's, 0.0005)")
    gate.add_argument("--allow-version-change", action="store_true", help="report an extractor version change without failing")
    gate.add_argument("--significant", action="store_true",
                      help="fail only on a significant change for the worse of a pinned key (one-sided 95 %% paired bootstrap against the pinned run's per-page records)")
    gate.add_argument("--update", action="store_true", help="write new floors from RESULT into FILE (atomically), with RESULT's per-page records beside it")
    gate.add_argument("--allow-regression", action="store_true", help="with --update: lower floors and raise ceilings too")
    gate.add_argument("--key", action="append", metavar="KEY", help="with --update: pin only KEY (words.f1, leak:ad.value, failures); repeatable")
    gate.set_defaults(handler=_check)

    extract = commands.add_parser("extract", help="run extractors over a gold set, writing DIR/predictions.jsonl")
    extract.add_argument("spec", help=spec_help)
    extractor_help = "built-in name, plugin name, module:attr or cmd:PROGRAM ARGS; repeatable"
    extract.add_argument("-e", "--extractor", dest="extractors", action="append", required=True, metavar="NAME", help=extractor_help)
    extract.add_argument("--out", required=True, metavar="DIR", help="output folder; a rerun resumes what it holds (and retries crashed pages once)")
    _add_sandbox_options(extract)
    _add_gold_options(extract)
    extract.set_defaults(handler=_extract)

    from cleanbench.score.bootstrap import (
        DEFAULT_MIN_PAGES,
        DEFAULT_RESAMPLES,
        DEFAULT_SEED,
    )
    from cleanbench.score.metrics import SCORE_DEFAULTS

    score = commands.add_parser("score", help="score predictions made elsewhere (cleanbench JSONL or AEB JSON) against a gold set")
    score.add_argument("--gold", required=True, metavar="SPEC", help=spec_help)
    score.add_argument("--predictions", required=True, nargs="+", metavar="FILE",
                       help="predictions: .jsonl (cleanbench's, rows named by their extractor) or .json (AEB's {id: {articleBody}}, named by the file stem)")
    score.add_argument("--metrics", nargs="+", default=list(SCORE_DEFAULTS), metavar="NAME",
                       help=f"words, aeb, wcxb, snippets, rouge-lsum, duplication, leak:<label>, leak:* (default: {' '.join(SCORE_DEFAULTS)})")
    score.add_argument("--format", choices=("text", "json"), default="text", help="json: every value with its interval and signature, and slices")
    _add_gold_options(score)
    score.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"bootstrap seed (default {DEFAULT_SEED})")
    score.add_argument("--resamples", type=_positive(int), default=DEFAULT_RESAMPLES, help=f"bootstrap resamples (default {DEFAULT_RESAMPLES})")
    score.add_argument("--min-pages", type=_positive(int), default=DEFAULT_MIN_PAGES, help=f"fewest pages a slice needs for an estimate (default {DEFAULT_MIN_PAGES})")
    score.set_defaults(handler=_score)

    from cleanbench.report.table import FORMATS as TABLE_FORMATS
    from cleanbench.report.table import SLICE_KINDS as TABLE_SLICES

    bench = commands.add_parser("run", help="run extractors on a gold set, score them, print the leaderboard, save the result")
    bench.add_argument("--gold", default="fixtures", metavar="SPEC", help=spec_help)
    bench.add_argument("-e", "--extractor", dest="extractors", action="append", metavar="NAME",
                       help="built-in name, plugin name, module:attr or cmd:PROGRAM ARGS; repeatable (default: every extractor and the baselines)")
    bench.add_argument("--metrics", nargs="+", metavar="NAME", help="default: words, snippets, duplication and leak:<label>, where the set has what they need")
    bench.add_argument("--out", metavar="DIR", help="where result.json, pages.jsonl and predictions.jsonl go (default: a new runs/<gold>-<timestamp>/)")
    _add_sandbox_options(bench)
    _add_gold_options(bench)
    bench.add_argument("--format", choices=TABLE_FORMATS, default="github", help="leaderboard format (default github)")
    bench.add_argument("--by", choices=TABLE_SLICES, help="one table per page type, language or noise label")
    bench.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"bootstrap seed (default {DEFAULT_SEED})")
    bench.add_argument("--resamples", type=_positive(int), default=DEFAULT_RESAMPLES, help=f"bootstrap resamples (default {DEFAULT_RESAMPLES})")
    bench.set_defaults(handler=_run)

    report = commands.add_parser("report", help="re-render a saved result: tables, an HTML page browser, plots")
    report.add_argument("result", help="a run folder or its result.json")
    report.add_argument("--format", choices=TABLE_FORMATS, default="github")
    report.add_argument("--by", choices=TABLE_SLICES, help="one table per page type, language or noise label")
    report.add_argument("--html", metavar="DIR", help="write a static report: leaderboard and every page's prediction beside the gold")
    report.add_argument("--plots", metavar="DIR", help="write PNG plots (needs matplotlib: cleanbench[plots])")
    _add_gold_options(report)
    report.set_defaults(handler=_report)

    versus = commands.add_parser("compare", help="what changed between two runs on the same gold set, and on which pages")
    versus.add_argument("before", help="a run folder or its result.json")
    versus.add_argument("after", help="a run folder or its result.json")
    versus.add_argument("--top", type=_positive(int), default=5, help="pages listed per change (default 5)")
    versus.add_argument("--format", choices=("text", "json"), default="text")
    versus.set_defaults(handler=_compare)

    listing = commands.add_parser("extractors", help="every extractor: package, version, installed or why not, licence")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=_extractors)
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

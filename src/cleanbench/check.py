"""Regression gates: compare a `RunResult` with a baseline (see `cleanbench.baseline` for its file).

- `check_result`, the floors gate: every pinned bound must hold, within epsilon: the check fails when
  a measured floor key is below floor - epsilon, or a ceiling key above ceiling + epsilon (differences
  within 1e-9 of epsilon count as equal). `gold.digest` must equal the result's: floors set on another
  gold set mean nothing. `version` and `signature` pin each extractor; a change fails unless allowed,
  and so does a row whose code is unknown (`name@unknown{}`: scored from predictions that record none).
- `check_significance`, the significance gate: fails only on a significant change for the worse of a
  pinned key, by a one-sided 95 % paired bootstrap (1,000 resamples, seed 12345 by default) of the
  result's per-page counts against those of the pinned run (the baseline's `pages` file). Another gold
  set is an input error, not a failure.

A gate that compared nothing has checked nothing: `CheckReport.checked` says how many comparisons were
made, and the command line exits 2 on 0.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanbench.baseline import (
    FAILURES_KEY,
    Baseline,
    PinnedExtractor,
    bound_text,
    digest_line,
    key_direction,
    measured,
)
from cleanbench.errors import ResultError
from cleanbench.jsonl import json_lines, split_lines
from cleanbench.results import ExtractorResult, RunResult, page_records
from cleanbench.score.prediction_files import unknown_signature

_FLOAT_NOISE = 1e-9
ONE_SIDED_CONFIDENCE = 0.95


@dataclass(frozen=True)
class CheckReport:
    """Outcome of `check_result`: one line per failure, notes that do not fail the check."""

    failures: list[str]
    notes: list[str]
    checked: int  # bounds compared with a measured value

    @property
    def ok(self) -> bool:
        return not self.failures


def check_result(
    result: RunResult, baseline: Baseline, *, epsilon: float | None = None, allow_version_change: bool = False
) -> CheckReport:
    """Compare every pinned (extractor, key) with `result`; see the module docstring for the rules."""
    tolerance = baseline.epsilon if epsilon is None else epsilon
    failures: list[str] = []
    notes: list[str] = []
    checked = 0
    if result.gold.digest != baseline.gold_digest:
        failures.append(digest_line(baseline, result))
    rows = {row.name: row for row in result.extractors}
    for name, pinned in baseline.extractors.items():
        row = rows.get(name)
        problem = _row_problem(name, pinned, row, allow_version_change=allow_version_change, notes=notes)
        if problem is not None:
            failures.append(problem)
            if row is None or not row.installed:
                continue
        assert row is not None
        for key, floor in sorted(pinned.floors.items()):
            checked += _compare(name, key, measured(row, key), floor, "floor", tolerance, failures)
        for key, ceiling in sorted(pinned.ceilings.items()):
            checked += _compare(name, key, measured(row, key), ceiling, "ceiling", tolerance, failures)
    for name in rows:
        if name not in baseline.extractors:
            notes.append(f"{name}: not in the baseline, nothing checked (--update pins it)")
    return CheckReport(failures=failures, notes=notes, checked=checked)


def _row_problem(
    name: str, pinned: PinnedExtractor, row: ExtractorResult | None, *, allow_version_change: bool, notes: list[str]
) -> str | None:
    """Why a pinned extractor's row cannot pass as it is: absent, not installed, or another version."""
    if row is None:
        return f"{name}: pinned in the baseline ({pinned.bounds()} bounds) but not in the result: run it with -e {name}"
    if not row.installed:
        return f"{name}: not installed in this run ({row.reason or 'no reason given'}): {pinned.bounds()} pinned bounds unchecked"
    change = _version_change(name, pinned, row)
    if change is None:
        return None
    if allow_version_change:
        notes.append(f"{change} (allowed)")
        return None
    return f"{change}: pass --allow-version-change, or re-pin with --update"


def _version_change(name: str, pinned: PinnedExtractor, row: ExtractorResult) -> str | None:
    if row.signature == unknown_signature(row.name):
        return f"{name}: made by code nobody recorded (scored from predictions without `cleanbench extract`'s run.json, signature {row.signature})"
    if row.version != pinned.version:
        return f"{name} version changed: baseline {pinned.version} result {row.version}"
    if row.signature != pinned.signature:
        return f"{name} signature changed: baseline {pinned.signature} result {row.signature}"
    return None


def _compare(name: str, key: str, value: float | None, bound: float, kind: str, epsilon: float, failures: list[str]) -> int:
    """Append a failure line when `value` breaks `bound`; return 1 when a comparison was made."""
    if value is None:
        failures.append(f"{name} {key}: not measured in this result ({kind} {bound_text(bound, key)})")
        return 0
    excess = (bound - value) if kind == "floor" else (value - bound)
    if excess - epsilon > _FLOAT_NOISE:
        sign = "<" if kind == "floor" else ">"
        failures.append(f"{name} {key}: {bound_text(value, key)} {sign} {kind} {bound_text(bound, key)} (epsilon {epsilon:g})")
    return 1


# --- the significance gate -------------------------------------------------------------------------


def check_significance(
    result: RunResult,
    run_folder: str | Path,
    baseline: Baseline,
    *,
    baseline_path: str | Path,
    allow_version_change: bool = False,
    resamples: int = 1000,
    seed: int = 12345,
) -> CheckReport:
    """For every pinned (extractor, key), a one-sided 95 % paired bootstrap of result minus pinned run
    over the pages both scored: a failure when the change for the worse is significant."""
    from cleanbench.score.aggregate import paired_difference, result_clusters
    from cleanbench.score.bootstrap import Bootstrap
    from cleanbench.score.counts import ShareCounts
    from cleanbench.score.metrics import get_metric
    from cleanbench.score.scoring import PageRecord
    from cleanbench.score.signature import MetricKey

    if result.gold.digest != baseline.gold_digest:
        raise ResultError(f"{run_folder}: {digest_line(baseline, result)}; the significance gate compares pages of one gold set only")
    before = _by_extractor(_baseline_pages(baseline, baseline_path), PageRecord)
    after = _by_extractor((record for record in page_records(run_folder)), PageRecord, where=f"{run_folder}/pages.jsonl")
    bootstrap = Bootstrap(resamples=resamples, seed=seed, confidence=1 - 2 * (1 - ONE_SIDED_CONFIDENCE))
    failures: list[str] = []
    notes: list[str] = []
    checked = 0
    rows = {row.name: row for row in result.extractors}
    for name, pinned in baseline.extractors.items():
        row = rows.get(name)
        problem = _row_problem(name, pinned, row, allow_version_change=allow_version_change, notes=notes)
        if problem is not None:
            failures.append(problem)
            continue
        if name not in before:
            failures.append(f"{name}: pinned, but the baseline's per-page records hold no page of it: re-pin with --update")
            continue
        for key in sorted({*pinned.floors, *pinned.ceilings}):
            higher = key_direction(key)
            if key == FAILURES_KEY:  # the share of pages that failed: one page, one 0-or-1 share
                counts_type, value = ShareCounts, "value"
                old = {page: _failed(record) for page, record in before[name].items()}
                new = {page: _failed(record) for page, record in after.get(name, {}).items()}
            else:
                metric_name, value = MetricKey.parse(key).metric, MetricKey.parse(key).value
                counts_type = get_metric(metric_name).counts_type
                old = {page: record.counts[metric_name] for page, record in before[name].items() if record.counts.get(metric_name) is not None}
                new = {page: record.counts[metric_name] for page, record in after.get(name, {}).items() if record.counts.get(metric_name) is not None}
            if not old.keys() & new.keys():
                failures.append(f"{name} {key}: no page scored in both the result and the pinned run")
                continue
            clusters = result_clusters(result, old.keys() | new.keys())
            estimate = paired_difference(new, old, counts_type, value=value, bootstrap=bootstrap, clusters=clusters).estimate
            if estimate.value is None or estimate.low is None or estimate.high is None:
                notes.append(f"{name} {key}: undefined on these pages; not judged")
                continue
            checked += 1
            worse = estimate.high < 0 if higher else estimate.low > 0
            if worse:
                direction = "drop" if higher else "rise"
                failures.append(
                    f"{name} {key}: a significant {direction} of {abs(estimate.value):.4f} "
                    f"(one-sided 95 % bound {estimate.high if higher else estimate.low:+.4f}, {len(old.keys() & new.keys())} pages)"
                )
    return CheckReport(failures=failures, notes=notes, checked=checked)


def _failed(record: Any) -> Any:
    from cleanbench.score.counts import ShareCounts

    failed = int(record.status != "ok")
    return ShareCounts(pages=1, share_sum=float(failed), part=failed, whole=1)


def _baseline_pages(baseline: Baseline, baseline_path: str | Path) -> list[Any]:
    if baseline.pages is None:
        raise ResultError(f"{baseline_path}: records no per-page records of the pinned run: re-pin with --update to gate on significance")
    path = Path(baseline_path).with_name(baseline.pages.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ResultError(f"{path}: the baseline's per-page records cannot be read: {error.strerror or error}") from None
    if hashlib.sha256(data).hexdigest() != baseline.pages.sha256:
        raise ResultError(f"{path}: does not match the digest {Path(baseline_path).name} records for it: re-pin with --update")
    try:
        lines = gzip.decompress(data)
    except (OSError, EOFError) as error:
        raise ResultError(f"{path}: not a gzip file: {error}") from None
    return [record for _, record in json_lines(split_lines(lines), source=str(path), error=ResultError)]


def _by_extractor(records: Any, page_record: Any, *, where: str = "baseline pages") -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for number, raw in enumerate(records, start=1):
        record = page_record.from_json(raw, where=f"{where}:{number}")
        found.setdefault(record.extractor, {})[record.page_id] = record
    return found

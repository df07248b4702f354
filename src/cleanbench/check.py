"""Regression gate: compare a `RunResult` with a baseline file of pinned floors and ceilings.

Baseline file (JSON, written by `save_baseline`, keys sorted):

```json
{
  "schema_version": 1,
  "gold": {"name": "fixtures", "digest": "<sha256 of the gold set>"},
  "epsilon": 0.0005,
  "source": {"cleanbench_version": "0.1.0", "created": "<created time of the pinned result>"},
  "extractors": {
    "trafilatura": {
      "version": "2.0.0",
      "signature": "trafilatura@2.0.0{...}",
      "floors": {"words.f1": 0.883, "words.precision": 0.9012, "words.recall": 0.8701},
      "ceilings": {"duplication.value": 0.0013, "failures": 0, "leak:ad.value": 0.1501}
    }
  }
}
```

- A key is `metric.value_name` as in `ExtractorResult.value` ("words.f1", "leak:ad.value"), or
  `failures`: the extractor's pages with a status other than `ok`, summed over statuses.
- `floors` hold higher-is-better numbers: the check fails when measured < floor - epsilon.
  `ceilings` hold lower-is-better ones (leaks, duplication, failures): it fails when
  measured > ceiling + epsilon. Differences within 1e-9 of epsilon count as equal (float noise).
- `gold.digest` must equal the result's gold digest: floors set on another gold set mean nothing.
  `version` and `signature` pin each extractor; a change fails unless explicitly allowed.
- `source` records where the bounds came from; it is informational and never checked.

`update_baseline` sets floors from measured values rounded down to 4 decimals and ceilings rounded
up, so the result they came from passes. Floors only rise and ceilings only fall unless
`allow_regression`; a new value within epsilon of an old bound keeps the old bound. Default keys per
extractor: the main metric's f1, precision and recall, the main value of `duplication` and of every
`leak:<label>` present, and `failures`. The `everything` and `nothing` baselines are pinned like any
extractor: their bounds do not move with extractor code, so a change there points at the scorers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from cleanbench.errors import BaselineRegressionError, ResultError
from cleanbench.atomic import write_atomic
from cleanbench.results import ExtractorResult, RunResult

SCHEMA_VERSION = 1
DEFAULT_EPSILON = 0.0005
FAILURES_KEY = "failures"
_DECIMALS = Decimal("0.0001")
_FLOAT_NOISE = 1e-9
_MAIN_VALUES = ("f1", "precision", "recall")


@dataclass(frozen=True)
class PinnedExtractor:
    """One extractor's pins: its version and signature, and bounds by key."""

    version: str | None
    signature: str
    floors: Mapping[str, float] = field(default_factory=dict)
    ceilings: Mapping[str, float] = field(default_factory=dict)

    def bounds(self) -> int:
        return len(self.floors) + len(self.ceilings)


@dataclass(frozen=True)
class Baseline:
    """A baseline file's content (see the module docstring for its JSON form)."""

    gold_name: str
    gold_digest: str
    extractors: Mapping[str, PinnedExtractor]
    epsilon: float = DEFAULT_EPSILON
    cleanbench_version: str | None = None
    created: str | None = None
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "gold": {"name": self.gold_name, "digest": self.gold_digest},
            "epsilon": self.epsilon,
            "source": {"cleanbench_version": self.cleanbench_version, "created": self.created},
            "extractors": {
                name: {
                    "version": pinned.version,
                    "signature": pinned.signature,
                    "floors": dict(sorted(pinned.floors.items())),
                    "ceilings": dict(sorted(pinned.ceilings.items())),
                }
                for name, pinned in sorted(self.extractors.items())
            },
        }


@dataclass(frozen=True)
class CheckReport:
    """Outcome of `check_result`: one line per failure, notes that do not fail the check."""

    failures: list[str]
    notes: list[str]
    checked: int  # bounds compared with a measured value

    @property
    def ok(self) -> bool:
        return not self.failures


def measured(row: ExtractorResult, key: str) -> float | None:
    """The value a bound on `key` is compared with; None when not measured (or not a finite number)."""
    if key == FAILURES_KEY:
        return sum(row.failures.values())
    value = row.value(key)
    if value is None or not math.isfinite(value):
        return None
    return value


def check_result(
    result: RunResult, baseline: Baseline, *, epsilon: float | None = None, allow_version_change: bool = False
) -> CheckReport:
    """Compare every pinned (extractor, key) with `result`; see the module docstring for the rules."""
    tolerance = baseline.epsilon if epsilon is None else epsilon
    failures: list[str] = []
    notes: list[str] = []
    checked = 0
    if result.gold.digest != baseline.gold_digest:
        failures.append(_digest_line(baseline, result))
    rows = {row.name: row for row in result.extractors}
    for name, pinned in baseline.extractors.items():
        row = rows.get(name)
        if row is None:
            failures.append(f"{name}: pinned in the baseline ({pinned.bounds()} bounds) but not in the result: run it with -e {name}")
            continue
        if not row.installed:
            failures.append(f"{name}: not installed in this run ({row.reason or 'no reason given'}): {pinned.bounds()} pinned bounds unchecked")
            continue
        change = _version_change(name, pinned, row)
        if change is not None:
            if allow_version_change:
                notes.append(f"{change} (allowed)")
            else:
                failures.append(f"{change}: pass --allow-version-change, or re-pin with --update")
        for key, floor in sorted(pinned.floors.items()):
            checked += _compare(name, key, measured(row, key), floor, "floor", tolerance, failures)
        for key, ceiling in sorted(pinned.ceilings.items()):
            checked += _compare(name, key, measured(row, key), ceiling, "ceiling", tolerance, failures)
    for name in rows:
        if name not in baseline.extractors:
            notes.append(f"{name}: not in the baseline, nothing checked (--update pins it)")
    return CheckReport(failures=failures, notes=notes, checked=checked)


def _digest_line(baseline: Baseline, result: RunResult) -> str:
    return (
        f"gold digest changed: baseline {_short(baseline.gold_digest)} result {_short(result.gold.digest)}: "
        "the gold set is not the one the floors were set on"
    )


def _short(digest: str) -> str:
    return digest if len(digest) <= 12 else f"{digest[:12]}…"


def _version_change(name: str, pinned: PinnedExtractor, row: ExtractorResult) -> str | None:
    if row.version != pinned.version:
        return f"{name} version changed: baseline {pinned.version} result {row.version}"
    if row.signature != pinned.signature:
        return f"{name} signature changed: baseline {pinned.signature} result {row.signature}"
    return None


def _compare(name: str, key: str, value: float | None, bound: float, kind: str, epsilon: float, failures: list[str]) -> int:
    """Append a failure line when `value` breaks `bound`; return 1 when a comparison was made."""
    if value is None:
        failures.append(f"{name} {key}: not measured in this result ({kind} {_number(bound, key)})")
        return 0
    excess = (bound - value) if kind == "floor" else (value - bound)
    if excess - epsilon > _FLOAT_NOISE:
        sign = "<" if kind == "floor" else ">"
        failures.append(f"{name} {key}: {_number(value, key)} {sign} {kind} {_number(bound, key)} (epsilon {epsilon:g})")
    return 1


def _number(value: float, key: str) -> str:
    return f"{value:g}" if key == FAILURES_KEY else f"{value:.4f}"


# --- update ---------------------------------------------------------------------------------------


def default_keys(result: RunResult, row: ExtractorResult) -> list[str]:
    """Keys pinned when none are named: main metric f1/precision/recall, duplication, every leak, failures."""
    main_metric = result.main_metric.rpartition(".")[0] or result.main_metric
    keys: list[str] = []
    scores = row.metrics.get(main_metric)
    if scores is not None:
        keys += [f"{main_metric}.{name}" for name in _MAIN_VALUES if name in scores.values]
    for metric, scores in sorted(row.metrics.items()):
        if (metric == "duplication" or metric.startswith("leak:")) and scores.values:
            keys.append(f"{metric}.{next(iter(scores.values))}")
    keys.append(FAILURES_KEY)
    return keys


def update_baseline(
    result: RunResult,
    *,
    baseline: Baseline | None = None,
    keys: Sequence[str] | None = None,
    allow_regression: bool = False,
    epsilon: float | None = None,
) -> Baseline:
    """New bounds from `result`'s measured values, merged into `baseline`; see the module docstring.

    Raises `BaselineRegressionError` (one line per refused bound) when a floor would drop or a ceiling
    rise by more than epsilon, or when the gold set changed, unless `allow_regression`.
    """
    old = baseline
    if old is not None and old.gold_digest != result.gold.digest:
        if not allow_regression:
            raise BaselineRegressionError([f"{_digest_line(old, result)}: --allow-regression re-pins every bound on the new gold set"])
        old = replace(old, extractors={})  # bounds from another gold set are not carried over
    tolerance = epsilon if epsilon is not None else old.epsilon if old is not None else DEFAULT_EPSILON
    if keys is not None:
        _check_keys_measured(result, keys)
    extractors = dict(old.extractors) if old is not None else {}
    refused: list[str] = []
    for row in result.extractors:
        if not row.installed:
            continue
        previous = extractors.get(row.name)
        wanted = list(keys) if keys is not None else _merged(default_keys(result, row), previous)
        floors = dict(previous.floors) if previous is not None else {}
        ceilings = dict(previous.ceilings) if previous is not None else {}
        for key in wanted:
            value = measured(row, key)
            if value is None:
                continue
            higher = higher_is_better(row, key)
            target, other = (floors, ceilings) if higher else (ceilings, floors)
            other.pop(key, None)
            new = _rounded(value, down=higher)
            old_bound = target.get(key)
            if old_bound is not None and (new < old_bound if higher else new > old_bound):
                if abs(value - old_bound) - tolerance <= _FLOAT_NOISE:
                    continue  # within epsilon: the old bound still holds
                if not allow_regression:
                    kind, verb = ("floor", "drop") if higher else ("ceiling", "rise")
                    refused.append(f"{row.name} {key}: {kind} {_number(old_bound, key)} would {verb} to {_number(new, key)}")
                    continue
            target[key] = new
        extractors[row.name] = PinnedExtractor(version=row.version, signature=row.signature, floors=floors, ceilings=ceilings)
    if refused:
        raise BaselineRegressionError(refused)
    return Baseline(
        gold_name=result.gold.name,
        gold_digest=result.gold.digest,
        extractors=extractors,
        epsilon=tolerance,
        cleanbench_version=result.cleanbench_version,
        created=result.created,
    )


def _merged(defaults: list[str], previous: PinnedExtractor | None) -> list[str]:
    if previous is None:
        return defaults
    return defaults + sorted(key for key in (*previous.floors, *previous.ceilings) if key not in defaults)


def _check_keys_measured(result: RunResult, keys: Sequence[str]) -> None:
    rows = [row for row in result.extractors if row.installed]
    for key in keys:
        if not any(measured(row, key) is not None for row in rows):
            raise ResultError(f"no extractor in the result measured {key!r} (keys look like {result.main_metric}, leak:ad.value, failures)")


def higher_is_better(row: ExtractorResult, key: str) -> bool:
    """Direction of a measured key: `failures` is lower-is-better, metrics declare their own."""
    if key == FAILURES_KEY:
        return False
    metric = key.rpartition(".")[0] if "." in key else key
    return row.metrics[metric].higher_is_better


def _rounded(value: float, *, down: bool) -> float:
    if isinstance(value, int):
        return value
    exact = Decimal(repr(value)).quantize(_DECIMALS, rounding=ROUND_FLOOR if down else ROUND_CEILING)
    return float(exact)


# --- files ----------------------------------------------------------------------------------------


def save_baseline(baseline: Baseline, path: str | Path) -> Path:
    """Write `baseline` as JSON atomically (temp file + rename); returns the path written."""
    target = Path(path)
    write_atomic(target, json.dumps(baseline.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target


def load_baseline(path: str | Path) -> Baseline:
    """Read and validate a baseline file; every error names the file and the field."""
    target = Path(path)
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultError(f"{path}: no such baseline file (create one with: cleanbench check RESULT --baseline {path} --update)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultError(f"{target}: unreadable baseline: {error}") from None
    return baseline_from_json(raw, where=str(target))


def baseline_from_json(raw: Any, *, where: str = "baseline") -> Baseline:
    """Build a `Baseline` from its JSON form; errors name `where` and the field."""
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where}: not a cleanbench baseline (expected a JSON object)")
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ResultError(f"{where}: not a cleanbench baseline (no schema_version)")
    if version != SCHEMA_VERSION:
        raise ResultError(f"{where}: baseline schema_version {version} is not one this cleanbench reads ({SCHEMA_VERSION})")
    gold = _field(raw, "gold", Mapping, where, "gold")
    epsilon = _field(raw, "epsilon", (int, float), where, "epsilon")
    if not math.isfinite(epsilon) or epsilon < 0:
        raise ResultError(f"{where}: epsilon: must be a number >= 0, got {epsilon!r}")
    source = _field(raw, "source", Mapping, where, "source") if "source" in raw else {}
    extractors = _field(raw, "extractors", Mapping, where, "extractors")
    return Baseline(
        gold_name=_field(gold, "name", str, where, "gold.name"),
        gold_digest=_field(gold, "digest", str, where, "gold.digest"),
        extractors={name: _pinned(pinned, where, f"extractors.{name}") for name, pinned in extractors.items()},
        epsilon=float(epsilon),
        cleanbench_version=source.get("cleanbench_version"),
        created=source.get("created"),
    )


def _pinned(raw: Any, where: str, path: str) -> PinnedExtractor:
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where}: {path}: expected an object, got {raw!r}")
    version = raw.get("version")
    if version is not None and not isinstance(version, str):
        raise ResultError(f"{where}: {path}.version: expected a string or null, got {version!r}")
    floors = _bounds(raw.get("floors", {}), where, f"{path}.floors")
    ceilings = _bounds(raw.get("ceilings", {}), where, f"{path}.ceilings")
    both = sorted(set(floors) & set(ceilings))
    if both:
        raise ResultError(f"{where}: {path}: {both[0]} is both a floor and a ceiling")
    signature = _field(raw, "signature", str, where, f"{path}.signature")
    return PinnedExtractor(version=version, signature=signature, floors=floors, ceilings=ceilings)


def _bounds(raw: Any, where: str, path: str) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where}: {path}: expected an object of key -> number, got {raw!r}")
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ResultError(f"{where}: {path}.{key}: expected a number, got {value!r}")
    return dict(raw)


def _field(raw: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str, path: str) -> Any:
    if name not in raw:
        raise ResultError(f"{where}: {path}: missing")
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ResultError(f"{where}: {path}: unexpected value {value!r}")
    return value

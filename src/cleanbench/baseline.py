"""Baseline files: pinned floors and ceilings per extractor, written by `check --update`, read strictly.

Baseline file (JSON, written by `save_baseline`, keys sorted):

```json
{
  "schema_version": 1,
  "gold": {"name": "fixtures", "digest": "<sha256 of the gold set>"},
  "epsilon": 0.0005,
  "source": {"cleanbench_version": "0.1.0", "created": "<created time of the pinned result>"},
  "pages": {"file": "baseline-fixtures.pages.jsonl.gz", "sha256": "<digest of that file>"},
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
- `floors` hold higher-is-better keys, `ceilings` lower-is-better ones (leaks, duplication, failures),
  as each metric declares. A baseline that pins nothing, puts a key on the wrong side, names an unknown
  metric or value, holds a bound outside the value's range, or an `epsilon` above `MAX_EPSILON`, is
  refused when read: a gate that cannot fail is not a gate.
- `pages` names the per-page records of the pinned run (gzipped JSON Lines beside the baseline), which
  the significance gate (`check --significant`) compares against; its digest is checked when read.
- `source` records where the bounds came from; it is informational and never checked.

`update_baseline` sets floors from measured values rounded down to 4 decimals and ceilings rounded
up, so the result they came from passes. Floors only rise and ceilings only fall unless
`allow_regression`; a new value within epsilon of an old bound keeps the old bound. Default keys per
extractor: the main metric's f1, precision and recall, the main value of `duplication` and of every
`leak:<label>` present, and `failures`. The `everything` and `nothing` baselines are pinned like any
extractor: their bounds do not move with extractor code, so a change there points at the scorers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from cleanbench.atomic import write_atomic
from cleanbench.constants import DEFAULT_EPSILON, MAX_EPSILON
from cleanbench.errors import BaselineRegressionError, MetricError, ResultError
from cleanbench.jsonl import dumps, loads
from cleanbench.results import ExtractorResult, RunResult
from cleanbench.score.signature import MetricKey

SCHEMA_VERSION = 1
FAILURES_KEY = "failures"
PAGES_SUFFIX = ".pages.jsonl.gz"
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
class PagesFile:
    """The per-page records of the pinned run: a file beside the baseline, and its sha256."""

    file: str
    sha256: str


@dataclass(frozen=True)
class Baseline:
    """A baseline file's content (see the module docstring for its JSON form)."""

    gold_name: str
    gold_digest: str
    extractors: Mapping[str, PinnedExtractor]
    epsilon: float = DEFAULT_EPSILON
    cleanbench_version: str | None = None
    created: str | None = None
    pages: PagesFile | None = None
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        pages = {} if self.pages is None else {"pages": {"file": self.pages.file, "sha256": self.pages.sha256}}
        return {
            "schema_version": self.schema_version,
            "gold": {"name": self.gold_name, "digest": self.gold_digest},
            "epsilon": self.epsilon,
            "source": {"cleanbench_version": self.cleanbench_version, "created": self.created},
            **pages,
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


def measured(row: ExtractorResult, key: str) -> float | None:
    """The value a bound on `key` is compared with; None when not measured (or not a finite number)."""
    if key == FAILURES_KEY:
        return sum(row.failures.values())
    value = row.value(key)
    if value is None or not math.isfinite(value):
        return None
    return value


def key_direction(key: str) -> bool:
    """Whether a key is higher-is-better, as its metric declares (`failures`: lower); MetricError when the
    key names no metric value."""
    if key == FAILURES_KEY:
        return False
    from cleanbench.score.metrics import get_metric

    parsed = MetricKey.parse(key)
    metric = get_metric(parsed.metric)
    metric.value(parsed.value)
    return metric.higher_is_better


def digest_line(baseline: Baseline, result: RunResult) -> str:
    return (
        f"gold digest changed: baseline {short_digest(baseline.gold_digest)} result {short_digest(result.gold.digest)}: "
        "the gold set is not the one the floors were set on"
    )


def short_digest(digest: str) -> str:
    return digest if len(digest) <= 12 else f"{digest[:12]}…"


def bound_text(value: float, key: str) -> str:
    return f"{value:g}" if key == FAILURES_KEY else f"{value:.4f}"


# --- update ---------------------------------------------------------------------------------------


def default_keys(result: RunResult, row: ExtractorResult) -> list[str]:
    """Keys pinned when none are named: main metric f1/precision/recall, duplication, every leak, failures."""
    main_metric = result.main_key.metric
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
            raise BaselineRegressionError([f"{digest_line(old, result)}: --allow-regression re-pins every bound on the new gold set"])
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
                    refused.append(f"{row.name} {key}: {kind} {bound_text(old_bound, key)} would {verb} to {bound_text(new, key)}")
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
    return row.metrics[MetricKey.parse(key).metric].higher_is_better


def _rounded(value: float, *, down: bool) -> float:
    if isinstance(value, int):
        return value
    exact = Decimal(repr(value)).quantize(_DECIMALS, rounding=ROUND_FLOOR if down else ROUND_CEILING)
    return float(exact)


# --- files ----------------------------------------------------------------------------------------


def save_baseline(baseline: Baseline, path: str | Path, *, page_records: Iterable[Mapping[str, Any]] | None = None) -> Path:
    """Write `baseline` as JSON atomically (temp file + rename); returns the path written.

    With `page_records` (the pinned run's pages.jsonl records), they are written beside it, gzipped and
    byte-stable, for the significance gate, and the baseline records their file and digest."""
    target = Path(path)
    if page_records is not None:
        pages_path = pages_path_for(target)
        lines = "".join(dumps(record, sort_keys=True) + "\n" for record in page_records).encode("utf-8")
        data = gzip.compress(lines, compresslevel=9, mtime=0)
        write_atomic(pages_path, data)
        baseline = replace(baseline, pages=PagesFile(file=pages_path.name, sha256=hashlib.sha256(data).hexdigest()))
    write_atomic(target, json.dumps(baseline.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target


def pages_path_for(path: Path) -> Path:
    """Where a baseline's per-page records go: `<stem>.pages.jsonl.gz` beside it."""
    return path.with_name(path.stem + PAGES_SUFFIX)


def load_baseline(path: str | Path) -> Baseline:
    """Read and validate a baseline file; every error names the file and the field."""
    target = Path(path)
    try:
        text = target.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ResultError(f"{path}: no such baseline file (create one with: cleanbench check RESULT --baseline {path} --update)") from None
    except IsADirectoryError:
        raise ResultError(f"{target}: is a folder, not a baseline file") from None
    except OSError as error:
        raise ResultError(f"{target}: unreadable baseline: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ResultError(f"{target}: unreadable baseline: not UTF-8 text (offset {error.start})") from None
    return baseline_from_json(loads(text, where=str(target), error=ResultError, document=True), where=str(target))


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
    if not math.isfinite(epsilon) or not 0 <= epsilon <= MAX_EPSILON:
        raise ResultError(f"{where}: epsilon: must be a number from 0 to {MAX_EPSILON:g}, got {epsilon!r}")
    source = _field(raw, "source", Mapping, where, "source") if "source" in raw else {}
    extractors = _field(raw, "extractors", Mapping, where, "extractors")
    if not extractors:
        raise ResultError(f"{where}: extractors: pins no extractor, so it can check nothing")
    pages = None
    if "pages" in raw:
        found = _field(raw, "pages", Mapping, where, "pages")
        pages = PagesFile(file=_field(found, "file", str, where, "pages.file"), sha256=_field(found, "sha256", str, where, "pages.sha256"))
        if Path(pages.file).name != pages.file:
            raise ResultError(f"{where}: pages.file: {pages.file!r} is not a file name beside the baseline")
    pinned = {name: _pinned(entry, where, f"extractors.{name}") for name, entry in extractors.items()}
    if not any(entry.bounds() for entry in pinned.values()):
        raise ResultError(f"{where}: extractors: no floor or ceiling anywhere, so it can check nothing")
    return Baseline(
        gold_name=_field(gold, "name", str, where, "gold.name"),
        gold_digest=_field(gold, "digest", str, where, "gold.digest"),
        extractors=pinned,
        epsilon=float(epsilon),
        cleanbench_version=source.get("cleanbench_version"),
        created=source.get("created"),
        pages=pages,
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
    for side, bounds, higher in (("floors", floors, True), ("ceilings", ceilings, False)):
        for key in bounds:
            try:
                direction = key_direction(key)
            except MetricError as error:
                raise ResultError(f"{where}: {path}.{side}.{key}: {error}") from None
            if direction is not higher:
                wanted = "floors" if direction else "ceilings"
                raise ResultError(f"{where}: {path}.{side}.{key}: a {'higher' if direction else 'lower'}-is-better key belongs in {wanted}")
    signature = _field(raw, "signature", str, where, f"{path}.signature")
    return PinnedExtractor(version=version, signature=signature, floors=floors, ceilings=ceilings)


def _bounds(raw: Any, where: str, path: str) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where}: {path}: expected an object of key -> number, got {raw!r}")
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ResultError(f"{where}: {path}.{key}: expected a number, got {value!r}")
        if key == FAILURES_KEY and (not float(value).is_integer() or value < 0):
            raise ResultError(f"{where}: {path}.{key}: a count of pages, got {value!r}")
        if key != FAILURES_KEY and not 0 <= value <= 1:
            raise ResultError(f"{where}: {path}.{key}: a share from 0 to 1, got {value!r}")
    return dict(raw)


def _field(raw: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str, path: str) -> Any:
    if name not in raw:
        raise ResultError(f"{where}: {path}: missing")
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ResultError(f"{where}: {path}: unexpected value {value!r}")
    return value

"""`RunResult`: one benchmark run as a typed, versioned JSON document, plus its per-page sidecar.

The document holds what a leaderboard, a report or a regression check needs (summaries with
intervals, slices, failures, speed, signatures); the sidecar JSONL holds one record per (page,
extractor) with per-metric counts, so scores can be recomputed without re-running extractors.
Writes are atomic (temp file + rename). `load_result` migrates older schema versions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cleanbench.atomic import atomic_file, write_atomic
from cleanbench.errors import ResultError
from cleanbench.jsonl import loads, read_json_lines, write_lines
from cleanbench.score.signature import MetricKey

SCHEMA_VERSION = 2  # 2: per-value signatures and aggregation, confidence, provenance, isolation
RESULT_FILE = "result.json"
PAGES_FILE = "pages.jsonl"


@dataclass(frozen=True)
class Estimate:
    """A reported number with its bootstrap interval (None where not computed or too few pages); a
    metric's value says how pages were pooled into it and carries its own signature."""

    value: float | None
    low: float | None = None
    high: float | None = None
    aggregation: str | None = None  # "macro", "micro", "f1-of-means" (None: a difference, or a v1 result)
    signature: str | None = None


@dataclass(frozen=True)
class MetricScores:
    """One metric's numbers for one extractor (or one slice of pages)."""

    metric: str  # "words", "aeb", "snippets", "leak:ad", "duplication", ...
    higher_is_better: bool
    signature: str
    values: Mapping[str, Estimate]  # "f1", "precision", "recall", "accuracy", "value", ...
    pages: int  # pages scored
    skipped: int = 0  # pages that lack what the metric needs

    def get(self, name: str) -> float | None:
        estimate = self.values.get(name)
        return None if estimate is None else estimate.value


@dataclass(frozen=True)
class Speed:
    median_ms: float | None
    p95_ms: float | None
    pages_per_s: float | None
    peak_rss_mb: float | None


@dataclass(frozen=True)
class Drops:
    """Pages a document-level cleaner dropped (scored as empty, counted apart from failures), and the share
    of all gold words those pages held (None when the set has no gold text to count)."""

    pages: int
    gold_words_share: float | None


@dataclass(frozen=True)
class Provenance:
    """Where a row's predictions came from: extracted now, resumed from the output folder, taken from the
    prediction cache, run again after a crash; `earlier`: the folder held the row from an earlier run that
    this one did not ask for; `not_cached`: why its outputs are never cached, when they are not."""

    extracted: int
    resumed: int
    from_cache: int
    retried: int = 0
    earlier: bool = False
    not_cached: str | None = None


@dataclass(frozen=True)
class ExtractorResult:
    """Everything measured for one extractor. `installed=False` rows carry only the reason."""

    name: str
    signature: str  # name@version{options}
    version: str | None
    options: Mapping[str, Any]
    installed: bool = True
    reason: str | None = None  # "goose3: not installed (goose3); pip install 'cleanbench[all]'"
    metrics: Mapping[str, MetricScores] = field(default_factory=dict)
    failures: Mapping[str, int] = field(default_factory=dict)  # failed status (empty, error, timeout, crash) -> pages
    drops: Drops | None = None  # pages a cleaner dropped; None when none was
    missing: int = 0  # gold pages with no prediction (scored as empty)
    speed: Speed | None = None
    # slice kind ("page_type", "lang", "noise") -> slice value -> metric -> scores
    slices: Mapping[str, Mapping[str, Mapping[str, MetricScores]]] = field(default_factory=dict)
    provenance: Provenance | None = None  # where its predictions came from, when this run made them
    rank: str | None = None  # "1", "2=" (tied with the row that opened rank 2); None: a bound, or no number

    def value(self, key: str | MetricKey) -> float | None:
        """A number by key: `metric.value_name` ("words.f1", "leak:ad.value"); a bare metric means its main value."""
        if isinstance(key, str) and "." not in key:
            scores = self.metrics.get(key)
            return None if scores is None else scores.get(next(iter(scores.values), ""))
        found = key if isinstance(key, MetricKey) else MetricKey.parse(key)
        scores = self.metrics.get(found.metric)
        return None if scores is None else scores.get(found.value)


@dataclass(frozen=True)
class Comparison:
    """Paired bootstrap of `a` minus `b` on one metric value over the same pages."""

    a: str
    b: str
    key: str
    difference: Estimate
    tied: bool


@dataclass(frozen=True)
class GoldInfo:
    name: str
    spec: str
    digest: str
    pages: int


@dataclass(frozen=True)
class RunResult:
    gold: GoldInfo
    extractors: tuple[ExtractorResult, ...]
    main_metric: str  # the key the leaderboard sorts by, e.g. "words.f1"
    seed: int
    resamples: int
    cleanbench_version: str
    created: str
    platform: str
    python: str
    comparisons: tuple[Comparison, ...] = ()
    isolation: str | None = None  # what cut the workers off from the network; None when no page was extracted
    confidence: float = 0.95  # the two-sided level of every interval
    engine: str = "local"  # where the pages ran: `local` (this machine's sandbox) or `ray` (the same sandbox in Ray tasks)
    schema_version: int = SCHEMA_VERSION

    @property
    def main_key(self) -> MetricKey:
        return MetricKey.parse(self.main_metric)

    def extractor(self, name: str) -> ExtractorResult:
        for row in self.extractors:
            if row.name == name:
                return row
        raise ResultError(f"result has no extractor {name!r} (has: {', '.join(r.name for r in self.extractors)})")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _At:
    """A place in a result file, for error messages: the file, and the path of the field inside it."""

    file: str
    path: str = ""

    def __truediv__(self, name: str | int) -> _At:
        if isinstance(name, int):
            return _At(self.file, f"{self.path}[{name}]")
        return _At(self.file, f"{self.path}.{name}" if self.path else name)

    def error(self, message: str) -> ResultError:
        return ResultError(f"{self.file}: field {self.path!r}: {message}" if self.path else f"{self.file}: {message}")


def _estimate(raw: Any, at: _At) -> Estimate:
    fields = _object(raw, at)
    return Estimate(
        value=_number(fields, "value", at),
        low=_number(fields, "low", at),
        high=_number(fields, "high", at),
        aggregation=_text(fields, "aggregation", at, optional=True),
        signature=_text(fields, "signature", at, optional=True),
    )


def _metric_scores(raw: Any, at: _At) -> MetricScores:
    fields = _object(raw, at)
    values = _object(fields.get("values"), at / "values")
    return MetricScores(
        metric=_text(fields, "metric", at),
        higher_is_better=_flag(fields, "higher_is_better", at),
        signature=_text(fields, "signature", at),
        values={name: _estimate(value, at / "values" / name) for name, value in values.items()},
        pages=_count(fields, "pages", at),
        skipped=_count(fields, "skipped", at, default=0),
    )


def _extractor_result(raw: Any, at: _At) -> ExtractorResult:
    fields = _object(raw, at)
    speed = fields.get("speed")
    if speed is not None:
        timing = _object(speed, at / "speed")
        speed = Speed(**{name: _number(timing, name, at / "speed") for name in ("median_ms", "p95_ms", "pages_per_s", "peak_rss_mb")})
    provenance = fields.get("provenance")
    if provenance is not None:
        where = at / "provenance"
        origin = _object(provenance, where)
        provenance = Provenance(
            extracted=_count(origin, "extracted", where),
            resumed=_count(origin, "resumed", where),
            from_cache=_count(origin, "from_cache", where),
            retried=_count(origin, "retried", where, default=0),
            earlier=_flag(origin, "earlier", where, default=False),
            not_cached=_text(origin, "not_cached", where, optional=True),
        )
    failures = _object(fields.get("failures", {}), at / "failures")
    drops = fields.get("drops")
    if drops is not None:
        found = _object(drops, at / "drops")
        drops = Drops(pages=_count(found, "pages", at / "drops"), gold_words_share=_number(found, "gold_words_share", at / "drops"))
    metrics = _object(fields.get("metrics", {}), at / "metrics")
    slices = _object(fields.get("slices", {}), at / "slices")
    return ExtractorResult(
        name=_text(fields, "name", at),
        signature=_text(fields, "signature", at),
        version=_text(fields, "version", at, optional=True),
        options=_object(fields.get("options", {}), at / "options"),
        installed=_flag(fields, "installed", at, default=True),
        reason=_text(fields, "reason", at, optional=True),
        metrics={key: _metric_scores(value, at / "metrics" / key) for key, value in metrics.items()},
        failures={status: _count(failures, status, at / "failures") for status in failures},
        missing=_count(fields, "missing", at, default=0),
        drops=drops,
        rank=_text(fields, "rank", at, optional=True),
        speed=speed,
        slices={
            kind: {
                value: {
                    metric: _metric_scores(scores, at / "slices" / kind / value / metric)
                    for metric, scores in _object(by_metric, at / "slices" / kind / value).items()
                }
                for value, by_metric in _object(groups, at / "slices" / kind).items()
            }
            for kind, groups in slices.items()
        },
        provenance=provenance,
    )


def _from_version_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had one signature per metric (its headline's), no confidence field (its intervals were
    95 %), no provenance and no isolation: every later field takes the value version 1 implied."""
    return {**raw, "confidence": 0.95, "schema_version": 2}


# Each step turns a result of version N into version N + 1; reading applies them in turn.
MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_version_1}


def result_from_json(raw: Any, *, where: str = "result") -> RunResult:
    """Build a `RunResult` from its JSON form (older schema versions migrated), checking every field's
    type; errors name `where` and the field."""
    at = _At(where)
    version = raw.get("schema_version") if isinstance(raw, Mapping) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise ResultError(f"{where}: not a cleanbench result (no schema_version)")
    if version > SCHEMA_VERSION or version not in (*MIGRATIONS, SCHEMA_VERSION):
        raise ResultError(f"{where}: schema_version {version} is not one this cleanbench reads (1 to {SCHEMA_VERSION}); use the cleanbench that wrote it")
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](dict(raw))
        version = raw["schema_version"]
    gold = _object(raw.get("gold"), at / "gold")
    rows = _list(raw.get("extractors"), at / "extractors")
    comparisons = _list(raw.get("comparisons", []), at / "comparisons")
    return RunResult(
        gold=GoldInfo(
            name=_text(gold, "name", at / "gold"),
            spec=_text(gold, "spec", at / "gold"),
            digest=_text(gold, "digest", at / "gold"),
            pages=_count(gold, "pages", at / "gold"),
        ),
        extractors=tuple(_extractor_result(row, at / "extractors" / index) for index, row in enumerate(rows)),
        main_metric=_text(raw, "main_metric", at),
        seed=_count(raw, "seed", at, signed=True),
        resamples=_count(raw, "resamples", at),
        cleanbench_version=_text(raw, "cleanbench_version", at),
        created=_text(raw, "created", at),
        platform=_text(raw, "platform", at),
        python=_text(raw, "python", at),
        comparisons=tuple(_comparison(c, at / "comparisons" / index) for index, c in enumerate(comparisons)),
        isolation=_text(raw, "isolation", at, optional=True),
        confidence=_confidence(raw, at),
        engine=_text(raw, "engine", at, optional=True) or "local",  # written since the ray engine; before it, every run was local
        schema_version=SCHEMA_VERSION,
    )


def _comparison(raw: Any, at: _At) -> Comparison:
    fields = _object(raw, at)
    return Comparison(
        a=_text(fields, "a", at),
        b=_text(fields, "b", at),
        key=_text(fields, "key", at),
        difference=_estimate(fields.get("difference"), at / "difference"),
        tied=_flag(fields, "tied", at, optional=True),
    )


# --- typed field readers: each raises a ResultError naming the file and the field ----------------


def _object(value: Any, at: _At) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise at.error(f"expected an object, got {_kind(value)}")
    return value


def _list(value: Any, at: _At) -> list[Any]:
    if not isinstance(value, list):
        raise at.error(f"expected a list, got {_kind(value)}")
    return value


def _text(fields: Mapping[str, Any], name: str, at: _At, *, optional: bool = False) -> Any:
    value = fields.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise (at / name).error(f"expected a string, got {_kind(value)}")
    return value


def _number(fields: Mapping[str, Any], name: str, at: _At) -> float | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise (at / name).error(f"expected a number or null, got {_kind(value)}")
    return float(value)


def _count(fields: Mapping[str, Any], name: str, at: _At, *, default: int | None = None, signed: bool = False) -> int:
    value = fields.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or (value < 0 and not signed):
        raise (at / name).error(f"expected a whole number{'' if signed else ' >= 0'}, got {_kind(value)}")
    return value


def _flag(fields: Mapping[str, Any], name: str, at: _At, *, default: bool | None = None, optional: bool = False) -> Any:
    value = fields.get(name, default)
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        raise (at / name).error(f"expected true or false, got {_kind(value)}")
    return value


def _confidence(fields: Mapping[str, Any], at: _At) -> float:
    value = _number(fields, "confidence", at)
    if value is None or not 0 < value < 1:
        raise (at / "confidence").error(f"expected a number between 0 and 1, got {value!r}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (str, int, float)):
        return f"{type(value).__name__} {str(value)[:40]!r}"
    return type(value).__name__


def save_result(result: RunResult, folder: Path, *, pages: list[Mapping[str, Any]] | None = None) -> Path:
    """Write `result.json` (and `pages.jsonl` when per-page records are given) into `folder`, atomically."""
    if pages is not None:
        with atomic_file(folder / PAGES_FILE) as out:
            write_lines(out, pages, sort_keys=True)
    target = folder / RESULT_FILE
    write_atomic(target, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target


def load_result(path: str | Path) -> RunResult:
    """Read a result: a `result.json` file or the run folder holding one."""
    target = Path(path)
    if target.is_dir():
        target = target / RESULT_FILE
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise ResultError(f"{path}: no such result file") from None
    except IsADirectoryError:
        raise ResultError(f"{target}: is a folder, not a result file") from None
    except OSError as error:
        raise ResultError(f"{target}: unreadable result: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ResultError(f"{target}: not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start})") from None
    return result_from_json(loads(text, where=str(target), error=ResultError, document=True), where=str(target))


def page_records(folder: str | Path) -> Iterator[dict[str, Any]]:
    """The per-page records of a saved run (`pages.jsonl` beside `result.json`)."""
    base = Path(folder)
    target = (base if base.is_dir() else base.parent) / PAGES_FILE
    if not target.is_file():
        raise ResultError(f"{target}: no per-page records beside this result")
    for _where, record in read_json_lines(target, error=ResultError):
        yield record

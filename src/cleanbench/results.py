"""`RunResult`: one benchmark run as a typed, versioned JSON document, plus its per-page sidecar.

The document holds what a leaderboard, a report or a regression check needs (summaries with
intervals, slices, failures, speed, signatures); the sidecar JSONL holds one record per (page,
extractor) with per-metric counts, so scores can be recomputed without re-running extractors.
Writes are atomic (temp file + rename). `load_result` migrates older schema versions.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cleanbench.errors import ResultError
from cleanbench.jsonl import json_lines

SCHEMA_VERSION = 1
RESULT_FILE = "result.json"
PAGES_FILE = "pages.jsonl"


@dataclass(frozen=True)
class Estimate:
    """A reported number with its 95 % bootstrap interval (None where not computed or too few pages)."""

    value: float | None
    low: float | None = None
    high: float | None = None


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
class ExtractorResult:
    """Everything measured for one extractor. `installed=False` rows carry only the reason."""

    name: str
    signature: str  # name@version{options}
    version: str | None
    options: Mapping[str, Any]
    installed: bool = True
    reason: str | None = None  # "goose3: not installed (goose3); pip install 'cleanbench[all]'"
    metrics: Mapping[str, MetricScores] = field(default_factory=dict)
    failures: Mapping[str, int] = field(default_factory=dict)  # status -> pages (ok excluded)
    missing: int = 0  # gold pages with no prediction (scored as empty)
    speed: Speed | None = None
    # slice kind ("page_type", "lang", "noise") -> slice value -> metric -> scores
    slices: Mapping[str, Mapping[str, Mapping[str, MetricScores]]] = field(default_factory=dict)

    def value(self, key: str) -> float | None:
        """A number by key: `metric.value_name` ("words.f1", "leak:ad.value"); a bare metric means its main value."""
        metric, _, name = key.rpartition(".") if "." in key else (key, "", "")
        scores = self.metrics.get(metric)
        if scores is None:
            return None
        return scores.get(name or next(iter(scores.values), ""))


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
    schema_version: int = SCHEMA_VERSION

    def extractor(self, name: str) -> ExtractorResult:
        for row in self.extractors:
            if row.name == name:
                return row
        raise ResultError(f"result has no extractor {name!r} (has: {', '.join(r.name for r in self.extractors)})")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _estimate(raw: Mapping[str, Any]) -> Estimate:
    return Estimate(value=raw.get("value"), low=raw.get("low"), high=raw.get("high"))


def _metric_scores(raw: Mapping[str, Any]) -> MetricScores:
    return MetricScores(
        metric=raw["metric"],
        higher_is_better=raw["higher_is_better"],
        signature=raw["signature"],
        values={name: _estimate(value) for name, value in raw["values"].items()},
        pages=raw["pages"],
        skipped=raw.get("skipped", 0),
    )


def _extractor_result(raw: Mapping[str, Any]) -> ExtractorResult:
    speed = raw.get("speed")
    return ExtractorResult(
        name=raw["name"],
        signature=raw["signature"],
        version=raw.get("version"),
        options=raw.get("options", {}),
        installed=raw.get("installed", True),
        reason=raw.get("reason"),
        metrics={key: _metric_scores(value) for key, value in raw.get("metrics", {}).items()},
        failures=dict(raw.get("failures", {})),
        missing=raw.get("missing", 0),
        speed=Speed(**speed) if speed else None,
        slices={
            kind: {
                value: {metric: _metric_scores(scores) for metric, scores in metrics.items()}
                for value, metrics in groups.items()
            }
            for kind, groups in raw.get("slices", {}).items()
        },
    )


def result_from_json(raw: Mapping[str, Any], *, where: str = "result") -> RunResult:
    """Build a `RunResult` from its JSON form, migrating older schema versions; errors name `where`."""
    version = raw.get("schema_version") if isinstance(raw, Mapping) else None
    if not isinstance(version, int):
        raise ResultError(f"{where}: not a cleanbench result (no schema_version)")
    if version > SCHEMA_VERSION:
        raise ResultError(f"{where}: schema_version {version} is newer than this cleanbench reads ({SCHEMA_VERSION}); upgrade cleanbench")
    try:
        return RunResult(
            gold=GoldInfo(**raw["gold"]),
            extractors=tuple(_extractor_result(row) for row in raw["extractors"]),
            main_metric=raw["main_metric"],
            seed=raw["seed"],
            resamples=raw["resamples"],
            cleanbench_version=raw["cleanbench_version"],
            created=raw["created"],
            platform=raw["platform"],
            python=raw["python"],
            comparisons=tuple(
                Comparison(a=c["a"], b=c["b"], key=c["key"], difference=_estimate(c["difference"]), tied=c["tied"])
                for c in raw.get("comparisons", ())
            ),
            schema_version=SCHEMA_VERSION,
        )
    except (KeyError, TypeError) as error:
        raise ResultError(f"{where}: malformed result: {type(error).__name__}: {error}") from None


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def save_result(result: RunResult, folder: Path, *, pages: list[Mapping[str, Any]] | None = None) -> Path:
    """Write `result.json` (and `pages.jsonl` when per-page records are given) into `folder`."""
    if pages is not None:
        write_atomic(folder / PAGES_FILE, "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in pages))
    target = folder / RESULT_FILE
    write_atomic(target, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return target


def load_result(path: str | Path) -> RunResult:
    """Read a result: a `result.json` file or the run folder holding one."""
    target = Path(path)
    if target.is_dir():
        target = target / RESULT_FILE
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultError(f"{path}: no such result file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultError(f"{target}: unreadable result: {error}") from None
    return result_from_json(raw, where=str(target))


def page_records(folder: str | Path) -> Iterator[dict[str, Any]]:
    """The per-page records of a saved run (`pages.jsonl` beside `result.json`)."""
    base = Path(folder)
    target = (base if base.is_dir() else base.parent) / PAGES_FILE
    if not target.is_file():
        raise ResultError(f"{target}: no per-page records beside this result")
    with target.open(encoding="utf-8") as lines:
        for _where, record in json_lines(lines, source=str(target), error=ResultError):
            yield record

"""Per-page counts: numeric records that add up field by field, and the numbers reported from their sums.

A set's counts are the sum of its pages', and every reported number is a function of summed counts
(`Counts.scores_from`, which works on plain numbers and on numpy arrays of bootstrap resamples alike).
Per-page numbers that a set averages (macro precision, a page's leak share, ...) are stored as sums over
pages next to the page count, so that `sum(counts)` still holds everything needed. Each counts type
declares the values it reports (`VALUES`) and how pages are pooled into each. Counts round-trip
through JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar

import numpy as np

from cleanbench.errors import MetricError

CountsT = TypeVar("CountsT", bound="Counts")
Number = Any  # a float, or a numpy array of floats (one per bootstrap resample)


@dataclass(frozen=True)
class Value:
    """A number a metric reports: its name ("f1", "value", ...) and how pages are pooled into it."""

    name: str
    aggregation: str  # "macro" (mean of per-page numbers), "micro" (pooled counts), "f1-of-means"


@dataclass(frozen=True)
class Counts:
    """Base class of the per-metric count records: numeric fields that add up field by field."""

    VALUES: ClassVar[tuple[Value, ...]] = ()

    def __add__(self: CountsT, other: CountsT) -> CountsT:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __radd__(self: CountsT, other: object) -> CountsT:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def to_json(self) -> dict[str, int | float]:
        return {name: getattr(self, name) for name in self.field_names()}

    @classmethod
    def from_json(cls: type[CountsT], raw: Any, *, where: str) -> CountsT:
        """Rebuild from `to_json()`'s form; a MetricError naming `where` and the field when malformed."""
        if not isinstance(raw, Mapping):
            raise MetricError(f"{where}: expected an object of {cls.__name__} fields, got {type(raw).__name__}")
        names = cls.field_names()
        unknown = sorted(set(raw) - set(names))
        if unknown:
            raise MetricError(f"{where}: field {unknown[0]!r}: not a {cls.__name__} field ({', '.join(names)})")
        values: dict[str, int | float] = {}
        for f in fields(cls):
            value = raw.get(f.name)
            wanted = int if f.type in ("int", int) else float
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (wanted is int and not isinstance(value, int)):
                raise MetricError(f"{where}: field {f.name!r}: expected {'an integer' if wanted is int else 'a number'}, got {value!r}")
            values[f.name] = wanted(value)
        return cls(**values)

    def scores(self) -> dict[str, float | None]:
        """The reported numbers of these counts; None where undefined (no page to average over)."""
        return {name: plain(value) for name, value in self.scores_from(self.to_json()).items()}

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        """The reported numbers from summed fields (numbers, or arrays of resampled sums); NaN where undefined."""
        raise NotImplementedError


@dataclass(frozen=True)
class OverlapCounts(Counts):
    """Token overlap of a prediction with the gold: per-page P/R/F1 sums (macro) and pooled counts (micro)."""

    pages: int
    precision_sum: float
    recall_sum: float
    f1_sum: float
    overlap: int
    predicted: int
    gold: int

    VALUES = (
        Value("f1", "macro"),
        Value("precision", "macro"),
        Value("recall", "macro"),
        Value("micro_f1", "micro"),
        Value("micro_precision", "micro"),
        Value("micro_recall", "micro"),
    )

    @classmethod
    def page(cls, *, precision: float, recall: float, f1: float, overlap: int, predicted: int, gold: int) -> OverlapCounts:
        return cls(1, precision, recall, f1, overlap, predicted, gold)

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        pages = sums["pages"]
        return {
            "f1": ratio(sums["f1_sum"], pages),
            "precision": ratio(sums["precision_sum"], pages),
            "recall": ratio(sums["recall_sum"], pages),
            "micro_f1": ratio(2 * np.asarray(sums["overlap"], dtype=float), np.asarray(sums["predicted"]) + np.asarray(sums["gold"])),
            "micro_precision": ratio(sums["overlap"], sums["predicted"]),
            "micro_recall": ratio(sums["overlap"], sums["gold"]),
        }


@dataclass(frozen=True)
class AebCounts(Counts):
    """Zyte's AEB scorer: per-page shingle precision and recall (where defined) and exact matches."""

    pages: int
    exact: int
    precision_sum: float
    precision_pages: int
    recall_sum: float
    recall_pages: int

    VALUES = (
        Value("f1", "f1-of-means"),
        Value("precision", "macro"),
        Value("recall", "macro"),
        Value("accuracy", "macro"),
    )

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        precision = ratio(sums["precision_sum"], sums["precision_pages"])
        recall = ratio(sums["recall_sum"], sums["recall_pages"])
        return {
            "f1": f1_of(precision, recall),
            "precision": precision,
            "recall": recall,
            "accuracy": ratio(sums["exact"], sums["pages"]),
        }


@dataclass(frozen=True)
class SnippetCounts(Counts):
    """trafilatura's snippet scorer: `with` snippets found (tp) or missed (fn), `without` found (fp) or absent (tn)."""

    tp: int
    fn: int
    fp: int
    tn: int

    VALUES = (
        Value("f1", "micro"),
        Value("precision", "micro"),
        Value("recall", "micro"),
        Value("accuracy", "micro"),
    )

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        tp, fn, fp, tn = (np.asarray(sums[name], dtype=float) for name in ("tp", "fn", "fp", "tn"))
        return {
            "f1": ratio(2 * tp, 2 * tp + fp + fn),
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "accuracy": ratio(tp + tn, tp + fn + fp + tn),
        }


@dataclass(frozen=True)
class ShareCounts(Counts):
    """A share per page (leak, duplication): the sum of page shares (macro) and pooled part/whole (micro)."""

    pages: int
    share_sum: float
    part: int
    whole: int

    VALUES = (Value("value", "macro"), Value("micro", "micro"))

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        return {"value": ratio(sums["share_sum"], sums["pages"]), "micro": ratio(sums["part"], sums["whole"])}


def ratio(numerator: Number, denominator: Number) -> Number:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def f1_of(precision: Number, recall: Number) -> Number:
    total = precision + recall
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 2 * precision * recall / total, np.where(np.isnan(total), np.nan, 0.0))


def plain(value: Number) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


# --- metrics --------------------------------------------------------------------------------------

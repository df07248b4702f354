"""From per-page counts to reported numbers: point values, seeded bootstrap intervals, paired tests.

Every reported number is a function of summed per-page counts (`Counts.scores_from`: macro means are
sums of per-page numbers over the page count, micro means pooled counts). The point value sums the
pages exactly (`math.fsum`), so it does not depend on page order. The bootstrap draws one
(resamples x pages) index matrix from `numpy.random.default_rng(seed)`, turns it into a matrix of
page multiplicities and takes every resample's sums with one matrix product (numpy's einsum, so sums are
byte-identical whatever BLAS threading the machine has; on a large set, a block of resamples at a
time). Pages are put in page-id order first, so the intervals do not depend on the order they came in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from cleanbench.errors import MetricError
from cleanbench.results import Estimate

if TYPE_CHECKING:
    from cleanbench.score.metrics import Counts

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 12345
DEFAULT_MIN_PAGES = 5


@dataclass(frozen=True)
class Bootstrap:
    """Percentile bootstrap over pages: `resamples` draws with replacement, seeded."""

    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.resamples < 1:
            raise MetricError(f"bootstrap: resamples must be at least 1, got {self.resamples}")
        if not 0 < self.confidence < 1:
            raise MetricError(f"bootstrap: confidence must lie between 0 and 1, got {self.confidence}")

    def indices(self, pages: int) -> np.ndarray:
        """The (resamples x pages) matrix of drawn page indices."""
        return np.random.default_rng(self.seed).integers(0, pages, size=(self.resamples, pages))

    def weights(self, pages: int) -> np.ndarray:
        """How often each page is drawn in each resample: a (resamples x pages) float matrix."""
        return np.vstack(list(self.weight_blocks(pages)))

    def weight_blocks(self, pages: int) -> Iterator[np.ndarray]:
        """`weights` a block of resamples at a time (same draws), so memory stays bounded on large sets."""
        if self.resamples * pages <= _BLOCK_CELLS:
            yield from _cached_blocks(self.resamples, self.seed, pages)
        else:
            yield from _blocks(self.resamples, self.seed, pages)


_BLOCK_CELLS = 2_000_000  # resamples x pages per block: 16 MB of float64 weights


def _blocks(resamples: int, seed: int, pages: int) -> Iterator[np.ndarray]:
    """Consecutive draws from one generator: the same numbers as one (resamples x pages) draw."""
    generator = np.random.default_rng(seed)
    rows = max(1, _BLOCK_CELLS // pages)
    for start in range(0, resamples, rows):
        take = min(rows, resamples - start)
        drawn = generator.integers(0, pages, size=(take, pages))
        flat = (drawn + np.arange(take)[:, None] * pages).ravel()
        yield np.bincount(flat, minlength=take * pages).reshape(take, pages).astype(float)


@lru_cache(maxsize=6)
def _cached_blocks(resamples: int, seed: int, pages: int) -> tuple[np.ndarray, ...]:
    blocks = tuple(_blocks(resamples, seed, pages))
    for block in blocks:
        block.flags.writeable = False
    return blocks


@dataclass(frozen=True)
class Difference:
    """Paired bootstrap of a value of extractor a minus extractor b on the same pages."""

    estimate: Estimate
    tied: bool | None  # the interval contains 0; None when there is no estimate


def ordered(counts: Mapping[str, Counts]) -> list[Counts]:
    """Per-page counts in page-id order: the order every aggregate uses."""
    return [counts[page_id] for page_id in sorted(counts)]


def counts_matrix(counts: Mapping[str, Counts], counts_type: type[Counts]) -> np.ndarray:
    """A (pages x fields) float matrix of per-page counts, pages in id order."""
    names = counts_type.field_names()
    rows = [[getattr(page, name) for name in names] for page in ordered(counts)]
    return np.asarray(rows, dtype=float).reshape(len(rows), len(names))


def point_values(counts: Mapping[str, Counts], counts_type: type[Counts]) -> dict[str, float | None]:
    """The metric's values over these pages (None where undefined); exact sums, page order irrelevant."""
    names = counts_type.field_names()
    pages = ordered(counts)
    sums = {name: math.fsum(getattr(page, name) for page in pages) for name in names}
    return {key: _number(value) for key, value in counts_type.scores_from(sums).items()}


def resampled_values(counts: Mapping[str, Counts], counts_type: type[Counts], *, bootstrap: Bootstrap) -> dict[str, np.ndarray]:
    """Each value of the metric in every bootstrap resample (arrays of length `resamples`, NaN where undefined)."""
    matrix = counts_matrix(counts, counts_type)
    # einsum, not BLAS: the same sums in the same order whatever the machine's thread count
    sums = np.vstack([np.einsum("rp,pf->rf", block, matrix) for block in bootstrap.weight_blocks(matrix.shape[0])])
    names = counts_type.field_names()
    scores = counts_type.scores_from({name: sums[:, column] for column, name in enumerate(names)})
    return {key: np.asarray(value, dtype=float) for key, value in scores.items()}


def estimate(
    counts: Mapping[str, Counts],
    counts_type: type[Counts],
    *,
    bootstrap: Bootstrap,
    min_pages: int = 1,
) -> dict[str, Estimate]:
    """Every value of the metric with its percentile interval; no estimate under `min_pages` pages."""
    if len(counts) < max(min_pages, 1):
        return {value.name: Estimate(None) for value in counts_type.VALUES}
    points = point_values(counts, counts_type)
    samples = resampled_values(counts, counts_type, bootstrap=bootstrap)
    return {name: _interval(points[name], samples[name], bootstrap) for name in points}


def paired_difference(
    a: Mapping[str, Counts],
    b: Mapping[str, Counts],
    counts_type: type[Counts],
    *,
    value: str,
    bootstrap: Bootstrap,
    min_pages: int = 1,
) -> Difference:
    """`value` of a minus that of b over the pages both have counts for, resampled with the same draws."""
    if value not in {reported.name for reported in counts_type.VALUES}:
        raise MetricError(f"{counts_type.__name__} reports no value {value!r} (values: {', '.join(v.name for v in counts_type.VALUES)})")
    common = a.keys() & b.keys()
    if len(common) < max(min_pages, 1):
        return Difference(Estimate(None), None)
    mine = {page: a[page] for page in common}
    theirs = {page: b[page] for page in common}
    first, second = point_values(mine, counts_type)[value], point_values(theirs, counts_type)[value]
    point = None if first is None or second is None else first - second
    samples = resampled_values(mine, counts_type, bootstrap=bootstrap)[value] - resampled_values(theirs, counts_type, bootstrap=bootstrap)[value]
    interval = _interval(point, samples, bootstrap)
    tied = None if interval.low is None or interval.high is None else bool(interval.low <= 0.0 <= interval.high)
    return Difference(interval, tied)


def _interval(point: float | None, samples: np.ndarray, bootstrap: Bootstrap) -> Estimate:
    if point is None or np.isnan(samples).all():
        return Estimate(point)
    tail = (1.0 - bootstrap.confidence) / 2 * 100
    low, high = np.nanpercentile(samples, [tail, 100 - tail])
    return Estimate(point, float(low), float(high))


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number

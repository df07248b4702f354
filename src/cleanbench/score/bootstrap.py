"""The seeded bootstrap: which pages (or clusters of pages) each resample draws, as multiplicity matrices.

One (resamples x units) index matrix is drawn from `numpy.random.default_rng(seed)` and turned into a
matrix of multiplicities, a block of resamples at a time on a large set (the same numbers as one draw).
The units are pages, or clusters of pages (several derived pages from one source page, summed first:
see `aggregate.resampled_values`), so the resampling is over source pages, never over copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cleanbench.constants import DEFAULT_RESAMPLES, DEFAULT_SEED
from cleanbench.errors import MetricError


@dataclass(frozen=True)
class Bootstrap:
    """Percentile bootstrap over pages: `resamples` draws with replacement, seeded; `confidence` is the
    two-sided level of the intervals."""

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

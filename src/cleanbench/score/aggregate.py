"""From per-page counts to reported numbers: point values, seeded bootstrap intervals, paired tests.

Every reported number is a function of summed per-page counts (`Counts.scores_from`: macro means are
sums of per-page numbers over the page count, micro means pooled counts). The point value sums the
pages exactly (`math.fsum`), so it does not depend on page order. The bootstrap draws one
(resamples x pages) index matrix from `numpy.random.default_rng(seed)`, turns it into a matrix of
page multiplicities and takes every resample's sums with one matrix product (numpy's einsum, so sums are
byte-identical whatever BLAS threading the machine has; on a large set, a block of resamples at a
time). Pages are put in page-id order first, so the intervals do not depend on the order they came in.
With `clusters` (derived pages mapped to their source page), whole clusters are drawn, in cluster-id
order: K identical copies of each of N pages give exactly the N-page interval at the same seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from cleanbench.errors import MetricError
from cleanbench.results import Estimate
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts

Clusters = Mapping[str, str]  # page id -> its cluster (the source page it was derived from)

CLUSTER_MARK = "-cluster|"  # in a signature: the intervals resampled clusters of derived pages


def clusters_from_ids(page_ids: Iterable[str]) -> dict[str, str]:
    """Derived pages' clusters from their ids alone (`<source id>.<kind>`, `.clean` for the copy), for a
    saved result whose signature says it was clustered: each page to its source id."""
    return {page_id: page_id.rsplit(".", 1)[0] for page_id in page_ids if "." in page_id}


def is_clustered(signatures: Iterable[str | None]) -> bool:
    """Whether any of these signatures says whole clusters of derived pages were resampled."""
    return any(signature and CLUSTER_MARK in signature for signature in signatures)


def result_clusters(result: object, page_ids: Iterable[str]) -> dict[str, str] | None:
    """The clusters of a saved `RunResult`'s pages when its signatures say it was clustered, else None."""
    signatures = (scores.signature for row in getattr(result, "extractors", ()) for scores in row.metrics.values())
    return clusters_from_ids(page_ids) if is_clustered(signatures) else None


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


def resampled_values(
    counts: Mapping[str, Counts], counts_type: type[Counts], *, bootstrap: Bootstrap, clusters: Clusters | None = None
) -> dict[str, np.ndarray]:
    """Each value of the metric in every bootstrap resample (arrays of length `resamples`, NaN where undefined).

    With `clusters`, the pages of a cluster are summed first and whole clusters are drawn, in cluster-id order."""
    matrix = counts_matrix(counts, counts_type)
    if clusters is not None:
        labels = [clusters.get(page_id, page_id) for page_id in sorted(counts)]
        index = {label: position for position, label in enumerate(sorted(set(labels)))}
        summed = np.zeros((len(index), matrix.shape[1]))
        np.add.at(summed, np.array([index[label] for label in labels], dtype=np.int64), matrix)
        matrix = summed
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
    clusters: Clusters | None = None,
) -> dict[str, Estimate]:
    """Every value of the metric with its percentile interval; no estimate under `min_pages` pages."""
    if len(counts) < max(min_pages, 1):
        return {value.name: Estimate(None) for value in counts_type.VALUES}
    points = point_values(counts, counts_type)
    samples = resampled_values(counts, counts_type, bootstrap=bootstrap, clusters=clusters)
    return {name: _interval(points[name], samples[name], bootstrap) for name in points}


def paired_difference(
    a: Mapping[str, Counts],
    b: Mapping[str, Counts],
    counts_type: type[Counts],
    *,
    value: str,
    bootstrap: Bootstrap,
    min_pages: int = 1,
    clusters: Clusters | None = None,
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
    samples = (
        resampled_values(mine, counts_type, bootstrap=bootstrap, clusters=clusters)[value]
        - resampled_values(theirs, counts_type, bootstrap=bootstrap, clusters=clusters)[value]
    )
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

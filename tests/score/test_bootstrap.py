"""Aggregation (score/aggregate.py): seeded bootstrap intervals, order independence, paired differences."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cleanbench.errors import MetricError
from cleanbench.score.aggregate import (
    estimate,
    paired_difference,
    point_values,
    resampled_values,
)
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts, ShareCounts, SnippetCounts
from cleanbench.score.metrics import get_metric


def shares(values: list[float]) -> dict[str, Counts]:
    return {f"page-{i:03d}": ShareCounts(pages=1, share_sum=v, part=int(v * 10), whole=10) for i, v in enumerate(values)}


@pytest.fixture(scope="module")
def sample() -> dict[str, Counts]:
    rng = random.Random(7)
    return shares([rng.random() for _ in range(60)])


def test_same_seed_same_resamples(sample: dict[str, Counts]) -> None:
    metric = get_metric("duplication")
    first = resampled_values(sample, metric.counts_type, bootstrap=Bootstrap(seed=3))
    again = resampled_values(sample, metric.counts_type, bootstrap=Bootstrap(seed=3))
    other = resampled_values(sample, metric.counts_type, bootstrap=Bootstrap(seed=4))
    assert first["value"].tobytes() == again["value"].tobytes()
    assert first["value"].tobytes() != other["value"].tobytes()
    assert first["value"].shape == (1000,)


def test_page_order_does_not_matter(sample: dict[str, Counts]) -> None:
    metric = get_metric("duplication")
    shuffled_keys = list(sample)
    random.Random(1).shuffle(shuffled_keys)
    shuffled = {key: sample[key] for key in shuffled_keys}
    assert estimate(shuffled, metric.counts_type, bootstrap=Bootstrap()) == estimate(sample, metric.counts_type, bootstrap=Bootstrap())


def test_interval_brackets_the_mean(sample: dict[str, Counts]) -> None:
    found = estimate(sample, get_metric("duplication").counts_type, bootstrap=Bootstrap())["value"]
    mean = float(np.mean([c.share_sum for c in sample.values()]))  # type: ignore[attr-defined]
    assert found.value == pytest.approx(mean)
    assert found.low is not None and found.high is not None
    assert found.low < mean < found.high
    # 60 uniform shares: standard error about 0.29 / sqrt(60) = 0.037, so the 95 % interval is about +-0.07
    assert 0.1 < found.high - found.low < 0.2


def test_bootstrap_index_matrix_is_seeded_and_shaped() -> None:
    boot = Bootstrap(resamples=5, seed=12345)
    assert boot.indices(4).shape == (5, 4)
    assert np.array_equal(boot.indices(4), np.random.default_rng(12345).integers(0, 4, size=(5, 4)))
    assert boot.weights(4).sum(axis=1).tolist() == [4.0] * 5


def test_too_few_pages_give_no_estimate(sample: dict[str, Counts]) -> None:
    four = dict(list(sample.items())[:4])
    found = estimate(four, get_metric("duplication").counts_type, bootstrap=Bootstrap(), min_pages=5)
    assert all(value.value is None and value.low is None for value in found.values())
    assert estimate(four, get_metric("duplication").counts_type, bootstrap=Bootstrap(), min_pages=4)["value"].value is not None


def test_undefined_values_are_none() -> None:
    # No `with` snippet anywhere and nothing leaked: recall has no denominator.
    counts: dict[str, Counts] = {"p": SnippetCounts(tp=0, fn=0, fp=0, tn=3)}
    values = point_values(counts, get_metric("snippets").counts_type)
    assert values["recall"] is None and values["precision"] is None
    assert values["accuracy"] == 1.0


def test_paired_difference_ties_and_separates(sample: dict[str, Counts]) -> None:
    metric = get_metric("duplication")
    same = paired_difference(sample, sample, metric.counts_type, value="value", bootstrap=Bootstrap())
    assert same.estimate.value == 0.0 and same.tied is True
    worse = {key: ShareCounts(1, min(1.0, c.share_sum + 0.2), 0, 10) for key, c in sample.items()}  # type: ignore[attr-defined]
    apart = paired_difference(worse, sample, metric.counts_type, value="value", bootstrap=Bootstrap())
    assert apart.tied is False
    assert apart.estimate.low is not None and apart.estimate.low > 0
    # Paired: a small constant shift is detected although the two unpaired intervals overlap.
    shifted = {key: ShareCounts(1, c.share_sum + 0.01, 0, 10) for key, c in sample.items()}  # type: ignore[attr-defined]
    assert paired_difference(shifted, sample, metric.counts_type, value="value", bootstrap=Bootstrap()).tied is False


def test_paired_difference_names_an_unknown_value(sample: dict[str, Counts]) -> None:
    with pytest.raises(MetricError, match="no value 'f1'"):
        paired_difference(sample, sample, get_metric("duplication").counts_type, value="f1", bootstrap=Bootstrap())


@pytest.mark.parametrize(("field", "value"), [("resamples", 0), ("confidence", 1.5)])
def test_bootstrap_rejects_bad_settings(field: str, value: float) -> None:
    with pytest.raises(MetricError, match=field):
        Bootstrap(**{field: value})  # type: ignore[arg-type]


def test_blocks_of_resamples_give_the_same_numbers(sample: dict[str, Counts], monkeypatch: pytest.MonkeyPatch) -> None:
    import cleanbench.score.bootstrap as bootstrap

    metric = get_metric("duplication")
    whole = resampled_values(sample, metric.counts_type, bootstrap=Bootstrap(seed=8))["value"]
    monkeypatch.setattr(bootstrap, "_BLOCK_CELLS", 7 * len(sample))  # 7 resamples a block, uncached
    blocked = resampled_values(sample, metric.counts_type, bootstrap=Bootstrap(seed=8))["value"]
    assert blocked.tobytes() == whole.tobytes()
    assert np.array_equal(Bootstrap(seed=8).weights(len(sample)).sum(axis=1), np.full(1000, len(sample)))


@pytest.mark.parametrize("copies", [1, 3, 10])
def test_a_cluster_bootstrap_over_k_copies_equals_the_n_page_bootstrap(sample: dict[str, Counts], copies: int) -> None:
    # issue 13: several derived pages come from one source page; resampling the copies as if they were
    # independent pages would narrow the interval. Drawing whole clusters (source pages) gives, for K
    # identical copies of each of N pages, exactly the N-page interval at the same seed.
    metric = get_metric("duplication").counts_type
    copied = {f"{page}.copy{k}": counts for page, counts in sample.items() for k in range(copies)}
    clusters = {f"{page}.copy{k}": page for page in sample for k in range(copies)}
    alone = estimate(sample, metric, bootstrap=Bootstrap(seed=5))
    clustered = estimate(copied, metric, bootstrap=Bootstrap(seed=5), clusters=clusters)
    for name, found in clustered.items():  # K-fold sums divide back to the same shares, to float rounding
        assert (found.value, found.low, found.high) == pytest.approx((alone[name].value, alone[name].low, alone[name].high), rel=1e-12)
    if copies > 1:  # the naive bootstrap over copies is narrower: the error the clusters prevent
        naive = estimate(copied, metric, bootstrap=Bootstrap(seed=5))["value"]
        assert naive.high - naive.low < alone["value"].high - alone["value"].low

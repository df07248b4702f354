"""The metrics (DESIGN.md "Metrics (exact)"), by name: pure functions of (prediction text, GoldPage) to counts.

`get_metric(name)` builds one (`leak:<label>` for each noise label); `expand_metrics(names)` is the
one expansion every command uses: names in order, without repeats, `leak:*` standing for each metric
that says it belongs to it (every `leak:<label>` but `leak:duplicate`, which may still be named alone).
Each metric declares its own defaults (see `base.Metric`); `default_metrics()` and `main_key()` read them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from cleanbench.constants import SCORE_METRICS
from cleanbench.errors import MetricError
from cleanbench.gold.schema import NOISE_LABELS
from cleanbench.score.metrics.base import Metric
from cleanbench.score.metrics.clutter import DuplicationMetric, LeakMetric
from cleanbench.score.metrics.retention import (
    AebMetric,
    RougeLsumMetric,
    SnippetsMetric,
    WcxbMetric,
    WordsMetric,
    fold_snippet_whitespace,
)
from cleanbench.score.signature import MetricKey

__all__ = ["LEAK_ALL", "METRIC_NAMES", "Metric", "MetricKey", "all_metrics", "expand_metrics", "fold_snippet_whitespace", "get_metric", "main_key"]

_METRICS: dict[str, type[Metric]] = {
    cls.name: cls for cls in (WordsMetric, AebMetric, WcxbMetric, SnippetsMetric, RougeLsumMetric, DuplicationMetric)
}
METRIC_NAMES: tuple[str, ...] = (*_METRICS, *(f"leak:{label}" for label in NOISE_LABELS))
LEAK_ALL = "leak:*"
SCORE_DEFAULTS = SCORE_METRICS


def get_metric(name: str) -> Metric:
    """The metric registered under `name` (`leak:<label>` for each noise label); did-you-mean errors."""
    if name in _METRICS:
        return _METRICS[name]()
    prefix, _, label = name.partition(":")
    if prefix == "leak" and label in NOISE_LABELS:
        return LeakMetric(label)
    close = difflib.get_close_matches(name, [*METRIC_NAMES, LEAK_ALL], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise MetricError(f"unknown metric {name!r} (metrics: {', '.join(_METRICS)}, leak:<label>, {LEAK_ALL}){hint}")


def all_metrics() -> list[Metric]:
    """Every metric there is, in registry order (each leak label once)."""
    return [get_metric(name) for name in METRIC_NAMES]


def expand_metrics(names: Iterable[str]) -> list[Metric]:
    """Metrics by name, in order, without repeats; `leak:*` stands for every metric whose `wildcard` is set."""
    seen: dict[str, Metric] = {}
    for name in names:
        found = [metric for metric in all_metrics() if metric.wildcard] if name == LEAK_ALL else [get_metric(name)]
        for metric in found:
            seen.setdefault(metric.name, metric)
    if not seen:
        raise MetricError("no metric given")
    return list(seen.values())


def default_metrics() -> list[Metric]:
    """The metrics `run` tries when none are named (each kept where some page has what it needs)."""
    return [metric for metric in all_metrics() if metric.default]


def main_key(metrics: Sequence[Metric]) -> MetricKey:
    """What a leaderboard sorts by: the headline of the first retention metric, else of the first metric."""
    heading = next((metric for metric in metrics if metric.retention), metrics[0])
    return heading.key()

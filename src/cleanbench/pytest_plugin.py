"""pytest plugin (entry point `pytest11`): gate your own extractor inside your own test suite.

    def test_my_extractor_holds_its_floors(cleanbench_gate):
        cleanbench_gate(["mypkg.extract:MyExtractor"], floors={"words.f1": 0.80, "leak:ad.value": 0.25})

The fixture runs the extractors on a gold set (the bundled one by default), scores them, and fails the
test with the same one-line-per-bound messages as `cleanbench check`. Floors apply to higher-is-better
keys and ceilings to lower-is-better ones (the metric decides); `baseline=` checks a baseline file instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from cleanbench.results import RunResult


class Gate:
    """Callable behind the `cleanbench_gate` fixture."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir

    def __call__(
        self,
        extractors: Sequence[str],
        *,
        gold: str = "fixtures",
        floors: Mapping[str, float] | None = None,
        baseline: str | Path | None = None,
        metrics: Sequence[str] | None = None,
        epsilon: float | None = None,
        workers: int | None = 1,
    ) -> RunResult:
        """Run, score and check; returns the `RunResult` when every bound holds, else fails the test."""
        from cleanbench.baseline import (
            Baseline,
            PinnedExtractor,
            higher_is_better,
            load_baseline,
        )
        from cleanbench.benchmark import benchmark
        from cleanbench.check import check_result
        from cleanbench.gold.load import load_gold

        if (floors is None) == (baseline is None):
            raise pytest.UsageError("cleanbench_gate: give exactly one of floors= or baseline=")
        gold_set = load_gold(gold)
        result = benchmark(gold_set, list(extractors), metrics=metrics, out=self._workdir, workers=workers)
        if baseline is not None:
            pinned = load_baseline(Path(baseline))
        else:
            rows = {}
            for row in result.extractors:
                if not row.installed:
                    pytest.fail(f"cleanbench_gate: {row.reason}", pytrace=False)
                unscored = [key for key in floors if key != "failures" and row.value(key) is None]
                if unscored:
                    raise pytest.UsageError(f"cleanbench_gate: {unscored[0]!r} is not a key this run scored (e.g. words.f1, leak:ad.value)")
                lower = {key: bound for key, bound in floors.items() if not higher_is_better(row, key)}
                higher = {key: bound for key, bound in floors.items() if key not in lower}
                rows[row.name] = PinnedExtractor(version=row.version, signature=row.signature, floors=higher, ceilings=lower)
            pinned = Baseline(gold_name=result.gold.name, gold_digest=result.gold.digest, extractors=rows)
        report = check_result(result, pinned, epsilon=epsilon)
        if not report.ok:
            pytest.fail("\n".join(report.failures), pytrace=False)
        return result


@pytest.fixture
def cleanbench_gate(tmp_path: Path) -> Gate:
    """Run extractors on a gold set and fail the test when a floor (or ceiling) does not hold."""
    return Gate(tmp_path / "cleanbench-run")

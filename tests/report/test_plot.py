"""Plots: three non-empty PNGs, byte-identical across renders; a clear error without matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cleanbench.errors import ReportError
from cleanbench.report.plot import write_plots
from cleanbench.results import RunResult

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.extras  # matplotlib: the `plots` extra
def test_three_pngs_with_stable_bytes(tmp_path: Path, run_result: RunResult) -> None:
    first = write_plots(run_result, out_dir=tmp_path / "a")
    second = write_plots(run_result, out_dir=tmp_path / "b")
    assert [path.name for path in first] == ["precision-recall.png", "leak-heatmap.png", "by-page-type.png"]
    for one, two in zip(first, second, strict=True):
        data = one.read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000
        assert data == two.read_bytes(), one.name
        assert b"Software" not in data and b"matplotlib" not in data.lower()


def test_missing_matplotlib_says_what_to_install(tmp_path: Path, run_result: RunResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ReportError, match=r"pip install 'cleanbench\[plots\]'"):
        write_plots(run_result, out_dir=tmp_path)

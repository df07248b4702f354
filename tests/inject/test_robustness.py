"""`cleanbench robustness` on a run over a derived set, and the cluster bootstrap in `compare` and `check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import load_gold
from cleanbench.inject.write import inject
from cleanbench.results import load_result
from cleanbench.robustness import robustness, split_id
from cleanbench.score.aggregate import result_clusters


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("robust")
    gold = load_gold("fixtures")
    few = gold.select(gold.ids()[:6], name="six")
    inject(few, folder / "derived", kinds=("duplicate", "cookie", "ad"), seed=0)
    argv = ["run", "--gold", str(folder / "derived"), "-e", "everything", "-e", "nothing", "--out", str(folder / "run"),
            "--no-progress", "--workers", "1"]
    assert main(argv) == 0
    return folder / "run"


def test_split_id() -> None:
    assert split_id("news-en-01.clean") == ("news-en-01", "clean")
    assert split_id("a.b.ad") == ("a.b", "ad")
    assert split_id("a.ad-glued") == ("a", "ad")
    assert split_id("news-en-01") is None and split_id("a.print") is None


def test_run_on_a_derived_set_is_clustered(run: Path) -> None:
    result = load_result(run)
    assert "ci:boot1000-cluster|" in result.extractor("everything").metrics["words"].signature
    assert result_clusters(result, ["p.clean", "p.ad"]) == {"p.clean": "p", "p.ad": "p"}


def test_robustness_cells(run: Path) -> None:
    report = robustness(run)
    assert report.kinds == ("duplicate", "ad", "cookie")
    everything = report.cell("everything", "cookie")
    assert everything is not None and everything.pages == 6 and everything.leak_metric == "leak:cookie"
    assert everything.leak.value >= 0.9 and everything.difference.value < 0
    assert report.cell("everything", "duplicate").leak_metric == "duplication"
    assert report.cell("nothing", "ad").difference.value == 0
    assert "-cluster" in report.signature


def test_robustness_command_prints_a_table_and_writes_a_heatmap(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "heat.png"
    assert main(["robustness", str(run), "--png", str(png)]) == 0
    out = capsys.readouterr().out
    assert "| everything | cookie | 6 |" in out and "Worst kind per extractor" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_robustness_of_a_plain_run_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--gold", "fixtures", "-e", "nothing", "--out", str(tmp_path / "plain"), "--no-progress", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["robustness", str(tmp_path / "plain")]) == 2
    assert "not a run on a derived gold set" in capsys.readouterr().err


def test_compare_on_a_derived_run_uses_clusters(run: Path) -> None:
    from cleanbench.compare import compare_runs

    changes = compare_runs(run, run).changes
    assert changes and all(change.difference.value == 0 for change in changes)


def test_robustness_by_variant(tmp_path: Path) -> None:
    gold = load_gold("fixtures")
    inject(gold.select(gold.ids()[:4], name="four"), tmp_path / "derived", kinds=("duplicate",), seed=0, all_variants=True)
    argv = ["run", "--gold", str(tmp_path / "derived"), "-e", "everything", "--out", str(tmp_path / "run"), "--no-progress", "--workers", "1"]
    assert main(argv) == 0
    report = robustness(tmp_path / "run", by_variant=True)
    assert report.kinds == tuple(f"duplicate-{v}" for v in ("amp", "continue", "jsonld", "noscript", "print", "reader"))
    assert {cell.leak_metric for cell in report.cells} == {"duplication"}
    hidden, shown = report.cell("everything", "duplicate-jsonld"), report.cell("everything", "duplicate-print")
    assert hidden.difference.value == pytest.approx(0) and shown.leak.value > hidden.leak.value
    assert robustness(tmp_path / "run").kinds == ("duplicate",)


def test_the_html_report_of_a_derived_run_has_the_robustness_table(run: Path, tmp_path: Path) -> None:
    # Issue 13: the robustness cells "in the HTML report" too, the same numbers as the command's table.
    assert main(["report", str(run), "--html", str(tmp_path / "html")]) == 0
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "<h2>Robustness to injected clutter</h2>" in index
    cookie = robustness(run).cell("everything", "cookie")
    assert f"{cookie.difference.value:+.3f} [{cookie.difference.low:+.3f}, {cookie.difference.high:+.3f}]" in index
    assert f"leak {cookie.leak.value:.3f}" in index


def test_the_html_report_of_a_plain_run_has_no_robustness_table(tmp_path: Path) -> None:
    argv = ["run", "--gold", "fixtures", "-e", "nothing", "--out", str(tmp_path / "run"), "--no-progress", "--workers", "1"]
    assert main(argv) == 0
    assert main(["report", str(tmp_path / "run"), "--html", str(tmp_path / "html")]) == 0
    assert "Robustness to injected clutter" not in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")

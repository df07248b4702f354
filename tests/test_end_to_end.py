"""`cleanbench run`, `report`, `compare` and `check` together on the bundled set, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import load_gold
from cleanbench.results import load_result, page_records

# The baselines need no third-party library, so these runs are fast and fully deterministic.
BASELINES = ["-e", "gold", "-e", "everything", "-e", "nothing"]
FULL = "helpers.variants:FullCopy"
PAGES = len(load_gold("fixtures"))
DROPS = "helpers.variants:DropsParagraphs"


def _run(out: Path, *extractors: str, fmt: str = "github") -> None:
    args = ["run", "--gold", "fixtures", "--out", str(out), "--no-cache", "--workers", "1", "--format", fmt]
    for extractor in extractors:
        args += ["-e", extractor]
    assert main(args) == 0


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("runs")
    paths = {"full": base / "full", "drops": base / "drops"}
    _run(paths["full"], FULL, "gold", "everything", "nothing")
    _run(paths["drops"], DROPS, "gold", "everything", "nothing")
    return paths


def test_run_writes_result_and_page_records(runs: dict[str, Path]) -> None:
    result = load_result(runs["full"])
    assert result.gold.name == "fixtures" and result.gold.pages == PAGES
    assert [row.name for row in result.extractors] == ["variant", "gold", "everything", "nothing"]
    records = list(page_records(runs["full"]))
    assert len(records) == 4 * PAGES
    assert (runs["full"] / "predictions.jsonl").is_file()


def test_bounds_score_as_they_must(runs: dict[str, Path]) -> None:
    result = load_result(runs["full"])
    gold, nothing = result.extractor("gold"), result.extractor("nothing")
    for key in ("words.f1", "words.precision", "words.recall", "snippets.f1"):
        assert gold.value(key) == 1.0, key
        assert nothing.value(key) == 0.0, key
    for key, scores in gold.metrics.items():
        if not scores.higher_is_better:  # every leak and the duplication
            assert {estimate.value for estimate in scores.values.values()} == {0.0}, key
    assert nothing.failures == {"empty": PAGES}


def test_everything_leaks_every_label_completely(runs: dict[str, Path]) -> None:
    # All visible text holds every clutter 3-gram, but where an ad is glued to a body line with no white
    # space ("...GET TICKETSUntil the ..."): there the ad's last word and the body's first are one token,
    # and the ad's last 3-gram is not in the output. Only the ad label has glued spans.
    everything = load_result(runs["full"]).extractor("everything")
    leaks = {key: everything.value(f"{key}.value") for key in everything.metrics if key.startswith("leak:")}
    assert leaks and {key for key, value in leaks.items() if value != 1.0} == {"leak:ad"}
    assert leaks["leak:ad"] > 0.99


def test_run_prints_the_leaderboard_with_its_signature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path / "r", *BASELINES[1::2])
    out = capsys.readouterr().out
    assert "| bound | gold" in out
    assert "metric:words.f1|tok:unicode|case:fold|agg:macro|ci:boot1000|conf:0.95|seed:12345|v:" in out


def test_results_do_not_depend_on_workers(tmp_path: Path) -> None:
    for workers in ("1", "2"):
        args = ["run", "--out", str(tmp_path / workers), "--no-cache", "--workers", workers, "-e", "everything", "-e", "gold"]
        assert main(args) == 0
    def untimed(folder: Path) -> list[str]:
        return sorted(json.dumps({**record, "seconds": None}, sort_keys=True) for record in page_records(folder))

    assert untimed(tmp_path / "1") == untimed(tmp_path / "2")


def test_report_rerenders_without_running(runs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(runs["full"]), "--format", "json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board


@pytest.mark.extras  # matplotlib: the `plots` extra
def test_report_writes_html_and_plots(runs: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    assert main(["report", str(runs["full"]), "--html", str(tmp_path / "html"), "--plots", str(tmp_path / "plots")]) == 0
    assert (tmp_path / "html" / "index.html").is_file()
    assert len(list((tmp_path / "plots").glob("*.png"))) == 3


def test_compare_names_the_changed_extractor_and_its_pages(runs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(runs["full"]), str(runs["drops"]), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [change["extractor"] for change in report["signature_changes"]] == ["variant"]
    moved = [c for c in report["changes"] if c["pages_changed"]]
    assert {c["extractor"] for c in moved} == {"variant"}
    words = next(c for c in moved if c["key"] == "words.f1")
    assert words["significant"] and words["difference"]["value"] < 0
    assert all(page["page_id"].startswith("news-") for page in words["top_pages"])


def test_gate_catches_a_seeded_regression(runs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(runs["full"]), "--baseline", str(baseline), "--update"]) == 0
    assert main(["check", str(runs["full"]), "--baseline", str(baseline)]) == 0
    capsys.readouterr()
    # The regressed variant has other options, so its signature differs: allowed, and the floors still bite.
    assert main(["check", str(runs["drops"]), "--baseline", str(baseline), "--allow-version-change"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("variant words.f1: ") and "< floor" in line for line in lines)
    assert not any(line.startswith(("gold ", "everything ", "nothing ")) for line in lines)


def test_pytest_plugin_fails_a_test_below_its_floor(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_full_copy_holds(cleanbench_gate):
            cleanbench_gate(["{FULL}"], floors={{"words.f1": 0.99, "leak:ad.value": 0.0}})

        def test_dropping_paragraphs_fails(cleanbench_gate):
            cleanbench_gate(["{DROPS}"], floors={{"words.f1": 0.99}})
        """
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, failed=1)
    outcome.stdout.fnmatch_lines(["*variant words.f1: 0.9* < floor 0.9900 (epsilon 0.0005)*"])


def test_two_runs_started_in_the_same_second_get_their_own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 10: two `run`s started in the same second without --out shared runs/<gold>-<timestamp>/, and
    # one leaderboard was silently lost.
    import datetime as real

    import cleanbench.benchmark as benchmark_module

    class Frozen(real.datetime):
        @classmethod
        def now(cls, tz: real.tzinfo | None = None) -> Frozen:
            return cls(2026, 12, 2, 12, 0, 0)

    monkeypatch.setattr(benchmark_module, "datetime", Frozen)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert main(["run", "-e", "nothing", "--no-cache", "--workers", "1"]) == 0
    folders = sorted(path.name for path in (tmp_path / "runs").iterdir())
    assert folders == ["fixtures-20261202-120000", "fixtures-20261202-120000-2"]
    assert all((tmp_path / "runs" / name / "result.json").is_file() for name in folders)


def test_a_run_into_a_folder_keeps_its_earlier_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 10: `run` into an existing --out with fewer extractors rewrote result.json without the others.
    out = tmp_path / "out"
    _run(out, "nothing", "everything")
    capsys.readouterr()
    _run(out, "nothing")
    err = capsys.readouterr().err
    result = load_result(out)
    assert [row.name for row in result.extractors] == ["nothing", "everything"]
    assert result.extractor("everything").provenance.earlier
    assert result.extractor("nothing").provenance.resumed == PAGES
    assert "rows from an earlier run in this output folder: everything" in err


@pytest.mark.extras  # html-text: the `all` extra
def test_ranked_rows_are_compared_with_their_rank_leader(tmp_path: Path) -> None:
    # The leaderboard's ties come from paired comparisons made when the run is assembled: two ranked
    # rows (not bounds) must give one comparison on the main metric.
    _run(tmp_path / "out", FULL, "html-text")
    result = load_result(tmp_path / "out")
    (comparison,) = result.comparisons
    assert (comparison.a, comparison.key) == (result.extractors[0].name, "words.f1")
    assert comparison.tied is not None

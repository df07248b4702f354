"""The regression gate: `cleanbench check` against a baseline, and `check --update`.

Results are built synthetically (`make_result`), saved with `save_result` and read back through the CLI,
so every test goes through the same path as a CI job. Numbers are chosen by hand for each case.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from cleanbench.baseline import (
    Baseline,
    PinnedExtractor,
    baseline_from_json,
    default_keys,
    load_baseline,
    save_baseline,
    update_baseline,
)
from cleanbench.check import check_result
from cleanbench.cli import main
from cleanbench.errors import BaselineRegressionError, ResultError
from cleanbench.results import (
    Estimate,
    ExtractorResult,
    GoldInfo,
    MetricScores,
    RunResult,
    save_result,
)

DIGEST = "a" * 64
OTHER_DIGEST = "b" * 64
Gate = Callable[..., tuple[int, list[str], str]]
TRAFILATURA = {"words.f1": 0.8830, "words.precision": 0.9012, "words.recall": 0.8701, "leak:ad.value": 0.15, "duplication.value": 0.0012}


def _metrics(values: Mapping[str, float]) -> dict[str, MetricScores]:
    grouped: dict[str, dict[str, Estimate]] = {}
    for key, value in values.items():
        metric, _, name = key.rpartition(".")
        grouped.setdefault(metric, {})[name] = Estimate(value)
    return {
        metric: MetricScores(
            metric=metric,
            higher_is_better=not (metric == "duplication" or metric.startswith("leak:")),
            signature=f"metric:{metric}|v:test",
            values=numbers,
            pages=10,
        )
        for metric, numbers in grouped.items()
    }


def make_row(
    name: str = "trafilatura",
    values: Mapping[str, float] = TRAFILATURA,
    *,
    version: str | None = "2.0.0",
    options: str = "{}",
    failures: Mapping[str, int] | None = None,
    installed: bool = True,
) -> ExtractorResult:
    return ExtractorResult(
        name=name,
        signature=f"{name}@{version}{options}",
        version=version,
        options={},
        installed=installed,
        reason=None if installed else f"{name}: not installed ({name}); pip install 'cleanbench[all]'",
        metrics=_metrics(values) if installed else {},
        failures=dict(failures or {}),
    )


def make_result(*rows: ExtractorResult, digest: str = DIGEST) -> RunResult:
    return RunResult(
        gold=GoldInfo(name="fixtures", spec="fixtures", digest=digest, pages=10),
        extractors=rows or (make_row(),),
        main_metric="words.f1",
        seed=12345,
        resamples=1000,
        cleanbench_version="0.1.0",
        created="2026-01-01T00:00:00Z",
        platform="test",
        python="3.11",
    )


def make_baseline(floors: Mapping[str, float] | None = None, ceilings: Mapping[str, float] | None = None, **extra: object) -> Baseline:
    pinned = PinnedExtractor(
        version="2.0.0",
        signature="trafilatura@2.0.0{}",
        floors={"words.f1": 0.8830} if floors is None else floors,
        ceilings={"leak:ad.value": 0.15} if ceilings is None else ceilings,
    )
    return Baseline(gold_name="fixtures", gold_digest=DIGEST, extractors={"trafilatura": pinned}, **extra)  # type: ignore[arg-type]


@pytest.fixture
def gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gate:
    """Save a result and a baseline, run `cleanbench check` on them; returns (exit code, stdout lines, stderr)."""

    def run(result: RunResult, baseline: Baseline | None, *options: str) -> tuple[int, list[str], str]:
        save_result(result, tmp_path / "run")
        if baseline is not None:
            save_baseline(baseline, tmp_path / "baseline.json")
        capsys.readouterr()
        code = main(["check", str(tmp_path / "run"), "--baseline", str(tmp_path / "baseline.json"), *options])
        out, err = capsys.readouterr()
        return code, out.splitlines(), err

    return run


# --- check ----------------------------------------------------------------------------------------


def test_passing_result_exits_0(gate: Gate) -> None:
    code, out, err = gate(make_result(), make_baseline())
    assert (code, err) == (0, "")
    assert out == ["check: ok: 2 bounds hold on fixtures (epsilon 0.0005)"]


def test_failing_floor_exits_1_with_one_line(gate: Gate) -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.8712}))
    code, out, _ = gate(result, make_baseline())
    assert code == 1
    assert out[0] == "trafilatura words.f1: 0.8712 < floor 0.8830 (epsilon 0.0005)"
    assert out[-1].startswith("check: FAILED: 1 failures")


def test_leak_ceiling(gate: Gate) -> None:
    result = make_result(make_row(values={**TRAFILATURA, "leak:ad.value": 0.21}))
    code, out, _ = gate(result, make_baseline())
    assert code == 1
    assert out[0] == "trafilatura leak:ad.value: 0.2100 > ceiling 0.1500 (epsilon 0.0005)"


def test_failures_ceiling_counts_non_ok_pages(gate: Gate) -> None:
    result = make_result(make_row(failures={"timeout": 1, "error": 1}))
    code, out, _ = gate(result, make_baseline(ceilings={"failures": 0}))
    assert code == 1
    assert out[0] == "trafilatura failures: 2 > ceiling 0 (epsilon 0.0005)"


@pytest.mark.parametrize(
    ("key", "measured", "options", "passes"),
    [
        ("words.f1", 0.8825, (), True),  # exactly floor - epsilon
        ("words.f1", 0.88249, (), False),  # 1e-5 below that
        ("words.f1", 0.8830, (), True),
        ("words.f1", 0.8829, ("--epsilon", "0"), False),
        ("words.f1", 0.8820, ("--epsilon", "0.001"), True),
        ("leak:ad.value", 0.1505, (), True),  # exactly ceiling + epsilon
        ("leak:ad.value", 0.15051, (), False),
    ],
)
def test_epsilon_edge(gate: Gate, key: str, measured: float, options: tuple[str, ...], passes: bool) -> None:
    code, _, _ = gate(make_result(make_row(values={**TRAFILATURA, key: measured})), make_baseline(), *options)
    assert code == (0 if passes else 1)


def test_baseline_epsilon_is_the_default(gate: Gate) -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.8820}))
    code, out, _ = gate(result, make_baseline(epsilon=0.002))
    assert code == 0
    assert out == ["check: ok: 2 bounds hold on fixtures (epsilon 0.002)"]


def test_gold_digest_mismatch_always_fails(gate: Gate) -> None:
    code, out, _ = gate(make_result(digest=OTHER_DIGEST), make_baseline(), "--allow-version-change")
    assert code == 1
    assert out[0] == "gold digest changed: baseline aaaaaaaaaaaa… result bbbbbbbbbbbb…: the gold set is not the one the floors were set on"


def test_version_change_fails_unless_allowed(gate: Gate) -> None:
    result = make_result(make_row(version="2.1.0"))
    code, out, _ = gate(result, make_baseline())
    assert code == 1
    assert out[0] == "trafilatura version changed: baseline 2.0.0 result 2.1.0: pass --allow-version-change, or re-pin with --update"
    code, out, _ = gate(result, make_baseline(), "--allow-version-change")
    assert code == 0
    assert out[0] == "note: trafilatura version changed: baseline 2.0.0 result 2.1.0 (allowed)"


def test_signature_change_with_same_version_fails(gate: Gate) -> None:
    code, out, _ = gate(make_result(make_row(options='{"favor_recall":true}')), make_baseline())
    assert code == 1
    assert out[0] == (
        'trafilatura signature changed: baseline trafilatura@2.0.0{} result trafilatura@2.0.0{"favor_recall":true}: '
        "pass --allow-version-change, or re-pin with --update"
    )


def test_extractor_missing_from_result(gate: Gate) -> None:
    code, out, _ = gate(make_result(make_row("justext")), make_baseline())
    assert code == 1
    assert out[0] == "trafilatura: pinned in the baseline (2 bounds) but not in the result: run it with -e trafilatura"
    assert out[1] == "note: justext: not in the baseline, nothing checked (--update pins it)"


def test_extractor_not_installed(gate: Gate) -> None:
    code, out, _ = gate(make_result(make_row(installed=False)), make_baseline())
    assert code == 1
    assert out[0] == (
        "trafilatura: not installed in this run (trafilatura: not installed (trafilatura); pip install 'cleanbench[all]'): "
        "2 pinned bounds unchecked"
    )


def test_unmeasured_key_fails(gate: Gate) -> None:
    values = {key: value for key, value in TRAFILATURA.items() if key != "leak:ad.value"}
    code, out, _ = gate(make_result(make_row(values=values)), make_baseline())
    assert code == 1
    assert out[0] == "trafilatura leak:ad.value: not measured in this result (ceiling 0.1500)"


def test_every_failure_is_listed() -> None:
    result = make_result(make_row(version="3.0", values={**TRAFILATURA, "words.f1": 0.5, "leak:ad.value": 0.9}), digest=OTHER_DIGEST)
    report = check_result(result, make_baseline())
    assert not report.ok
    assert [line.split(": ")[0] for line in report.failures] == [
        "gold digest changed",
        "trafilatura version changed",
        "trafilatura words.f1",
        "trafilatura leak:ad.value",
    ]
    assert report.checked == 2


# --- update ---------------------------------------------------------------------------------------


def test_update_writes_bounds_the_same_result_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = {**TRAFILATURA, "words.f1": 0.88297, "leak:ad.value": 0.12341}
    rows = (make_row(values=values), make_row("nothing", {"words.f1": 0.0, "words.precision": 0.0, "words.recall": 0.0}, failures={"empty": 10}))
    save_result(make_result(*rows), tmp_path / "run")
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(tmp_path / "run"), "--baseline", str(baseline), "--update"]) == 0
    assert capsys.readouterr().out == f"check: wrote {baseline}: 10 bounds on 2 extractors, gold fixtures (epsilon 0.0005) (no per-page records beside the result: --significant cannot use it)\n"
    pinned = load_baseline(baseline).extractors
    assert pinned["trafilatura"].floors == {"words.f1": 0.8829, "words.precision": 0.9012, "words.recall": 0.8701}
    assert pinned["trafilatura"].ceilings == {"leak:ad.value": 0.1235, "duplication.value": 0.0012, "failures": 0}
    assert pinned["nothing"].ceilings == {"failures": 10}
    assert main(["check", str(tmp_path / "run"), "--baseline", str(baseline), "--epsilon", "0"]) == 0


@pytest.mark.parametrize(
    ("measured", "floor", "ceiling"),
    [
        (0.883, 0.883, 0.883),  # 0.883 * 10000 is 8829.999... in floats: rounding must go through the decimal
        (0.88297, 0.8829, 0.883),
        (0.00001, 0.0, 0.0001),
        (1.0, 1.0, 1.0),
    ],
)
def test_update_rounds_floors_down_and_ceilings_up(measured: float, floor: float, ceiling: float) -> None:
    result = make_result(make_row(values={"words.f1": measured, "leak:ad.value": measured}))
    pinned = update_baseline(result).extractors["trafilatura"]
    assert pinned.floors == {"words.f1": floor}
    assert pinned.ceilings == {"leak:ad.value": ceiling, "failures": 0}


def test_default_keys() -> None:
    result = make_result(make_row(values={**TRAFILATURA, "snippets.f1": 0.7, "leak:nav.value": 0.1}))
    assert default_keys(result, result.extractors[0]) == [
        "words.f1",
        "words.precision",
        "words.recall",
        "duplication.value",
        "leak:ad.value",
        "leak:nav.value",
        "failures",
    ]


def test_update_refuses_to_lower_a_floor(gate: Gate, tmp_path: Path) -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.85, "leak:ad.value": 0.2}))
    code, out, _ = gate(result, make_baseline(), "--update")
    assert code == 1
    assert out[:2] == ["trafilatura words.f1: floor 0.8830 would drop to 0.8500", "trafilatura leak:ad.value: ceiling 0.1500 would rise to 0.2000"]
    assert load_baseline(tmp_path / "baseline.json") == make_baseline()
    code, _, _ = gate(result, make_baseline(), "--update", "--allow-regression")
    assert code == 0
    pinned = load_baseline(tmp_path / "baseline.json").extractors["trafilatura"]
    assert (pinned.floors["words.f1"], pinned.ceilings["leak:ad.value"]) == (0.85, 0.2)


def test_update_refusal_names_each_bound() -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.85}))
    with pytest.raises(BaselineRegressionError) as error:
        update_baseline(result, baseline=make_baseline())
    assert error.value.lines == ("trafilatura words.f1: floor 0.8830 would drop to 0.8500",)


def test_update_raises_floors_and_keeps_old_within_epsilon() -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.88291, "words.recall": 0.95}))
    baseline = make_baseline(floors={"words.f1": 0.8830, "words.recall": 0.9})
    pinned = update_baseline(result, baseline=baseline).extractors["trafilatura"]
    assert pinned.floors["words.f1"] == 0.8830  # 0.88291 is within epsilon of the old floor: kept
    assert pinned.floors["words.recall"] == 0.95  # raised


def test_update_keeps_extractors_the_result_did_not_run() -> None:
    justext = PinnedExtractor(version="3.0", signature="justext@3.0{}", floors={"words.f1": 0.7})
    baseline = Baseline(gold_name="fixtures", gold_digest=DIGEST, extractors={"justext": justext})
    updated = update_baseline(make_result(make_row(), make_row("goose3", installed=False)), baseline=baseline)
    assert sorted(updated.extractors) == ["justext", "trafilatura"]
    assert updated.extractors["justext"] == justext


def test_update_with_keys_pins_only_those(gate: Gate, tmp_path: Path) -> None:
    code, _, _ = gate(make_result(), None, "--update", "--key", "words.f1", "--key", "failures")
    assert code == 0
    pinned = load_baseline(tmp_path / "baseline.json").extractors["trafilatura"]
    assert (pinned.floors, pinned.ceilings) == ({"words.f1": 0.883}, {"failures": 0})


def test_update_with_an_unmeasured_key_is_an_input_error(gate: Gate) -> None:
    code, out, err = gate(make_result(), None, "--update", "--key", "words.f2")
    assert (code, out) == (2, [])
    assert err == "cleanbench: error: no extractor in the result measured 'words.f2' (keys look like words.f1, leak:ad.value, failures)\n"


def test_update_on_another_gold_set_needs_allow_regression() -> None:
    result = make_result(make_row(values={**TRAFILATURA, "words.f1": 0.5}), digest=OTHER_DIGEST)
    with pytest.raises(BaselineRegressionError) as error:
        update_baseline(result, baseline=make_baseline())
    assert error.value.lines[0].startswith("gold digest changed: baseline aaaaaaaaaaaa… result bbbbbbbbbbbb…")
    updated = update_baseline(result, baseline=make_baseline(), allow_regression=True)
    assert updated.gold_digest == OTHER_DIGEST
    assert updated.extractors["trafilatura"].floors["words.f1"] == 0.5


def test_update_is_atomic_and_byte_identical(gate: Gate, tmp_path: Path) -> None:
    gate(make_result(), None, "--update")
    first = (tmp_path / "baseline.json").read_bytes()
    gate(make_result(), None, "--update")
    assert (tmp_path / "baseline.json").read_bytes() == first
    assert sorted(path.name for path in tmp_path.iterdir()) == ["baseline.json", "run"]


# --- input errors ---------------------------------------------------------------------------------


def test_missing_result_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_baseline(make_baseline(), tmp_path / "baseline.json")
    assert main(["check", str(tmp_path / "nowhere"), "--baseline", str(tmp_path / "baseline.json")]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"cleanbench: error: {tmp_path / 'nowhere'}: no such result file\n")


def test_missing_baseline_exits_2(gate: Gate, tmp_path: Path) -> None:
    code, out, err = gate(make_result(), None)
    assert (code, out) == (2, [])
    path = tmp_path / "baseline.json"
    assert err == f"cleanbench: error: {path}: no such baseline file (create one with: cleanbench check RESULT --baseline {path} --update)\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a JSON document: Expecting property name enclosed in double quotes"),
        ("[]", "not a cleanbench baseline (expected a JSON object)"),
        ('{"gold": {}}', "not a cleanbench baseline (no schema_version)"),
        ('{"schema_version": 2}', "baseline schema_version 2 is not one this cleanbench reads (1)"),
    ],
)
def test_malformed_baseline_exits_2(gate: Gate, tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "baseline.json").write_text(text)
    code, out, err = gate(make_result(), None)
    assert (code, out) == (2, [])
    assert err.startswith(f"cleanbench: error: {tmp_path / 'baseline.json'}") and message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("epsilon",), -1, "epsilon: must be a number from 0 to 0.05, got -1"),
        (("gold",), None, "gold: missing"),
        (("gold", "digest"), 5, "gold.digest: unexpected value 5"),
        (("extractors", "trafilatura", "floors", "words.f1"), "high", "extractors.trafilatura.floors.words.f1: expected a number, got 'high'"),
        (("extractors", "trafilatura", "ceilings", "words.f1"), 0.1, "extractors.trafilatura: words.f1 is both a floor and a ceiling"),
        (("extractors", "trafilatura", "signature"), None, "extractors.trafilatura.signature: missing"),
    ],
)
def test_baseline_field_errors_name_the_field(path: tuple[str, ...], value: object, message: str) -> None:
    raw = make_baseline().to_json()
    parent = raw
    for part in path[:-1]:
        parent = parent[part]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    with pytest.raises(ResultError) as error:
        baseline_from_json(json.loads(json.dumps(raw)), where="b.json")
    assert str(error.value) == f"b.json: {message}"


def test_saved_baseline_round_trips(tmp_path: Path) -> None:
    baseline = update_baseline(make_result())
    assert load_baseline(save_baseline(baseline, tmp_path / "b.json")) == baseline


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "run"],  # no --baseline
        ["check", "--baseline", "b.json"],  # no RESULT
        ["check", "run", "--baseline", "b.json", "--epsilon", "-0.1"],
        ["check", "run", "--baseline", "b.json", "--epsilon", "tiny"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: cleanbench check" in capsys.readouterr().err


def test_update_only_options_without_update_exit_2(gate: Gate) -> None:
    code, out, err = gate(make_result(), make_baseline(), "--allow-regression")
    assert (code, out) == (2, [])
    assert err == "cleanbench check: error: --allow-regression and --key only apply with --update\n"


# --- a baseline that cannot fail is refused (issue 10) -----------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw.update(extractors={}), "extractors: pins no extractor, so it can check nothing"),
        (lambda raw: raw["extractors"]["trafilatura"].update(floors={}, ceilings={}), "extractors: no floor or ceiling anywhere"),
        (lambda raw: raw.update(epsilon=1e308), "epsilon: must be a number from 0 to 0.05, got 1e+308"),
        (
            lambda raw: raw["extractors"]["trafilatura"].update(floors={"words.f1": 0.88, "leak:ad.value": 0.0}, ceilings={}),
            "extractors.trafilatura.floors.leak:ad.value: a lower-is-better key belongs in ceilings",
        ),
        (
            lambda raw: raw["extractors"]["trafilatura"].update(ceilings={"words.f1": 1.0}, floors={}),
            "extractors.trafilatura.ceilings.words.f1: a higher-is-better key belongs in floors",
        ),
        (lambda raw: raw["extractors"]["trafilatura"].update(floors={"words.f1": -3.0}), "floors.words.f1: a share from 0 to 1, got -3.0"),
        (lambda raw: raw["extractors"]["trafilatura"].update(ceilings={"failures": 0.5}), "ceilings.failures: a count of pages, got 0.5"),
        (lambda raw: raw["extractors"]["trafilatura"].update(floors={"wrods.f1": 0.5}), "floors.wrods.f1: unknown metric 'wrods'"),
        (lambda raw: raw["extractors"]["trafilatura"].update(floors={"words.f2": 0.5}), "floors.words.f2: metric 'words' reports no value 'f2'"),
    ],
)
def test_a_baseline_that_cannot_fail_is_an_input_error(gate: Gate, tmp_path: Path, edit: Callable[[dict], None], message: str) -> None:
    raw = make_baseline().to_json()
    edit(raw)
    (tmp_path / "baseline.json").write_text(json.dumps(raw))
    code, out, err = gate(make_result(), None)
    assert (code, out) == (2, [])
    assert message in err and err.count("\n") == 1, err

"""The ray engine: the same results as the local one, the sandbox's statuses inside Ray tasks, batches cut
short or lost without losing or doubling a page, pages put once, interrupt and resume across engines, and
the one line a user without Ray gets.

Every test that starts Ray runs it in a process of its own, in a session of its own, and kills that
session when it overruns its bound: a hang fails the test in minutes instead of holding up the suite.
Ray runs as this shared machine needs it: two CPUs, no dashboard, a small object store, its own /tmp folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import GoldSet
from cleanbench.results import load_result

needs_ray = [pytest.mark.ray, pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (pip install 'cleanbench[ray]')")]

HERE = Path(__file__).resolve().parent
BOUND_S = 170  # a Ray scenario that has not finished by then hangs: its session is killed and the test fails
MakeGold = Callable[[Sequence[str]], GoldSet]


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0", **extra}


def _bounded(command: Sequence[str], *, env: dict[str, str], timeout: float = BOUND_S) -> subprocess.CompletedProcess[str]:
    """Run `command` in a session of its own; past `timeout`, kill that session (Ray's processes with it) and fail."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_session(process.pid)
        stdout, stderr = process.communicate()
        pytest.fail(f"{' '.join(command)} ran past {timeout} s (killed):\n{stderr[-3000:]}")
    finally:
        _kill_session(process.pid)  # whatever it left behind in its session
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_session(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _scenario(name: str, folder: Path, **env: str) -> dict[str, Any]:
    done = _bounded([sys.executable, str(HERE / "ray_scenarios.py"), name, str(folder)], env=_env(**env))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_ray[0]
@needs_ray[1]
def test_result_json_from_ray_equals_local_apart_from_timings(tmp_path: Path) -> None:
    found = _scenario("equal", tmp_path)
    assert found["engines"] == ["local", "ray"]
    assert found["predictions"] == 5 * 130
    assert found["same_predictions"]
    assert found["same_result"]
    # Two levels (five first stages; then boilerplate-lines): a batch is 16 jobs and on to the end of its
    # last page's, so a page's HTML goes into one batch of its level, however many stages read it.
    assert found["levels"] == 2
    assert found["pages_split_across_batches"] == 0
    assert 16 <= found["largest_batch"] <= 16 + 5 - 1


@needs_ray[0]
@needs_ray[1]
@pytest.mark.slow
@pytest.mark.public_data
@pytest.mark.extras
def test_on_aeb_the_ray_engine_gives_the_local_numbers(public_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("resiliparse")
    aeb = public_data / "aeb"
    rows = "trafilatura;resiliparse;justext;everything|boilerplate-lines"
    found = _scenario("equal", tmp_path, SCENARIO_GOLD=f"aeb:{aeb}", SCENARIO_ROWS=rows)
    assert found["engines"] == ["local", "ray"]
    assert found["predictions"] == 4 * 181
    assert found["same_predictions"]
    assert found["same_result"]


@needs_ray[0]
@needs_ray[1]
def test_failing_pages_get_the_sandbox_statuses_on_ray_and_pages_are_put_once(tmp_path: Path) -> None:
    found = _scenario("failures", tmp_path)
    assert found["engine"] == "ray"
    assert found["scripted"][:6] == ["ok", "timeout", "crash", "ok", "crash", "error"]
    assert found["scripted"][6:] == ["ok"] * (found["pages"] - 6)
    assert found["pipeline"] == found["scripted"]  # the cleaner ran on every ok page; the others kept their outcome
    assert found["errors"][1].startswith("timed out after 2")
    assert found["errors"][2] == "worker exited with code 7"
    assert found["errors"][4] == "worker killed by SIGSEGV"
    assert found["isolation"] is not None
    # Two levels (the extractor, then the cleaner): stage definitions put once per level; each page put
    # once per level, in batches of 16 jobs (one stage per level; the prefix both rows share runs once).
    assert found["definition_puts"] == 2
    first, second = found["levels"]
    assert sorted(first) == [f"p{n:02d}" for n in range(found["pages"])]
    assert sorted(second) == sorted(f"p{n:02d}" for n, status in enumerate(found["scripted"]) if status == "ok")
    assert found["batches"] == -(-len(first) // 16) + -(-len(second) // 16)


@needs_ray[0]
@needs_ray[1]
def test_a_frozen_or_lost_ray_worker_loses_no_page_and_crashes_none(tmp_path: Path) -> None:
    found = _scenario("cut_short", tmp_path, RUN_TEST_CRASHED=str(tmp_path / "crashed"))
    assert found["frozen"] == ["ok", "ok", "timeout", "ok", "ok"]
    assert "Ray task was cancelled" in found["frozen_error"]
    assert found["killed_once"] == ["ok"] * 4  # its batch is sent again: no crash
    assert found["killed_always"] == ["ok", "crash", "ok"]
    assert found["killed_always_error"] == "its Ray worker died 3 times while running it"


@needs_ray[0]
@needs_ray[1]
@pytest.mark.parametrize(("first", "then"), [("ray", "local"), ("local", "ray")])
def test_an_interrupted_run_resumes_with_either_engine(make_gold: MakeGold, calls: Callable[[], list[tuple[str, int]]], tmp_path: Path, first: str, then: str) -> None:
    gold = make_gold([f"<p>page {n}</p>" for n in range(12)])
    out = tmp_path / "out"
    gate = tmp_path / "gate"

    def extract(engine: str) -> list[str]:
        return [sys.executable, "-m", "cleanbench", "extract", gold.spec, "-e", "run_test_extractors:Gated", "--out", str(out), "--workers", "2", "--no-cache", "--engine", engine]

    env = _env(RUN_TEST_GATE=str(gate))
    process = subprocess.Popen(extract(first), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        predictions = out / "predictions.jsonl"
        deadline = time.monotonic() + BOUND_S
        while (not predictions.exists() or predictions.read_text().count("\n") < 3) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before its gate opened"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        _kill_session(process.pid)
    assert process.returncode == 130, stderr[-3000:]
    finished = {line["page_id"] for line in map(json.loads, predictions.read_text().splitlines()) if "page_id" in line}
    assert finished == {"p00", "p01", "p02"}

    gate.touch()
    done_before = len(calls())
    resumed = _bounded(extract(then), env=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "12 pages: 12 ok" in resumed.stdout and "(3 resumed)" in resumed.stdout
    assert {page for page, _ in calls()[done_before:]} == set(gold.ids()) - finished
    lines = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert sorted(line["page_id"] for line in lines if "page_id" in line) == gold.ids()


def test_without_ray_the_ray_engine_is_one_line_saying_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: find_spec("ray") is None
    code = main(["extract", "fixtures", "-e", "nothing", "--out", str(tmp_path / "out"), "--engine", "ray"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip().splitlines() == ["cleanbench: error: the ray engine needs Ray: pip install 'cleanbench[ray]'"]
    assert not (tmp_path / "out").exists()


def test_without_ray_run_stops_before_making_a_run_folder(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--gold", "fixtures", "-e", "nothing", "--engine", "ray"]) == 2
    assert "pip install 'cleanbench[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_a_ray_address_needs_the_ray_engine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["extract", "fixtures", "-e", "nothing", "--out", str(tmp_path / "out"), "--ray-address", "auto"])
    assert code == 2
    assert "needs the ray engine (--engine ray)" in capsys.readouterr().err


def test_help_and_a_local_run_do_not_import_ray(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from cleanbench.cli import main\n"
        "for argv in (['--help'], ['run', '--help'], ['extract', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"main(['extract', 'fixtures', '-e', 'nothing', '--out', {str(tmp_path / 'out')!r}, '--workers', '1', '--no-cache'])\n"
        "print('ray imported' if 'ray' in sys.modules else 'ray not imported', file=sys.stderr)\n"
    )
    done = _bounded([sys.executable, "-c", script], env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "--engine {local,ray}" in done.stdout
    assert done.stderr.strip().endswith("ray not imported")


def test_a_result_written_before_the_engine_field_reads_as_local(tmp_path: Path) -> None:
    main(["run", "--gold", "fixtures", "-e", "nothing", "--out", str(tmp_path / "run"), "--workers", "1", "--no-cache", "--resamples", "10"])
    path = tmp_path / "run" / "result.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["engine"] == "local"
    del written["engine"]
    path.write_text(json.dumps(written), encoding="utf-8")
    assert load_result(path).engine == "local"


@needs_ray[0]
@needs_ray[1]
def test_two_nodes_share_the_jobs_and_a_node_killed_mid_run_loses_nothing(tmp_path: Path) -> None:
    # `ray start --head` and a second `ray start --address` on this machine, one CPU each, every port and
    # the temporary folder explicit, token authentication off; each node is its own session, killed by id.
    found = _scenario("two_nodes", tmp_path, RAY_AUTH_MODE="disabled")
    assert found["cpus"] == 2
    assert found["killed"], "the second node never ran five pages"
    assert found["nodes"] == ["head", "second"]
    assert found["pages"] == 80 and found["distinct_pages_ran"] == 80
    assert found["statuses"] == ["ok"]  # pages lost with the node were sent again: none is a crash

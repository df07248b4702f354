"""The sandbox: a page that hangs, raises, exits, segfaults, runs out of memory or reaches for the network
gets its own status, and the next page runs (on the same worker after an error, on a new one otherwise)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanbench.errors import RunError
from cleanbench.run.sandbox import Job, Limits, Outcome, Sandbox
from cleanbench.stages.base import PageInput

SCRIPTED = "run_test_extractors:Scripted"
Calls = Callable[[], list[tuple[str, int]]]  # the `calls` fixture: (page id, worker pid) per call


def run_pages(htmls: list[str], *, timeout: float = 1.0, memory_mb: int | None = 300, workers: int = 1) -> list[Outcome]:
    """Outcomes in job order (the sandbox yields them in completion order)."""
    jobs = [Job(key, 0, PageInput(f"p{key:02d}", html=html, url=f"http://test/p{key:02d}")) for key, html in enumerate(htmls)]
    with Sandbox([SCRIPTED], workers=workers, limits=Limits(timeout=timeout, memory_mb=memory_mb)) as sandbox:
        return sorted(sandbox.run(jobs), key=lambda outcome: outcome.key)


@pytest.mark.parametrize(
    ("marker", "status", "message", "worker_kept"),
    [
        ("do:raise", "error", "ValueError: scripted failure on this page", True),
        ("do:nothing", "empty", None, True),
        ("do:hang", "timeout", "timed out after 1.0 s", False),
        ("do:exit", "crash", "worker exited with code 7", False),
        ("do:segfault", "crash", "worker killed by SIGSEGV", False),
        # 1 GiB under a 300 MB address-space cap: MemoryError in the worker, which reports it and ends.
        ("do:allocate", "crash", "out of memory (memory cap 300 MB)", False),
    ],
)
def test_misbehaving_page_gets_its_status_and_the_run_goes_on(
    calls: Calls, marker: str, status: str, message: str | None, worker_kept: bool
) -> None:
    first, bad, after = run_pages(["<p>first</p>", f"<p>{marker}</p>", "<p>after</p>"])
    assert (first.status, first.text) == ("ok", "first")
    assert (bad.status, bad.error) == (status, message)
    assert (after.status, after.text) == ("ok", "after")
    assert bad.cacheable is (status in ("ok", "empty", "error"))
    pids = dict(calls())
    assert (pids["p00"] == pids["p02"]) is worker_kept, "the same worker before and after the page"


def test_ok_page_records_time_and_peak_memory() -> None:
    (outcome,) = run_pages(["<p>text</p>"])
    assert outcome.status == "ok"
    assert outcome.seconds is not None and outcome.seconds >= 0
    assert outcome.peak_rss_mb is not None and outcome.peak_rss_mb > 1


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket listening on 127.0.0.1 (an ephemeral port), to see whether any worker connects."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        yield server


@pytest.mark.parametrize(
    ("action", "blocked"),
    [
        ("connect", "socket.connect ('127.0.0.1', {port})"),
        ("swallow", "socket.getaddrinfo '127.0.0.1'"),  # create_connection resolves first; the refusal is ignored
        ("resolve", "socket.getaddrinfo 'localhost'"),
    ],
)
def test_no_worker_reaches_the_network(listener: socket.socket, action: str, blocked: str) -> None:
    port = listener.getsockname()[1]
    (outcome,) = run_pages([f"<p>do:{action}:{port}</p>"])
    assert outcome.status == "error"
    assert outcome.error == f"network access is blocked during extraction ({blocked.format(port=port)})"
    with pytest.raises(TimeoutError):
        listener.accept()


def test_pages_after_a_timeout_run_on_with_two_workers() -> None:
    outcomes = run_pages(["<p>do:hang</p>"] + [f"<p>page {n}</p>" for n in range(6)], workers=2)
    assert [outcome.status for outcome in outcomes] == ["timeout"] + ["ok"] * 6


def test_workers_must_be_positive() -> None:
    with pytest.raises(RunError, match="workers: expected a whole number above 0, got 0"):
        Sandbox([SCRIPTED], workers=0)


def test_a_script_read_from_stdin_runs_its_pages(tmp_path: Path) -> None:
    # Bug: under the fork server, workers of a `python -` session re-ran `<stdin>` as their main module,
    # died at start, and every page of the set became a crash.
    script = (
        "from cleanbench.gold.load import load_gold\n"
        "from cleanbench.run.runner import run\n"
        "p = run(load_gold('fixtures'), ['everything'], workers=1, cache=None, out=None, progress=False)\n"
        "print(sorted({x.status for x in p['everything'].predictions}))\n"
    )
    env = {**os.environ, "CLEANBENCH_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['ok']"


def run_with(extractor: str, htmls: list[str], *, limits: Limits, workers: int = 1) -> list[Outcome]:
    jobs = [Job(key, 0, PageInput(f"p{key:02d}", html=html, url=f"http://test/p{key:02d}")) for key, html in enumerate(htmls)]
    with Sandbox([extractor], workers=workers, limits=limits) as sandbox:
        return sorted(sandbox.run(jobs), key=lambda outcome: outcome.key)


def test_loading_a_stage_does_not_count_against_the_page_timeout() -> None:
    # issue 10: `extract -e newspaper4k --timeout 1` timed out 32 of 32 pages: its 1.5 s import counted,
    # and each replaced worker imported again.
    outcomes = run_with("run_test_extractors:SlowToLoad", [f"<p>page {n}</p>" for n in range(3)], limits=Limits(timeout=1), workers=2)
    assert [outcome.status for outcome in outcomes] == ["ok"] * 3


def test_a_stage_that_never_finishes_loading_times_out_under_its_own_limit() -> None:
    (outcome,) = run_with("run_test_extractors:SlowToLoad", ["<p>a</p>"], limits=Limits(timeout=5, load_timeout=0.5))
    assert outcome.status == "timeout"
    assert outcome.error.startswith("loading its stage took more than 0.")


def test_a_lone_surrogate_in_the_output_is_an_error_and_the_run_goes_on() -> None:
    # issue 10: a lone surrogate in a plugin's output crashed the run on every retry (it cannot be written as UTF-8).
    bad, after = run_with("run_test_extractors:Surrogate", ["<p>do:surrogate</p>", "<p>after</p>"], limits=Limits())
    assert (bad.status, bad.error) == ("error", "output holds a lone surrogate (U+D800) at character 7: not text")
    assert (after.status, after.text) == ("ok", "after")


def test_an_output_over_the_cap_is_an_error_not_held_by_the_parent() -> None:
    # issue 10: 50 MB of output from one page made the parent hold 2.1 GB.
    bad, after = run_with("run_test_extractors:Huge", ["<p>do:huge</p>", "<p>after</p>"], limits=Limits(max_output_mb=1))
    assert (bad.status, bad.text) == ("error", "")
    assert bad.error == "output of 3.0 MB is over the cap of 1 MB (--max-output-mb)"
    assert after.status == "ok"


CONNECTING = """
import socket, sys
sys.stdin.read()
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"the page")
    print("reached the listener")
except OSError as error:
    print("refused:", error)
"""


@pytest.mark.parametrize(("network", "reached"), [("auto", False), ("off", True)])
def test_a_child_program_is_cut_off_the_network_in_a_namespace(listener: socket.socket, tmp_path: Path, network: str, reached: bool) -> None:
    # issue 12 of the hostile test: the audit hook stops Python sockets of the worker only; a `cmd:`
    # program (curl posted a page's HTML) reached a listener on 127.0.0.1. `off` shows the switch works.
    script = tmp_path / "connect.py"
    script.write_text(CONNECTING.format(port=listener.getsockname()[1]), encoding="utf-8")
    jobs = [Job(0, 0, PageInput("p00", html="<p>page</p>"))]
    with Sandbox([f"cmd:{sys.executable} {script}"], workers=1, limits=Limits(network=network)) as sandbox:
        (outcome,) = list(sandbox.run(jobs))
        isolation = sandbox.isolation
    if network == "auto" and isolation != "namespace":
        pytest.skip(f"this system allows no network namespace: {isolation}")
    assert outcome.text.startswith("reached the listener" if reached else "refused:")
    if reached:
        listener.accept()[0].close()
    else:
        with pytest.raises(TimeoutError):
            listener.accept()
    assert isolation == ("namespace" if network == "auto" else "audit hook only (network namespace turned off)")


LEAVES_A_CHILD = """
import subprocess, sys
sys.stdin.read()
child = subprocess.Popen(["sleep", "300"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
with open(sys.argv[1], "w") as out:
    out.write(str(child.pid))
print("done")
"""


def test_programs_a_stage_started_die_with_its_worker(tmp_path: Path) -> None:
    # issue 10: a `cmd:` child that outlived its timeout, or a plugin's forked children, kept running after cleanbench exited.
    script, pid_file = tmp_path / "child.py", tmp_path / "child.pid"
    script.write_text(LEAVES_A_CHILD, encoding="utf-8")
    with Sandbox([f"cmd:{sys.executable} {script} {pid_file}"], workers=1) as sandbox:
        (outcome,) = list(sandbox.run([Job(0, 0, PageInput("p00", html="<p>page</p>"))]))
        child = int(pid_file.read_text())
        assert outcome.status == "ok" and _running(child)
    assert not _running(child), "a program a stage started outlived its sandbox"


def test_a_timed_out_programs_children_die_with_it(tmp_path: Path) -> None:
    script, pid_file = tmp_path / "child.py", tmp_path / "child.pid"
    script.write_text(LEAVES_A_CHILD.replace('print("done")', "child.wait()"), encoding="utf-8")
    with Sandbox([f"cmd:{sys.executable} {script} {pid_file}"], workers=1, limits=Limits(timeout=2)) as sandbox:
        (outcome,) = list(sandbox.run([Job(0, 0, PageInput("p00", html="<p>page</p>"))]))
        assert outcome.status == "timeout"
        assert not _running(int(pid_file.read_text())), "the timed-out page's program left a child running"


def _running(pid: int) -> bool:
    import psutil

    deadline = time.monotonic() + 5  # SIGKILL is delivered at once; reaping by init may lag
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            return False
        time.sleep(0.05)
    return True

"""The sandbox: a page that hangs, raises, exits, segfaults, runs out of memory or reaches for the network
gets its own status, and the next page runs (on the same worker after an error, on a new one otherwise)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanbench.run.sandbox import Job, Outcome, Sandbox

SCRIPTED = "run_test_extractors:Scripted"
Calls = Callable[[], list[tuple[str, int]]]  # the `calls` fixture: (page id, worker pid) per call


def run_pages(htmls: list[str], *, timeout: float = 1.0, memory_mb: int | None = 300, workers: int = 1) -> list[Outcome]:
    """Outcomes in job order (the sandbox yields them in completion order)."""
    jobs = [Job(key, 0, html, url=f"http://test/p{key:02d}") for key, html in enumerate(htmls)]
    with Sandbox([SCRIPTED], workers=workers, timeout=timeout, memory_mb=memory_mb) as sandbox:
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
    with pytest.raises(ValueError, match="workers: expected at least 1, got 0"):
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

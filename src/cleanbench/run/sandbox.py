"""`Sandbox`: long-lived worker processes that run stages on pages, one page at a time each.

Each worker resolves the stage specs itself and loads a stage's library the first time it needs it,
before that page's clock starts: the per-page timeout counts the page, never an import (a slow load
has its own, longer limit, `Limits.load_timeout`). The parent sends pages (stage index, html, url,
lang) down a pipe and enforces the per-page timeout; a page that hangs is a `timeout` (its worker's
process group is killed and the worker replaced), one that raises is an `error` (the worker is kept),
one that kills its worker (segfault, `os._exit`, out of memory) is a `crash` (the worker is replaced).
What a worker isolates is in `cleanbench.run.worker`; `Sandbox.isolation` says what held.

A busy worker is sent its next page ahead (when the page fits in the pipe, so the send cannot block),
so it goes on without waiting for the parent to be scheduled; a page queued behind one that times out
or crashes is sent to another worker. Workers are forked from a fork server (a fresh, small
interpreter), not from the parent: the parent may hold threads (fork would copy their locks) and a
large address space (it would count against the cap and the recorded peak memory).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from cleanbench.constants import (
    DEFAULT_LOAD_TIMEOUT_S,
    DEFAULT_MAX_OUTPUT_MB,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_S,
    NETWORK_MODES,
)
from cleanbench.errors import RunError
from cleanbench.run.worker import StageDefinition, WorkerSettings, serve
from cleanbench.stages.base import PageInput

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a worker may take: seconds per page, seconds to load a stage, memory (None: no cap), output
    size per page, and how it is cut off from the network (`auto`: a network namespace where the system
    allows one, `require`: refuse to run without one, `off`: the audit hook alone)."""

    timeout: float = DEFAULT_TIMEOUT_S
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB
    load_timeout: float = DEFAULT_LOAD_TIMEOUT_S
    network: str = "auto"

    def __post_init__(self) -> None:
        for name in ("timeout", "max_output_mb", "load_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise RunError(f"{name}: expected a finite number of {'seconds' if 'timeout' in name else 'MB'} above 0, got {value!r}")
        if self.memory_mb is not None and (isinstance(self.memory_mb, bool) or not isinstance(self.memory_mb, int) or self.memory_mb <= 0):
            raise RunError(f"memory_mb: expected a whole number of MB above 0 (or None: no cap), got {self.memory_mb!r}")
        if self.network not in NETWORK_MODES:
            raise RunError(f"network: expected one of {', '.join(NETWORK_MODES)}, got {self.network!r}")


def default_workers() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """One page for one stage: `stage` indexes the sandbox's stages (`add_stage`); `key` comes back in the outcome."""

    key: int
    stage: int
    page: PageInput


@dataclass(frozen=True)
class Outcome:
    """What became of a job. `cacheable` is False when it depends on the machine, not on the page."""

    key: int
    status: str
    text: str = ""
    error: str | None = None
    seconds: float | None = None
    peak_rss_mb: float | None = None
    cacheable: bool = True


def _start_method() -> str:
    """forkserver where the platform has it, unless its children cannot import `__main__` again.

    A fork server's children re-run the main module from its file; a script read from stdin (`python -`)
    names `<stdin>`, which does not exist, and every worker would die at start. Such a session forks.
    """
    methods = multiprocessing.get_all_start_methods()
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file is not None and not os.path.isfile(main_file):
        return "fork" if "fork" in methods else "spawn"
    return "forkserver" if "forkserver" in methods else "spawn"


class Sandbox:
    """A pool of workers for stages added with `add_stage`. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        specs: Sequence[str] = (),
        *,
        workers: int | None = None,
        limits: Limits | None = None,
        environ: Mapping[str, str] | None = None,
        path: Sequence[str] | None = None,
    ) -> None:
        """`environ` and `path`: what workers resolve stages with (default: this process's environment and
        `sys.path` when each worker starts)."""
        self.environ = dict(environ) if environ is not None else None
        self.path = list(path) if path is not None else None
        self.definitions: list[StageDefinition] = [StageDefinition(spec) for spec in specs]
        self.size = default_workers() if workers is None else workers
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise RunError(f"workers: expected a whole number above 0, got {self.size!r}")
        self.limits = limits or Limits()
        self.settings = WorkerSettings(
            memory_mb=self.limits.memory_mb,
            max_output_bytes=int(self.limits.max_output_mb * _MIB),
            network=self.limits.network,
        )
        self.isolation: str | None = None  # what the workers reported; None while none has started
        method = _start_method()
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            preload = ["__main__", __name__, "cleanbench.run.worker", "cleanbench.stages.registry", "cleanbench.run.lifeline"]
            self._context.set_forkserver_preload(preload)
        self._workers: list[_Worker] = []

    def add_stage(self, spec: str, *, state: Any = None) -> int:
        """Register a stage (its spec, and a corpus cleaner's fitted state); its index for jobs. Workers
        are sent a stage's definition with their first job of it."""
        self.definitions.append(StageDefinition(spec, state))
        return len(self.definitions) - 1

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Run the jobs on the workers; yield each outcome as it completes (completion order).

        The next job is drawn from `jobs` while the workers run, so reading a page overlaps extracting one.
        """
        pending = iter(jobs)
        again: deque[Job] = deque()  # queued behind a page that killed its worker: to send elsewhere
        upcoming: tuple[Job, bytes] | None = None
        while True:
            while True:
                if upcoming is None:
                    job = again.popleft() if again else next(pending, None)
                    if job is None:
                        break
                    upcoming = (job, pickle.dumps(job.page, pickle.HIGHEST_PROTOCOL))
                worker = self._worker_for(len(upcoming[1]), stage=upcoming[0].stage)
                if worker is None:
                    break
                worker.assign(*upcoming, definitions=self.definitions)
                upcoming = None
            busy = [w for w in self._workers if w.queue]
            if not busy:
                return
            wait_s = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.results for w in busy] + [w.process.sentinel for w in busy], timeout=wait_s))
            now = time.monotonic()
            for worker in busy:
                outcome = None
                if worker.results in ready or worker.process.sentinel in ready:
                    outcome = worker.receive()
                    self._note_isolation(worker)
                if outcome is None and now >= worker.deadline:
                    outcome = worker.time_out()
                if outcome is None:
                    continue
                if not worker.alive:
                    again.extend(job for job, _ in worker.queue)
                    self._workers.remove(worker)
                    worker.close()
                yield outcome

    def _note_isolation(self, worker: _Worker) -> None:
        if worker.isolation is None or worker.isolation == self.isolation:
            return
        if worker.isolation != "namespace" and self.limits.network == "require":
            raise RunError(f"a network namespace is required (--network-namespace require) but the system refused one: {worker.isolation}")
        if self.isolation is None or self.isolation == "namespace":  # the weakest isolation seen is the one that held
            self.isolation = worker.isolation

    def _worker_for(self, size: int, *, stage: int) -> _Worker | None:
        """An idle worker, else a new one while there is room, else a busy one that has the stage and
        whose pipe holds the page."""
        idle = next((w for w in self._workers if not w.queue), None)
        if idle is not None:
            return idle
        if len(self._workers) < self.size:
            worker = _Worker(self._context, settings=self.settings, limits=self.limits, environ=self.environ, path=self.path)
            self._workers.append(worker)
            return worker
        return next((w for w in self._workers if len(w.queue) == 1 and stage in w.defined and w.holds_ahead(size)), None)

    def close(self) -> None:
        """Stop every worker: idle ones are told to exit, busy ones are killed; then each process group."""
        for worker in self._workers:
            worker.stop()
            worker.close()
        self._workers.clear()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Worker:
    """The parent's handle on one worker process and its queue: the running job, then at most one more."""

    # Pipe capacity asked for (Linux lets an unprivileged process go up to /proc/sys/fs/pipe-max-size,
    # 1 MiB by default); what the kernel grants is read back.
    PIPE_BYTES = 1 << 20

    def __init__(
        self, context: Any, *, settings: WorkerSettings, limits: Limits, environ: Mapping[str, str] | None = None, path: Sequence[str] | None = None
    ) -> None:
        jobs_in, self.jobs = context.Pipe(duplex=False)
        self.results, results_out = context.Pipe(duplex=False)
        self.capacity = _grow_pipe(self.jobs.fileno(), self.PIPE_BYTES)
        self.process = context.Process(
            target=serve,
            args=(jobs_in, results_out, settings, dict(os.environ if environ is None else environ), list(sys.path if path is None else path)),
            name="cleanbench-worker",
            daemon=True,
        )
        self.process.start()
        jobs_in.close()
        results_out.close()
        self.limits = limits
        self.queue: deque[tuple[Job, int]] = deque()  # (job, bytes sent for it); the first one is running
        self.loaded: set[int] = set()  # stages this worker has loaded
        self.defined: set[int] = set()  # stages whose definition it was sent
        self.isolation: str | None = None
        self.started = 0.0
        self.deadline = float("inf")
        self.alive = True

    def holds_ahead(self, size: int) -> bool:
        """Whether a message of `size` bytes fits in the pipe beside the running job's (perhaps still unread)."""
        return self.queue[0][1] + size + 2 * 4096 <= self.capacity  # two pages of slack for the length headers

    def assign(self, job: Job, page: bytes, *, definitions: Sequence[StageDefinition]) -> None:
        definition = None
        if job.stage not in self.defined:
            definition = pickle.dumps(definitions[job.stage], pickle.HIGHEST_PROTOCOL)
            self.defined.add(job.stage)
        message = pickle.dumps((job.stage, definition, page), pickle.HIGHEST_PROTOCOL)
        self.queue.append((job, len(message)))
        if len(self.queue) == 1:
            self._start_clock()
        try:
            self.jobs.send_bytes(message)
        except OSError:  # the worker died: `receive` reports it once its sentinel fires
            pass

    def _start_clock(self) -> None:
        """The head job starts now: its page's timeout, or the load timeout while its stage is not loaded."""
        self.started = time.monotonic()
        loading = self.queue[0][0].stage not in self.loaded
        self.deadline = self.started + (self.limits.load_timeout if loading else self.limits.timeout)

    def receive(self) -> Outcome | None:
        """Read what the worker sent: None while its job runs on; the outcome once it is done or dead."""
        try:
            while self.results.poll():
                message = self.results.recv()
                if message[0] == "ready":
                    self.isolation = message[1]
                elif message[0] == "loaded":
                    self.loaded.add(message[1])
                    if self.queue and self.queue[0][0].stage == message[1]:
                        self._start_clock()  # the page's own clock starts once its stage is loaded
                else:
                    return self._done(*message[1:])
        except (EOFError, OSError):
            pass
        if self.process.is_alive():
            return None
        return self._died()

    def _done(self, status: str, text: str, error: str | None, seconds: float | None, peak: float | None, cacheable: bool) -> Outcome:
        job, _ = self.queue.popleft()
        if seconds is None:  # it could not start the page, or ran out of memory: the parent's clock
            seconds = time.monotonic() - self.started
        if status == "crash":  # out of memory: the worker said so and exits
            self._end()
        elif self.queue:
            self._start_clock()
        return Outcome(job.key, status, text, error, seconds, peak, cacheable)

    def time_out(self) -> Outcome:
        job, _ = self.queue.popleft()
        elapsed = time.monotonic() - self.started
        loading = job.stage not in self.loaded
        self._end()
        what = f"loading its stage took more than {elapsed:.1f} s" if loading else f"timed out after {elapsed:.1f} s"
        return Outcome(job.key, "timeout", error=what, seconds=elapsed, cacheable=False)

    def _died(self) -> Outcome:
        job, _ = self.queue.popleft()
        elapsed = time.monotonic() - self.started
        self._end()
        code = self.process.exitcode
        if code is not None and code < 0:
            cause = f"worker killed by {signal.Signals(-code).name}"
            if -code == signal.SIGKILL:  # the parent kills only on timeout: this is the kernel's OOM killer
                cause += " (out of memory?)"
        else:
            cause = f"worker exited with code {code}"
        return Outcome(job.key, "crash", error=cause, seconds=elapsed, cacheable=False)

    def _end(self) -> None:
        """Kill the worker and every process of its group (programs its stages started), and reap it."""
        _kill_group(self.process.pid)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.alive = False

    def stop(self) -> None:
        if self.alive and not self.queue:
            try:
                self.jobs.send(None)
                self.process.join(timeout=5)
            except OSError:
                pass
        self._end()

    def close(self) -> None:
        self.jobs.close()
        self.results.close()
        self.process.close()


def _kill_group(pid: int | None) -> None:
    """SIGKILL a worker's process group (its pid); nothing when the group is gone or was never made."""
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _grow_pipe(fd: int, size: int) -> int:
    """Ask for a pipe buffer of `size` bytes; return the capacity granted (64 KiB where it cannot grow)."""
    try:
        import fcntl

        return int(fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size))
    except (ImportError, AttributeError, OSError):
        return 65536

"""`Sandbox`: long-lived worker processes that run extractors on pages, one page at a time each.

Each worker resolves the extractor specs itself, on its first page of each; an extractor loads its
library once per worker, within that first page (`Adapter.extract` loads lazily). The parent sends
pages (extractor index, html, url, lang) down a pipe and enforces the per-page timeout; a page that
hangs is a `timeout` (its worker is killed and replaced), one that raises is an `error` (the worker is
kept), one that kills its worker (segfault, `os._exit`, out of memory) is a `crash` (the worker is
replaced). Workers write nothing to the terminal; they run under an address-space cap (`RLIMIT_AS`) and
a network guard: an audit hook refuses every socket connect, name lookup and send, so a page whose
extractor tries one is an `error` saying so, even when the extractor swallows the exception.

A busy worker is sent its next page ahead (when the page fits in the pipe, so the send cannot block),
so it goes on without waiting for the parent to be scheduled; a page queued behind one that times out
or crashes is sent to another worker. Workers are forked from a fork server (a fresh, small
interpreter), not from the parent: the parent may hold threads (fork would copy their locks) and a
large address space (it would count against the cap and the recorded peak memory).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, NoReturn

from cleanbench.gold.schema import GoldPage

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 4096
_MIB = 1024 * 1024
_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
    }
)


def default_workers() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """One page for one extractor: `extractor` indexes the sandbox's specs; `key` comes back in the outcome.

    `page` is sent only to extractors that read the gold page itself (`uses_gold`); `lang` is passed to
    those that take it (`uses_lang`).
    """

    key: int
    extractor: int
    html: str
    url: str | None = None
    lang: str | None = None
    page: GoldPage | None = None


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
    """A pool of workers for a fixed list of extractor specs. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        specs: Sequence[str],
        *,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
    ) -> None:
        self.specs = tuple(specs)
        self.size = default_workers() if workers is None else workers
        if self.size < 1:
            raise ValueError(f"workers: expected at least 1, got {self.size}")
        self.timeout = timeout
        self.memory_mb = memory_mb
        method = _start_method()
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            self._context.set_forkserver_preload(["__main__", __name__, "cleanbench.extractors.registry"])
        self._workers: list[_Worker] = []

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
                    upcoming = (job, pickle.dumps((job.extractor, job.html, job.url, job.lang, job.page), pickle.HIGHEST_PROTOCOL))
                worker = self._worker_for(len(upcoming[1]))
                if worker is None:
                    break
                worker.assign(*upcoming, timeout=self.timeout)
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
                    outcome = worker.receive(timeout=self.timeout)
                if outcome is None and now >= worker.deadline:
                    outcome = worker.time_out()
                if outcome is None:
                    continue
                if not worker.alive:
                    again.extend(job for job, _ in worker.queue)
                    self._workers.remove(worker)
                    worker.close()
                yield outcome

    def _worker_for(self, size: int) -> _Worker | None:
        """An idle worker, else a new one while there is room, else a busy one whose pipe holds the page."""
        idle = next((w for w in self._workers if not w.queue), None)
        if idle is not None:
            return idle
        if len(self._workers) < self.size:
            worker = _Worker(self._context, self.specs, memory_mb=self.memory_mb)
            self._workers.append(worker)
            return worker
        return next((w for w in self._workers if len(w.queue) == 1 and w.holds_ahead(size)), None)

    def close(self) -> None:
        """Stop every worker: idle ones are told to exit, busy ones are killed."""
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

    def __init__(self, context: Any, specs: tuple[str, ...], *, memory_mb: int | None) -> None:
        jobs_in, self.jobs = context.Pipe(duplex=False)
        self.results, results_out = context.Pipe(duplex=False)
        self.capacity = _grow_pipe(self.jobs.fileno(), self.PIPE_BYTES)
        self.process = context.Process(
            target=_serve,
            args=(jobs_in, results_out, specs, memory_mb, dict(os.environ)),
            name="cleanbench-worker",
            daemon=True,
        )
        self.process.start()
        jobs_in.close()
        results_out.close()
        self.queue: deque[tuple[Job, int]] = deque()  # (job, bytes sent for it); the first one is running
        self.started = 0.0
        self.deadline = float("inf")
        self.alive = True

    def holds_ahead(self, size: int) -> bool:
        """Whether a message of `size` bytes fits in the pipe beside the running job's (perhaps still unread)."""
        return self.queue[0][1] + size + 2 * 4096 <= self.capacity  # two pages of slack for the length headers

    def assign(self, job: Job, message: bytes, *, timeout: float) -> None:
        if not self.queue:
            self.started = time.monotonic()
            self.deadline = self.started + timeout
        self.queue.append((job, len(message)))
        try:
            self.jobs.send_bytes(message)
        except OSError:  # the worker died: `receive` reports it once its sentinel fires
            pass

    def receive(self, *, timeout: float) -> Outcome | None:
        """Read what the worker sent: None while its job runs on; the outcome once it is done or dead."""
        try:
            if self.results.poll():
                status, text, error, seconds, peak, cacheable = self.results.recv()
                job, _ = self.queue.popleft()
                now = time.monotonic()
                if seconds is None:  # it could not start the page, or ran out of memory: the parent's clock
                    seconds = now - self.started
                self.started, self.deadline = now, now + timeout
                if status == "crash":  # out of memory: the worker said so and exits
                    self._end()
                return Outcome(job.key, status, text, error, seconds, peak, cacheable)
        except (EOFError, OSError):
            pass
        if self.process.is_alive():
            return None
        return self._died()

    def time_out(self) -> Outcome:
        job, _ = self.queue.popleft()
        elapsed = time.monotonic() - self.started
        self._end()
        return Outcome(job.key, "timeout", error=f"timed out after {elapsed:.1f} s", seconds=elapsed, cacheable=False)

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
        """Kill the process if it still runs, and reap it."""
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


def _grow_pipe(fd: int, size: int) -> int:
    """Ask for a pipe buffer of `size` bytes; return the capacity granted (64 KiB where it cannot grow)."""
    try:
        import fcntl

        return int(fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size))
    except (ImportError, AttributeError, OSError):
        return 65536


# --- inside a worker ------------------------------------------------------------------------------


class NetworkBlockedError(OSError):
    """Raised inside a worker when an extractor tries to reach the network."""


class _NetworkGuard:
    """Audit hook refusing socket connects, name lookups and sends; remembers the first attempt."""

    def __init__(self) -> None:
        self.attempt: str | None = None

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if event in _BLOCKED_EVENTS:
            target = args[1] if event in ("socket.connect", "socket.sendto", "socket.sendmsg") else args[0]
            detail = f"{event} {target!r}"
            if self.attempt is None:
                self.attempt = detail
            raise NetworkBlockedError(f"network access is blocked during extraction ({detail})")


def _serve(jobs: Connection, conn: Connection, specs: tuple[str, ...], memory_mb: int | None, environ: dict[str, str]) -> None:
    """A worker's main loop: receive a job on `jobs`, run it, send its outcome on `conn`; exit on None or EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    _silence_output()
    os.environ.clear()
    os.environ.update(environ)
    if memory_mb is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * _MIB, memory_mb * _MIB))
    guard = _NetworkGuard()
    sys.addaudithook(guard)
    extractors: dict[int, Any] = {}
    failed: dict[int, str] = {}
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            job = None
        if job is None:
            for extractor in extractors.values():
                _close(extractor)
            return
        index, html, url, lang, page = job
        try:
            if index not in extractors and index not in failed:
                try:
                    extractors[index] = _resolve(specs[index])
                except MemoryError:
                    raise
                except Exception as error:  # it resolved in the parent: a failure here is this worker's
                    failed[index] = f"cannot resolve extractor {specs[index]!r} in a worker: {_describe(error)}"
            if index in failed:
                conn.send(("error", "", failed[index], None, _peak_rss_mb(), False))
            else:
                conn.send(_extract(extractors[index], html, url, lang, page, guard=guard))
        except MemoryError:
            _out_of_memory(conn, memory_mb)


def _extract(extractor: Any, html: str, url: str | None, lang: str | None, page: GoldPage | None, *, guard: _NetworkGuard) -> tuple[Any, ...]:
    """Run one page; the outcome message. A MemoryError propagates: the worker then ends."""
    guard.attempt = None
    start = time.perf_counter()
    try:
        if getattr(extractor, "uses_gold", False):
            text = extractor.extract_page(page)
        elif getattr(extractor, "uses_lang", False):
            text = extractor.extract(html, url=url, lang=lang)
        else:
            text = extractor.extract(html, url=url)
    except MemoryError:
        raise
    except (Exception, SystemExit) as error:
        text, failure = "", _describe(error)
    else:
        failure = None
    seconds = time.perf_counter() - start
    if guard.attempt is not None:
        failure = f"network access is blocked during extraction ({guard.attempt})"
    elif failure is None and text is not None and not isinstance(text, str):
        failure = f"extractor returned {type(text).__name__}, not str"
    if failure is not None:
        return ("error", "", failure, seconds, _peak_rss_mb(), True)
    text = text or ""
    return ("ok" if text.strip() else "empty", text, None, seconds, _peak_rss_mb(), True)


def _resolve(spec: str) -> Any:
    from cleanbench.extractors.registry import resolve

    return resolve(spec)


def _close(extractor: Any) -> None:
    """Release what an extractor built (a child process, say), if it knows how."""
    close = getattr(extractor, "close", None)
    if callable(close):
        close()


def _out_of_memory(conn: Connection, memory_mb: int | None) -> NoReturn:
    """Report a MemoryError as a crash and end the worker: its heap may be in no state to go on."""
    cap = f" (memory cap {memory_mb} MB)" if memory_mb is not None else ""
    try:
        conn.send(("crash", "", f"out of memory{cap}", None, _peak_rss_mb(), False))
    finally:
        os._exit(1)


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(peak / (_MIB if sys.platform == "darwin" else 1024), 1)


def _silence_output() -> None:
    """Send the worker's stdout and stderr (library chatter) to /dev/null: a page's failure is in its record."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when its parent (the fork server) exits."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)

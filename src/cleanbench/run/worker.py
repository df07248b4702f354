"""Inside a sandbox worker: isolation, stage loading, and one page at a time.

A worker is its own process group (the parent kills the group, so programs a stage started die with
it), dies with its parent (Linux), writes nothing to the terminal, runs under an address-space cap
(`RLIMIT_AS`), and is cut off from the network twice over: in a network namespace of its own where the
system allows one (root, or unprivileged user namespaces), which covers every program it starts, and
by an audit hook that refuses every socket connect, name lookup and send of Python code, so a page whose
stage tries one is an `error` saying so even when the stage swallows the exception.

A job is `(stage index, definition or None, page)`: the parent sends a stage's definition (its spec,
and a corpus cleaner's fitted state) with the worker's first job of it. Messages to the parent, in
order: `("ready", isolation)`; then per job, `("loaded", index, seconds)` the first time a stage is
needed (it is resolved and prepared before the page's clock starts), and
`("done", status, text, error, seconds, peak_rss_mb, cacheable)`; a document dropped by a cleaner is
status `dropped` with its reason as the error.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import re
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from cleanbench.lifetime import die_with_parent
from cleanbench.stages.base import PageInput

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
_SURROGATE = re.compile("[\ud800-\udfff]")
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


@dataclass(frozen=True)
class StageDefinition:
    """What a worker builds a stage from: its spec, and for a corpus cleaner the state its fit produced."""

    spec: str
    state: Any = None


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker is started with (see `cleanbench.run.sandbox.Limits`)."""

    memory_mb: int | None
    max_output_bytes: int
    network: str  # one of NETWORK_MODES


class NetworkBlockedError(OSError):
    """Raised inside a worker when a stage tries to reach the network."""


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


def serve(jobs: Connection, conn: Connection, settings: WorkerSettings, environ: dict[str, str], path: list[str]) -> None:
    """A worker's main loop: receive a job on `jobs`, run it, send its outcome on `conn`; exit on None or EOF.

    `environ` and `path` are the parent's environment and `sys.path` when it started the worker, so a
    stage resolves here to the same code as there (a `module:attr` plugin beside the caller included)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.setpgid(0, 0)
    die_with_parent()
    _silence_output()
    os.environ.clear()
    os.environ.update(environ)
    sys.path[:] = path
    isolation = isolate_network(settings.network)  # before any thread starts: unshare needs a single thread
    if settings.memory_mb is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (settings.memory_mb * _MIB, settings.memory_mb * _MIB))
    guard = _NetworkGuard()
    sys.addaudithook(guard)
    conn.send(("ready", isolation))
    stages: dict[int, Any] = {}
    failed: dict[int, str] = {}
    while True:
        try:
            job = jobs.recv()
        except EOFError:
            job = None
        if job is None:
            for stage in stages.values():
                _close(stage)
            return
        index, definition, page_bytes = job
        try:
            if definition is not None:
                definition = pickle.loads(definition)
                started = time.perf_counter()
                guard.attempt = None
                try:
                    stages[index] = _prepared(definition)
                except MemoryError:
                    raise
                except (Exception, SystemExit) as error:  # it resolved in the parent: a failure here is this worker's
                    failed[index] = f"cannot load {definition.spec!r} in a worker: {_describe(error)}"
                conn.send(("loaded", index, time.perf_counter() - started))
            if index in failed:
                conn.send(("done", "error", "", failed[index], None, _peak_rss_mb(), False))
            else:
                conn.send(("done", *_process(stages[index], pickle.loads(page_bytes), guard=guard, settings=settings)))
        except MemoryError:
            _out_of_memory(conn, settings.memory_mb)


def _prepared(definition: StageDefinition) -> Any:
    """Resolve a stage spec, give it its fitted state, and let it load its library (`prepare()`),
    outside any page's clock."""
    from cleanbench.stages.registry import resolve

    stage = resolve(definition.spec)
    if definition.state is not None:
        stage.use_state(definition.state)
    prepare = getattr(stage, "prepare", None)
    if callable(prepare):
        prepare()
    return stage


def _process(stage: Any, page: PageInput, *, guard: _NetworkGuard, settings: WorkerSettings) -> tuple[Any, ...]:
    """Run one page through one stage; the outcome fields. A MemoryError propagates: the worker then ends."""
    from cleanbench.stages.base import Drop

    guard.attempt = None
    start = time.perf_counter()
    try:
        text = stage.process(page)
    except MemoryError:
        raise
    except (Exception, SystemExit) as error:
        text, failure = "", _describe(error)
    else:
        failure = None
    seconds = time.perf_counter() - start
    if guard.attempt is not None:
        failure = f"network access is blocked during extraction ({guard.attempt})"
    elif isinstance(text, Drop):
        return ("dropped", "", str(text.reason) or "dropped", seconds, _peak_rss_mb(), True)
    elif failure is None:
        failure = output_problem(text, max_bytes=settings.max_output_bytes)
    if failure is not None:
        return ("error", "", failure, seconds, _peak_rss_mb(), True)
    text = text or ""
    return ("ok" if text.strip() else "empty", text, None, seconds, _peak_rss_mb(), True)


def output_problem(text: object, *, max_bytes: int) -> str | None:
    """Why a stage's output cannot be kept (not a string, over the size cap, a lone surrogate), or None."""
    if text is None:
        return None
    if not isinstance(text, str):
        return f"returned {type(text).__name__}, not str"
    if len(text) > max_bytes // 4:  # a character is 1 to 4 bytes: only then is the size worth measuring
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            return f"output of {size / _MIB:.1f} MB is over the cap of {max_bytes / _MIB:g} MB (--max-output-mb)"
    found = _SURROGATE.search(text)
    if found is not None:
        return f"output holds a lone surrogate (U+{ord(found.group()):04X}) at character {found.start()}: not text"
    return None


def isolate_network(mode: str) -> str:
    """Enter a network namespace of this process's own (mode auto or require); what isolation holds.

    The namespace has only a loopback interface, down: every connection this process and its children
    try fails. As root, a network namespace alone; otherwise a user namespace too (the process keeps
    its own uid and gid inside it). Returns "namespace" or "audit hook only (<why>)".
    """
    if mode == "off":
        return "audit hook only (network namespace turned off)"
    if not sys.platform.startswith("linux"):
        return f"audit hook only (no network namespaces on {sys.platform})"
    libc = ctypes.CDLL(None, use_errno=True)
    if os.geteuid() == 0 and libc.unshare(_CLONE_NEWNET) == 0:
        return "namespace"
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        except OSError:
            pass  # unmapped ids still reach the same files; only the names shown change
        return "namespace"
    reason = os.strerror(ctypes.get_errno())
    return f"audit hook only (unshare failed: {reason})"


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as out:
        out.write(text)


def _close(stage: Any) -> None:
    """Release what a stage built (a child process, say), if it knows how."""
    close = getattr(stage, "close", None)
    if callable(close):
        close()


def _out_of_memory(conn: Connection, memory_mb: int | None) -> NoReturn:
    """Report a MemoryError as a crash and end the worker: its heap may be in no state to go on."""
    cap = f" (memory cap {memory_mb} MB)" if memory_mb is not None else ""
    try:
        conn.send(("done", "crash", "", f"out of memory{cap}", None, _peak_rss_mb(), False))
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

"""On a Ray node: a batch of jobs through cleanbench's own sandbox, each outcome streamed back as it completes.

`run_batch` is the body of the Ray task `cleanbench.run.ray_engine` submits. It runs the batch on a
`Sandbox` of one worker process (the task holds one CPU): per-page timeout, memory cap, network guard
and statuses are the local runner's, and a page that hangs or kills its worker ends that worker, never
the Ray worker. The sandbox outlives the task: the next batch of the same run in the same Ray worker
process reuses it, so a stage's library is loaded once per Ray worker, not once per batch. With one
sandbox worker, jobs run in batch order; the driver relies on it to tell which page was running when
it had to cancel a batch.

The task yields `("started", None, isolation)` first, then `("done", outcome, isolation)` per job.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from cleanbench.run.sandbox import Job, Limits, Sandbox
from cleanbench.run.worker import StageDefinition

_KEPT: dict[str, Any] = {}  # "run": the run id the kept sandbox serves, "sandbox": it


def run_batch(
    jobs: Sequence[Job],
    definitions: Sequence[StageDefinition],
    *,
    run_id: str,
    limits: Limits,
    environ: Mapping[str, str] | None,
    path: Sequence[str] | None,
) -> Iterator[tuple[str, Any, str | None]]:
    """Run `jobs` (stage indexes into `definitions`) one after the other; yield each outcome as it completes."""
    with _plain_main():
        sandbox = _sandbox(run_id, limits=limits, environ=environ, path=path)
        sandbox.definitions[len(sandbox.definitions):] = definitions[len(sandbox.definitions):]  # a run's definitions only grow
        yield ("started", None, sandbox.isolation)
        for outcome in sandbox.run(jobs):
            yield ("done", outcome, sandbox.isolation)


def _sandbox(run_id: str, *, limits: Limits, environ: Mapping[str, str] | None, path: Sequence[str] | None) -> Sandbox:
    """This Ray worker's sandbox for the run: kept from an earlier batch of it, else a new one (an older run's closed)."""
    kept = _KEPT.get("sandbox")
    if kept is not None and _KEPT.get("run") == run_id:
        return kept
    if kept is not None:
        kept.close()
    sandbox = Sandbox(workers=1, limits=limits, environ=environ, path=path)
    _KEPT.update(run=run_id, sandbox=sandbox)
    return sandbox


@contextmanager
def _plain_main() -> Iterator[None]:
    """Hide the Ray worker's main module while the sandbox starts processes.

    The fork server, and every process it starts, would otherwise import the Ray worker's main script
    again (multiprocessing re-imports `__main__` by its path), and Ray with it: seconds of start-up and
    hundreds of MB counted against each worker's memory cap. A blank `__main__` has nothing to re-import.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main

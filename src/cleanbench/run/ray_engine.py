"""The `ray` engine: the runner's jobs run in Ray tasks, each task a batch through cleanbench's own sandbox.

`RayEngine` stands where the local `Sandbox` stands in `cleanbench.run.runner` (`add_stage`, `run`,
`isolation`, a context manager): the driver keeps the plan, the journal, the cache, the fits and the
progress, and the engine only decides where a batch of (page, stage) jobs runs.

- **Batches.** A batch is the next `BATCH_JOBS` jobs in the runner's order (page by page, every stage of
  the level for a page), and on to the end of its last page's jobs (a level of S stages: at most
  BATCH_JOBS + S - 1 jobs), fewer at the end of a level. Each batch is one `ray.put` (a page's HTML is
  stored once in it, however many stages read it, and no other batch of the level holds the page) and
  one Ray task asking for one CPU; the stage
  definitions (with a corpus cleaner's fitted state) are one `ray.put` per level. At most one batch
  per CPU of the cluster (or per `workers`) is in flight, so a batch starts as soon as it is sent.
- **Outcomes** stream back one per job as it completes (a Ray generator task), and are handed to the
  driver then: a batch cut short loses no finished page.
- **Budget.** Ray has no task timeout. A batch may take the sum of its pages' timeouts, a load timeout per
  stage it holds and `BATCH_SLACK_S`; past that the driver cancels it with force. (The sandbox inside
  enforces each page's timeout, so only a frozen Ray worker or node gets there.)
- **Batches cut short** (cancelled, or their Ray worker or node died) keep every outcome that arrived.
  The job that was running is sent again alone, the others back in line: a job alone in a batch that
  started and overran is a `timeout`, one alone in a batch whose worker dies `MAX_BATCH_DEATHS` times is
  a `crash`; no other job is ever judged by what happened to its batch. Ray never retries a task itself
  (`max_retries=0`): a page's error is never run twice.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleanbench.errors import CleanbenchError, RunError
from cleanbench.run.sandbox import Job, Limits, Outcome, default_workers
from cleanbench.run.worker import StageDefinition

BATCH_JOBS = 16  # jobs per Ray task (then to the end of the last page's): amortizes a task's dispatch, keeps a lost batch small
BATCH_SLACK_S = 60.0  # beyond its pages' timeouts and its stages' load timeouts: the sandbox's start, a busy node
MAX_BATCH_DEATHS = 3  # a job running when its batch died this many times is a crash
LOCAL_OBJECT_STORE_MB = 512  # the object store of a Ray started here (it spills to disk when full)
INSTALL_HINT = "the ray engine needs Ray: pip install 'cleanbench[ray]'"


def require_ray() -> None:
    """Raise RunError saying what to install when Ray is not importable (without importing it)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise RunError(INSTALL_HINT)


@dataclass
class _Batch:
    """A batch in flight: its jobs in order, those not finished yet, and when it was sent and last heard of."""

    jobs: list[Job]
    open: dict[int, Job]
    sent: float
    budget: float
    started: float | None = None
    heard: float = 0.0
    stages: set[int] = field(default_factory=set)


class RayEngine:
    """Runs jobs in Ray tasks. `address`: None starts a Ray on this machine (with `workers` CPUs, default
    all), unless this process is already connected to one; `auto` or an address joins a running cluster."""

    def __init__(self, *, address: str | None = None, workers: int | None = None, limits: Limits | None = None) -> None:
        require_ray()
        self.address = address
        self.workers = workers
        self.limits = limits or Limits()
        self.definitions: list[StageDefinition] = []
        self.isolation: str | None = None
        self.run_id = uuid.uuid4().hex
        self.started_s: float | None = None  # seconds Ray took to start or connect
        self._owned = False  # whether this engine started Ray (and shuts it down)
        self._temp_dir: str | None = None
        self._ray: Any = None
        self._task: Any = None
        self._slots = 1
        self._deaths: dict[int, int] = {}
        self._again: deque[Job] = deque()  # the unfinished jobs of batches cut short: sent first
        self._solo: deque[Job] = deque()  # jobs that were (or may have been) running when their batch was cut short
        self._upcoming: Job | None = None  # drawn, but the first of the next batch
        self._ship_env = False

    def __enter__(self) -> RayEngine:
        import ray

        self._ray = ray
        began = time.monotonic()
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if self.address is None:
                self._temp_dir = tempfile.mkdtemp(prefix="cbray-")
                ray.init(
                    num_cpus=self.workers or default_workers(),
                    include_dashboard=False,
                    object_store_memory=LOCAL_OBJECT_STORE_MB * 1024 * 1024,
                    _temp_dir=self._temp_dir,
                    log_to_driver=False,
                )
            else:
                try:
                    ray.init(address=self.address, log_to_driver=False)
                except (ConnectionError, RuntimeError, ValueError) as error:
                    raise RunError(f"cannot join the Ray cluster at {self.address!r}: {error}") from None
            self._owned = True
        self.started_s = time.monotonic() - began
        # A Ray on this machine alone runs stages as the driver would: with its environment and sys.path
        # (a plugin beside the caller included). A cluster's nodes run them with their own.
        self._ship_env = self.address is None and (self._temp_dir is not None or _all_nodes_here(ray))
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self._slots = max(1, min(cpus, self.workers) if self.workers else cpus)
        from cleanbench.run.ray_task import run_batch

        self._task = ray.remote(num_cpus=1, max_retries=0, num_returns="streaming")(run_batch)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._ray is not None and self._owned:
            self._ray.shutdown()
            self._owned = False
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def add_stage(self, spec: str, *, state: Any = None) -> int:
        """Register a stage (its spec, and a corpus cleaner's fitted state); its index for jobs."""
        self.definitions.append(StageDefinition(spec, state))
        return len(self.definitions) - 1

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Run the jobs in Ray tasks; yield each outcome as it arrives (completion order), once per job."""
        ray = self._ray
        pending = iter(jobs)
        self._again.clear()
        self._solo.clear()
        self._upcoming = None
        definitions = None  # put with the first batch: the runner adds a level's stages as it starts drawing jobs
        flight: dict[Any, _Batch] = {}
        try:
            while True:
                while len(flight) < self._slots:
                    batch = self._next_batch(pending)
                    if not batch:
                        break
                    if definitions is None:
                        definitions = ray.put(list(self.definitions))
                    flight[self._submit(batch, definitions)] = self._batch(batch)
                if not flight:
                    return
                now = time.monotonic()
                wait_s = max(0.0, min(batch.sent + batch.budget for batch in flight.values()) - now)
                ready, _ = ray.wait(list(flight), num_returns=1, timeout=min(wait_s, 5.0))
                for generator in ready:
                    yield from self._take(generator, flight)
                now = time.monotonic()
                for generator, batch in list(flight.items()):
                    if now >= batch.sent + batch.budget:
                        ray.cancel(generator, force=True)
                        del flight[generator]
                        yield from self._cut_short(batch, overran=True)
        finally:
            for generator in flight:
                ray.cancel(generator, force=True)

    def _next_batch(self, pending: Iterator[Job]) -> list[Job]:
        """A suspect job alone; else the jobs of batches cut short, then new ones: BATCH_JOBS, and on to the
        end of the last page's jobs (so a page's jobs of one level travel in one batch)."""
        if self._solo:
            return [self._solo.popleft()]
        batch = [self._again.popleft() for _ in range(min(len(self._again), BATCH_JOBS))]
        while True:
            job, self._upcoming = (self._upcoming, None) if self._upcoming is not None else (next(pending, None), None)
            if job is None:
                return batch
            if len(batch) >= BATCH_JOBS and job.page.id != batch[-1].page.id:
                self._upcoming = job
                return batch
            batch.append(job)

    def _submit(self, batch: list[Job], definitions: Any) -> Any:
        environ, path = (dict(os.environ), list(sys.path)) if self._ship_env else (None, None)
        return self._task.remote(self._ray.put(batch), definitions, run_id=self.run_id, limits=self.limits, environ=environ, path=path)

    def _batch(self, jobs: list[Job]) -> _Batch:
        stages = {job.stage for job in jobs}
        budget = len(jobs) * self.limits.timeout + len(stages) * self.limits.load_timeout + BATCH_SLACK_S
        now = time.monotonic()
        return _Batch(jobs=jobs, open={job.key: job for job in jobs}, sent=now, budget=budget, heard=now, stages=stages)

    def _take(self, generator: Any, flight: dict[Any, _Batch]) -> Iterator[Outcome]:
        """What a ready batch sent: an outcome, its end, or its death."""
        ray = self._ray
        batch = flight[generator]
        try:
            kind, outcome, isolation = ray.get(next(generator))
        except StopIteration:
            del flight[generator]
            self._again.extend(job for job in batch.jobs if job.key in batch.open)  # none, unless the sandbox lost one
            return
        except ray.exceptions.RayTaskError as error:  # our code raised inside the task: not a page's doing
            del flight[generator]
            cause = getattr(error, "cause", None)
            if isinstance(cause, CleanbenchError):
                raise cause from None
            raise RunError(f"a Ray task failed: {' '.join(str(error).split())[:500]}") from None
        except ray.exceptions.RayError:  # its worker or node died
            del flight[generator]
            yield from self._cut_short(batch, overran=False)
            return
        batch.heard = time.monotonic()
        self._note_isolation(isolation)
        if kind == "started":
            batch.started = batch.heard
        elif batch.open.pop(outcome.key, None) is not None:
            yield outcome

    def _cut_short(self, batch: _Batch, *, overran: bool) -> Iterator[Outcome]:
        """A batch that ran past its budget (cancelled) or died: nothing it finished is lost, and nothing it
        had not finished is judged on a guess.

        The job that was running is the first unfinished one, or the one after it (an outcome may be lost
        in flight with its Ray worker): it is sent again alone, and the rest of the batch goes back in line.
        A job alone in its batch is the one that ran: past its budget once it had started, it is a `timeout`;
        dead with its Ray worker (or cut short before it was heard to start) `MAX_BATCH_DEATHS` times, a
        `crash` (a `timeout`); otherwise it is sent alone again.
        """
        unfinished = [job for job in batch.jobs if job.key in batch.open]
        if not unfinished:
            return
        if len(batch.jobs) > 1:
            self._solo.append(unfinished[0])
            self._again.extendleft(reversed(unfinished[1:]))
            return
        job = unfinished[0]
        ran = time.monotonic() - (batch.started or batch.sent)
        self._deaths[job.key] = self._deaths.get(job.key, 0) + 1
        if overran and (batch.started is not None or self._deaths[job.key] >= MAX_BATCH_DEATHS):
            yield Outcome(job.key, "timeout", error=f"timed out after {ran:.1f} s (its Ray task was cancelled)", seconds=ran, cacheable=False)
        elif not overran and self._deaths[job.key] >= MAX_BATCH_DEATHS:
            yield Outcome(job.key, "crash", error=f"its Ray worker died {MAX_BATCH_DEATHS} times while running it", seconds=ran, cacheable=False)
        else:
            self._solo.append(job)  # not yet started (no CPU free, say): it has not run

    def _note_isolation(self, isolation: str | None) -> None:
        """The weakest isolation any batch reported is the one that held."""
        if isolation is not None and (self.isolation is None or self.isolation == "namespace"):
            self.isolation = isolation


def _all_nodes_here(ray: Any) -> bool:
    """Whether every live node of the cluster this process is connected to runs on this machine."""
    import socket

    nodes = [node for node in ray.nodes() if node.get("Alive")]
    return bool(nodes) and all(node.get("NodeManagerHostname") == socket.gethostname() for node in nodes)

"""An annotation session: the pages, each page's state, the log, and the output file.

Every change goes: checked (`apply_change`), logged (appended and synced), applied, and then the
output is written again, atomically, from the pages marked done whose records pass `validate()`
(strict). A page marked done whose record stops passing (say, a `with` snippet whose block is no longer
content) is marked not done by a logged change of its own, with the reason. Opening a session on an
output that has a log replays it; the pages given must be the pages the log names, unchanged.

Guesses come from `guess` (`annotate.guess.panel_guess`), computed on a background thread ahead of
the annotator; a page asked for before its turn is guessed at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleanbench import __version__
from cleanbench.annotate.blocks import SEGMENTATION
from cleanbench.annotate.guess import Guess, Started
from cleanbench.annotate.log import (
    LOG_FORMAT,
    LOG_VERSION,
    AnnotationLog,
    log_path,
    page_events,
)
from cleanbench.annotate.record import findings, page_record
from cleanbench.annotate.sources import SourcePage
from cleanbench.annotate.state import PageState, apply_change
from cleanbench.atomic import atomic_file, ensure_folder
from cleanbench.errors import AnnotationError, OutputError
from cleanbench.jsonl import write_lines


class Session:
    """The pages being annotated into `out`. Thread-safe: the server calls it from many threads."""

    def __init__(self, pages: Sequence[SourcePage], *, out: Path, guess: Guess, batch: int = 4) -> None:
        if out.suffix != ".jsonl":
            raise AnnotationError(f"{out}: the output must be a .jsonl file")
        ensure_folder(out.parent)
        self.out = out
        self.log = AnnotationLog(log_path(out))
        self.pages = list(pages)
        self._by_id = {page.id: index for index, page in enumerate(self.pages)}
        self._guess = guess
        self._batch = batch
        self._states: dict[str, PageState] = {}
        self._started: dict[str, Started] = {}
        self._changes: dict[str, int] = {}
        self._lock = threading.RLock()
        self._ready = threading.Condition(self._lock)
        self._wanted: int = 0
        self._stop = False
        self._failure: str | None = None
        self.position = 0
        self.resumed = self._resume()
        self.write_output()
        self._worker = threading.Thread(target=self._guess_ahead, name="cleanbench-guess", daemon=True)

    # -- opening ------------------------------------------------------------------------------------

    def _resume(self) -> int:
        """Replay the log, if there is one; the number of pages it held. Refuses an output without a log."""
        events = self.log.read()
        if not events:
            if self.out.exists():
                raise AnnotationError(
                    f"{self.out}: exists, and has no annotation log beside it ({self.log.path.name}); "
                    "refusing to overwrite it: choose another --out"
                )
            self.log.append({"log": LOG_FORMAT, "version": LOG_VERSION, "out": self.out.name, "segmentation": SEGMENTATION, "cleanbench": __version__})
            return 0
        if events[0].get("segmentation") != SEGMENTATION:
            raise AnnotationError(
                f"{self.log.path}: made with block segmentation {events[0].get('segmentation')!r}, this cleanbench cuts pages "
                f"with {SEGMENTATION!r}: finish it with the cleanbench that started it"
            )
        for number, event in page_events(events):
            where = f"{self.log.path}:{number}"
            page_id = event.get("page")
            if page_id not in self._by_id:
                raise AnnotationError(f"{where}: the log holds page {page_id!r}, which is not among the pages given: give the same pages again")
            if "start" in event:
                page = self.pages[self._by_id[page_id]]
                if event.get("digest") != page.digest:
                    raise AnnotationError(f"{where}: page {page_id!r} ({page.origin}) changed since it was annotated; refusing to mix annotations")
                state = PageState.from_json(event["start"], where=where)
                self._started[page_id] = Started(state, tuple(event.get("panel", ())), dict(event.get("failures", {})))
                self._states[page_id] = state
            elif "change" in event:
                if page_id not in self._states:
                    raise AnnotationError(f"{where}: a change to page {page_id!r} before its start")
                try:
                    self._states[page_id], _ = apply_change(self._states[page_id], event["change"])
                except AnnotationError as error:
                    raise AnnotationError(f"{where}: {error}") from None
                self._changes[page_id] = self._changes.get(page_id, 0) + 1
            elif event.get("visit"):
                self.position = self._by_id[page_id]
        self._wanted = self.position
        return len(self._states)

    def start_guessing(self) -> None:
        """Start the background thread that guesses the pages ahead of the annotator."""
        self._worker.start()

    def close(self) -> None:
        with self._lock:
            self._stop = True
            self._ready.notify_all()

    # -- reading ------------------------------------------------------------------------------------

    def state(self, index: int, *, timeout: float = 600.0) -> PageState:
        """A page's state, waiting for its guess when it has none yet (the guess thread does it next)."""
        page = self._page(index)
        with self._ready:
            if page.id not in self._states:
                self._wanted = index
                self._ready.notify_all()
                if not self._worker.is_alive():
                    self._guess_now([page])
                deadline = time.monotonic() + timeout
                while page.id not in self._states and self._failure is None:
                    if not self._ready.wait(timeout=max(0.0, deadline - time.monotonic())):
                        break
                if page.id not in self._states:
                    raise AnnotationError(f"page {page.id!r}: no guess: {self._failure or 'the extractors took too long'}")
            return self._states[page.id]

    def started(self, index: int) -> Started | None:
        with self._lock:
            return self._started.get(self._page(index).id)

    def summary(self) -> list[dict[str, Any]]:
        """One row per page: id, url, origin, whether guessed, done, and how many changes."""
        with self._lock:
            return [
                {
                    "index": index,
                    "id": page.id,
                    "url": page.url,
                    "origin": page.origin,
                    "guessed": page.id in self._states,
                    "done": bool(self._states.get(page.id) and self._states[page.id].done),
                    "changes": self._changes.get(page.id, 0),
                }
                for index, page in enumerate(self.pages)
            ]

    def record(self, index: int) -> dict[str, Any]:
        page = self._page(index)
        return self._record(page, self.state(index))

    def findings(self, index: int) -> list[str]:
        return findings(self.record(index), set_name=self.out.stem)

    # -- changing -----------------------------------------------------------------------------------

    def visit(self, index: int) -> None:
        page = self._page(index)
        with self._lock:
            self.position = index
            self.log.append({"page": page.id, "visit": True, "at": _now()})

    def change(self, index: int, change: Any) -> tuple[PageState, dict[str, Any], list[str]]:
        """Apply one change: logged first, then applied, then the output written. Returns the new state,
        the change that undoes it, and notes (a done page that stopped passing `validate()`)."""
        page = self._page(index)
        state = self.state(index)
        with self._lock:
            state = self._states[page.id]
            new, undo = apply_change(state, change)
            notes: list[str] = []
            if isinstance(change, dict) and change.get("op") == "done" and change.get("on"):
                problems = findings(self._record(page, new), set_name=self.out.stem)
                if problems:
                    raise AnnotationError(f"page {page.id!r} cannot be done yet: {problems[0]}")
            self._log_change(page, change)
            if new.done and state.done:
                problems = findings(self._record(page, new), set_name=self.out.stem)
                if problems:
                    reopen = {"op": "done", "on": False}
                    new, _ = apply_change(new, reopen)
                    self._log_change(page, reopen)
                    notes.append(f"no longer done: {problems[0]}")
            self._states[page.id] = new
            self.write_output()
            return new, undo, notes

    def _log_change(self, page: SourcePage, change: Any) -> None:
        self.log.append({"page": page.id, "change": change, "at": _now()})
        self._changes[page.id] = self._changes.get(page.id, 0) + 1

    def write_output(self) -> int:
        """Write the done pages' records to the output (atomically); the number written."""
        with self._lock:
            records = []
            for page in self.pages:
                state = self._states.get(page.id)
                if state is not None and state.done:
                    record = self._record(page, state)
                    if not findings(record, set_name=self.out.stem):
                        records.append(record)
            with atomic_file(self.out) as out:
                write_lines(out, records)
            return len(records)

    def _record(self, page: SourcePage, state: PageState) -> dict[str, Any]:
        started = self._started.get(page.id)
        meta = {
            "source": "cleanbench annotate",
            "origin": page.origin,
            "encoding": page.encoding,
            "decode_method": page.decode_method,
            "annotation": {
                "tool": f"cleanbench {__version__}",
                "segmentation": SEGMENTATION,
                "panel": list(started.panel) if started else [],
                "log": self.log.path.name,
            },
        }
        return page_record(page_id=page.id, html=page.html, text=None, url=page.url, state=state, meta=meta)

    # -- guessing -----------------------------------------------------------------------------------

    def _guess_ahead(self) -> None:
        while True:
            with self._ready:
                while not self._stop and self._next_batch() == []:
                    self._ready.wait()
                if self._stop:
                    return
                batch = self._next_batch()
            self._guess_now(batch)

    def _next_batch(self) -> list[SourcePage]:
        """Up to `batch` unguessed pages from the one wanted on (then from the start)."""
        order = list(range(self._wanted, len(self.pages))) + list(range(self._wanted))
        return [self.pages[i] for i in order if self.pages[i].id not in self._states][: self._batch]

    def _guess_now(self, pages: Sequence[SourcePage]) -> None:
        try:
            guessed = self._guess(pages)
        except Exception as error:  # noqa: BLE001  the guess runs extractors: any failure is reported to the page that waits
            with self._ready:
                self._failure = f"{type(error).__name__}: {error}"
                self._ready.notify_all()
            return
        with self._ready:
            for page in pages:
                if page.id in self._states or page.id not in guessed:
                    continue
                started = guessed[page.id]
                try:
                    self.log.append(
                        {
                            "page": page.id,
                            "start": started.state.to_json(),
                            "digest": page.digest,
                            "origin": page.origin,
                            "panel": list(started.panel),
                            "failures": started.failures,
                            "at": _now(),
                        }
                    )
                except OutputError as error:
                    self._failure = str(error)
                    break
                self._started[page.id] = started
                self._states[page.id] = started.state
            self._ready.notify_all()

    def _page(self, index: int) -> SourcePage:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.pages):
            raise AnnotationError(f"no page {index!r} (there are {len(self.pages)})")
        return self.pages[index]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")

"""The annotation log: an append-only JSON Lines file beside the output (`OUT.jsonl.log`) holding every
event of every session, so that nothing the annotator did is lost and a crash or a closed tab resumes
where it stopped.

Events, one per line (`jsonl.dumps`), each flushed and synced before the tool answers:
- `{"log": "cleanbench-annotate", "version": 1, ...}`: the first line;
- `{"page": ID, "start": STATE, "digest": SHA256, ...}`: the guess a page started from;
- `{"page": ID, "change": CHANGE}`: one change (see `annotate.state`);
- `{"page": ID, "visit": true}`: the page the annotator opened (where a new session starts).
A last line without its newline is a write a crash cut short (the tool had not answered it): reading
drops it, and the next append first cuts it off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleanbench.errors import AnnotationError, OutputError
from cleanbench.jsonl import dumps, json_lines, split_lines

LOG_FORMAT = "cleanbench-annotate"
LOG_VERSION = 1


def log_path(out: Path) -> Path:
    """The log of an output file: `OUT.jsonl` -> `OUT.jsonl.log`, beside it."""
    return out.with_name(out.name + ".log")


class AnnotationLog:
    """The log file of one output. `read()` its events; `append()` one, durably."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cut_short = False  # the last line was a write a crash cut short

    def read(self) -> list[dict[str, Any]]:
        """Every complete event, in order; an empty list when the log does not exist yet."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise AnnotationError(f"{self.path}: cannot read the annotation log: {error.strerror or error}") from None
        self.cut_short = bool(data) and not data.endswith(b"\n")
        lines = split_lines(data)
        if self.cut_short:
            lines = lines[:-1]
        events = [event for _, event in json_lines(lines, source=str(self.path), error=AnnotationError)]
        for number, event in enumerate(events, start=1):
            if not isinstance(event, dict):
                raise AnnotationError(f"{self.path}:{number}: expected a JSON object")
        if events and events[0].get("log") != LOG_FORMAT:
            raise AnnotationError(f"{self.path}:1: not a cleanbench annotation log")
        if events and events[0].get("version") != LOG_VERSION:
            raise AnnotationError(f"{self.path}:1: annotation log version {events[0].get('version')!r}; this cleanbench reads version {LOG_VERSION}")
        return events

    def append(self, event: dict[str, Any]) -> None:
        """Write one event and sync it to disk; `OutputError` naming the log when that fails."""
        line = (dumps(event) + "\n").encode("utf-8")
        try:
            with self.path.open("ab") as out:
                if self.cut_short:
                    self._cut_last_line(out)
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write the annotation log: {error.strerror or error}") from None

    def _cut_last_line(self, out: Any) -> None:
        data = self.path.read_bytes()
        out.truncate(data.rfind(b"\n") + 1)
        self.cut_short = False


def page_events(events: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The events after the first line, with their line numbers (for errors)."""
    yield from enumerate(events[1:], start=2)

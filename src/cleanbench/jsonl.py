"""JSON Lines: one JSON value a line, read with each record's place ("file:line") for error messages.

Gold sets, predictions, a run's journal and its per-page records are all JSONL; every reader goes
through `json_lines`, so a bad line is reported the same way everywhere, naming the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from cleanbench.errors import CleanbenchError


def json_lines(lines: Iterable[str], *, source: str, error: type[CleanbenchError]) -> Iterator[tuple[str, Any]]:
    """`(where, value)` for each non-blank line, `where` = "source:line"; a line that is not JSON raises
    `error` naming its place."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as problem:
            raise error(f"{where}: not a JSON record: {problem}") from None
        yield where, value

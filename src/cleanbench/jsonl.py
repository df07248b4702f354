"""JSON Lines, the one reader and writer: gold sets, predictions, a run's journal and its per-page records.

Lines end at "\n" and nowhere else. The writer escapes U+2028, U+2029 and U+0085 (JSON allows them raw
inside strings, and `str.splitlines()` would split there), and the reader splits on "\n" only, so a
page holding those characters reads back whole and every error names the right line. A line that is not
UTF-8, not JSON, nested past `MAX_DEPTH`, or holding a lone surrogate (`"\\ud800"`) is an error naming
"file:line" (and the field, for a surrogate).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cleanbench.errors import CleanbenchError

# Characters JSON leaves raw that other line readers break lines at.
_RAW_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"})
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 200
"""Deepest nesting of arrays and objects a record may have (cleanbench's own records use 5)."""


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """One JSON Lines record, without its newline: UTF-8 text kept, the three raw line breaks escaped."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys).translate(_RAW_BREAKS)


def write_lines(out: IO[str], values: Iterable[Any], *, sort_keys: bool = False) -> None:
    """Write each value as one line."""
    for value in values:
        out.write(dumps(value, sort_keys=sort_keys) + "\n")


def loads(text: str, *, where: str, error: type[CleanbenchError], document: bool = False) -> Any:
    """A JSON Lines record, or with `document` a whole JSON file, checked alike; errors name `where`
    (and, for a document, the line)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as problem:
        if document:
            raise error(f"{where}:{problem.lineno}: not a JSON document: {problem.msg} (column {problem.colno})") from None
        raise error(f"{where}: not a JSON record: {problem}") from None
    except RecursionError:
        raise error(f"{where}: not a JSON {'document' if document else 'record'}: nested too deeply") from None
    problem = _problem(value)
    if problem is not None:
        raise error(f"{where}: {problem}")
    return value


def read_json_lines(
    path: str | Path, *, error: type[CleanbenchError], source: str | None = None, max_line_bytes: int | None = None
) -> Iterator[tuple[str, Any]]:
    """`(where, value)` for each non-blank line of a file, `where` = "source:line" (`source` defaults to
    the path). An unreadable file, a line that is not UTF-8 or not JSON, or one longer than
    `max_line_bytes` (refused before it is read whole) raises `error` naming its place."""
    target = Path(path)
    name = str(target) if source is None else source
    try:
        handle = target.open("rb")
    except IsADirectoryError:
        raise error(f"{name}: is a folder, not a JSON Lines file") from None
    except OSError as problem:
        raise error(f"{name}: cannot read: {problem.strerror or problem}") from None
    with handle:
        yield from json_lines(_capped_lines(handle, name=name, limit=max_line_bytes, error=error), source=name, error=error)


def _capped_lines(handle: IO[bytes], *, name: str, limit: int | None, error: type[CleanbenchError]) -> Iterator[bytes]:
    number = 0
    while True:
        try:
            line = handle.readline(-1 if limit is None else limit + 1)
        except OSError as problem:
            raise error(f"{name}: cannot read: {problem.strerror or problem}") from None
        if not line:
            return
        number += 1
        if limit is not None and len(line.rstrip(b"\n")) > limit:
            raise error(f"{name}:{number}: longer than {limit / 2**20:g} MB: refused unread (--max-page-mb)")
        yield line


def json_lines(lines: Iterable[bytes] | IO[bytes], *, source: str, error: type[CleanbenchError]) -> Iterator[tuple[str, Any]]:
    """`(where, value)` for each non-blank line of a byte stream split on b"\\n" (a binary file splits
    there by itself), `where` = "source:line"."""
    for number, raw in enumerate(lines, start=1):
        where = f"{source}:{number}"
        line = decode_line(raw, where=where, error=error)
        if line.strip():
            yield where, loads(line, where=where, error=error)


def decode_line(raw: bytes, *, where: str, error: type[CleanbenchError]) -> str:
    """One line's bytes as UTF-8 text; `error` naming `where` and the byte when they are not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise error(f"{where}: not UTF-8 text (byte {raw[problem.start]:#04x} at column {problem.start + 1})") from None


def split_lines(data: bytes) -> list[bytes]:
    """A byte string's lines, split on b"\\n" only (what `json_lines` takes from memory)."""
    lines = data.split(b"\n")
    return lines[:-1] if lines and not lines[-1] else lines


def _problem(value: Any) -> str | None:
    """What makes a parsed value unfit to keep: nesting past MAX_DEPTH, or a string with a lone surrogate."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                field = f"field {path!r}: " if path else ""
                return f"{field}a lone surrogate (U+{ord(found.group()):04X}) at character {found.start()}: not text"
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep"
            if isinstance(item, dict):
                for key, child in item.items():
                    if _SURROGATE.search(key):
                        return f"field {path or '(top level)'!r}: a key holds a lone surrogate: not text"
                    stack.append((child, f"{path}.{key}" if path else key, depth + 1))
            else:
                stack.extend((child, f"{path}[{index}]", depth + 1) for index, child in enumerate(item))
    return None

"""Every broken record of a native gold file at once: what `data validate` lists when a set does not
load, so that fixing one record does not reveal the next one run after run.

A folder set is read file by file, a JSON Lines file line by line; each record goes through the same
checks as loading (`gold.load.folder_record` and `native_record`), and an id seen before is named with
the place that first held it. Public sets (`aeb:`, `wcxb:`, ...) are imported by their own readers and
are not covered: their first error is the one reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cleanbench.errors import GoldError
from cleanbench.jsonl import decode_line, loads

_CHUNK = 1 << 20


def record_problems(spec: str, *, max_page_bytes: int) -> list[str] | None:
    """One line per broken record of the folder or `.jsonl` file `spec` names, in file order; None when
    `spec` is neither (another kind of set, whose loader reports its first error)."""
    path = Path(spec)
    if path.is_dir():
        return _problems(_folder(path, max_page_bytes=max_page_bytes))
    if path.is_file() and path.suffix == ".jsonl":
        return _problems(_jsonl(path, max_page_bytes=max_page_bytes))
    return None


def _problems(records: Iterator[tuple[str, str | None, str | None]]) -> list[str]:
    """Each record's problem, and each id seen twice; `records` yields (where, id or None, problem)."""
    problems: list[str] = []
    first: dict[str, str] = {}
    for where, page_id, problem in records:
        if problem is not None:
            problems.append(problem)
        elif page_id is not None and page_id in first:
            problems.append(f"{where}: field 'id': duplicate id {page_id!r} (first in {first[page_id]})")
        elif page_id is not None:
            first[page_id] = where
    return problems


def _folder(root: Path, *, max_page_bytes: int) -> Iterator[tuple[str, str | None, str | None]]:
    from cleanbench.gold.load import folder_record

    for path in sorted(root.glob("*.json")):
        where = f"{root.name}/{path.name}"
        try:
            yield where, folder_record(path, max_page_bytes=max_page_bytes)["id"], None
        except GoldError as error:
            yield where, None, str(error)


def _jsonl(path: Path, *, max_page_bytes: int) -> Iterator[tuple[str, str | None, str | None]]:
    from cleanbench.gold.load import native_record

    limit = 2 * max_page_bytes  # as loading: a line holds a page and its annotations
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            where = f"{path.name}:{number}"
            if len(raw.rstrip(b"\n")) > limit:
                _skip_rest_of_line(handle, raw)
                yield where, None, f"{where}: longer than {limit / 2**20:g} MB: refused unread (--max-page-mb)"
                continue
            try:
                line = decode_line(raw, where=where, error=GoldError)
                if not line.strip():
                    continue
                record = loads(line, where=where, error=GoldError)
                if not isinstance(record, dict):
                    raise GoldError(f"{where}: expected a JSON object")
                yield where, native_record(record, where=where, max_page_bytes=max_page_bytes)["id"], None
            except GoldError as error:
                yield where, None, str(error)


def _skip_rest_of_line(handle: object, read: bytes) -> None:
    while not read.endswith(b"\n"):
        read = handle.readline(_CHUNK)  # type: ignore[attr-defined]
        if not read:
            return

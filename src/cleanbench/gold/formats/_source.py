"""Reading a gold set's source files: JSON documents, gzipped pages and plain pages, errors naming the file.

Every page is read under a size cap (`max_bytes`, decoded size): a file or a gzip stream that would
decode past it is an error naming the page, read no further, so a small gzip that expands to gigabytes
never reaches memory.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from cleanbench.errors import GoldError
from cleanbench.gold.decode import decode_html
from cleanbench.jsonl import loads

_CHUNK = 1 << 20


def read_json(path: Path, *, root: Path) -> Any:
    """The parsed JSON document at `path`; a GoldError naming it (relative to the set) when unreadable."""
    where = _where(path, root)
    return loads(read_utf8(path, where=where), where=where, error=GoldError, document=True)


def read_utf8(path: Path, *, where: str, max_bytes: int | None = None) -> str:
    """A UTF-8 text file (at most `max_bytes`); a GoldError naming `where` when missing, too big or not UTF-8."""
    data = read_bytes(path, where=where, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GoldError(f"{where}: not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start}); save it as UTF-8") from None


def read_bytes(path: Path, *, where: str, max_bytes: int | None = None) -> bytes:
    """A file's bytes (at most `max_bytes`); GoldError naming `where` when it is missing, a folder or too big."""
    try:
        with path.open("rb") as source:
            data = source.read(-1 if max_bytes is None else max_bytes + 1)
    except FileNotFoundError:
        raise GoldError(f"{where}: no such file{' (a broken link)' if path.is_symlink() else ''}") from None
    except IsADirectoryError:
        raise GoldError(f"{where}: is a folder, not a file") from None
    except OSError as error:
        raise GoldError(f"{where}: cannot read: {error.strerror or error}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise GoldError(f"{where}: larger than the page size cap of {max_bytes / 2**20:g} MB (--max-page-mb)")
    return data


def read_page(path: Path, *, root: Path, max_bytes: int | None = None) -> tuple[str, dict[str, str]]:
    """A gzipped page decoded with `decode_html`, and its `meta` notes: `encoding` and `decode_method`."""
    where = _where(path, root)
    pending = read_bytes(path, where=where)
    parts: list[bytes] = []
    size = 0
    try:
        while pending:  # a gzip file may hold several members, one after the other
            inflate = zlib.decompressobj(wbits=47)  # 32 + 15: a gzip (or zlib) header
            while not inflate.eof:
                chunk = inflate.decompress(pending, _CHUNK)
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise GoldError(f"{where}: expands past the page size cap of {max_bytes / 2**20:g} MB (--max-page-mb)")
                parts.append(chunk)
                pending = inflate.unconsumed_tail
                if not pending and not inflate.eof:
                    raise GoldError(f"{where}: not a gzip file: the stream is cut short")
            pending = inflate.unused_data
    except zlib.error as error:
        raise GoldError(f"{where}: not a gzip file: {error}") from None
    decoded = decode_html(b"".join(parts))
    return decoded.text, {"encoding": decoded.encoding, "decode_method": decoded.method}


def _where(path: Path, root: Path) -> str:
    return f"{root.name}/{path.relative_to(root).as_posix()}"

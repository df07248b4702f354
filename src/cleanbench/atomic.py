"""Files written whole or not at all: a temp file beside the target, then a rename.

A reader never sees half a file, and an interrupted write leaves the old file as it was. The file gets
the permissions the user's umask gives a new file (a temp file alone would be 0600). A failure raises
`OutputError` naming the path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cleanbench.errors import OutputError


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write `data` (text as UTF-8) to `path`; returns the path."""
    with atomic_file(path, binary=isinstance(data, bytes)) as out:
        out.write(data)
    return Path(path)


@contextmanager
def atomic_file(path: str | Path, *, binary: bool = False) -> Iterator[IO]:
    """A file to write `path` through: renamed into place when the block ends, removed when it raises."""
    target = Path(path)
    temp = _temp_beside(target)
    try:
        with open(temp, "wb" if binary else "w", encoding=None if binary else "utf-8") as out:
            yield out
        os.chmod(temp, new_file_mode())
        os.replace(temp, target)
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def ensure_folder(path: str | Path) -> Path:
    """Create a folder (and its parents) to write into; `OutputError` naming it when that is not possible."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: exists and is not a folder") from None
    except OSError as error:
        raise OutputError(f"{folder}: cannot create this folder: {error.strerror or error}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: cannot write into this folder (permission denied)")
    return folder


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (0o666 minus the umask)."""
    return 0o666 & ~_umask()


def _temp_beside(target: Path) -> str:
    ensure_folder(target.parent)
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{target}: cannot write: {error.strerror or error}") from None
    os.close(handle)
    return temp


def _umask() -> int:
    """The process's umask, read without changing it where Linux says it (/proc), else by setting it back."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

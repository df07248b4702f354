"""Atomic writes: whole files or none, with the permissions the umask gives a new file (issue 10: they
were 0600 whatever the umask)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleanbench.atomic import atomic_file, write_atomic
from cleanbench.errors import OutputError


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_written_file_has_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        path = write_atomic(tmp_path / "out.json", "{}\n")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "out.txt", "old\n")
    with pytest.raises(RuntimeError):
        with atomic_file(path) as out:
            out.write("half")
            raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_unwritable_target_is_one_output_error() -> None:
    with pytest.raises(OutputError, match=r"^/proc/cleanbench-none: cannot create this folder"):
        write_atomic("/proc/cleanbench-none/out.txt", "x")

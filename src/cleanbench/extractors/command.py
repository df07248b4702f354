"""`cmd:PROGRAM ARGS...`: any external program as an extractor, HTML on stdin, text on stdout.

The words after `cmd:` are split as a POSIX shell splits them (`shlex.split`), but no shell runs. One
process per page; input and output are UTF-8. A non-zero exit is an error whose message ends with the
tail of the program's stderr. The version recorded is a digest of the program and of every argument
that names a file (a script), so editing the script invalidates cached predictions.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
from pathlib import Path

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.extractors.base import Adapter

PREFIX = "cmd:"
_STDERR_TAIL = 400


class CommandExtractor(Adapter):
    """An external program run once per page. Build it with `CommandExtractor("cmd:prog --flag")`."""

    package = None
    license = "the program's own"

    def __init__(self, spec: str) -> None:
        if not spec.startswith(PREFIX):
            raise ExtractorError(f"{spec!r}: a command extractor spec starts with {PREFIX!r}")
        try:
            argv = shlex.split(spec[len(PREFIX) :])
        except ValueError as error:
            raise ExtractorError(f"{spec!r}: cannot split the command line: {error}") from error
        if not argv:
            raise ExtractorError(f"{spec!r}: no program after {PREFIX!r}")
        self.name = spec  # type: ignore[misc]  # an instance attribute here, a class attribute in adapters
        self.argv = tuple(argv)
        self.options = {"argv": list(argv)}  # type: ignore[misc]
        self._version: str | None = None

    def program(self) -> str | None:
        """The program's path, looked up on PATH like a shell would; None when there is no such program."""
        return shutil.which(self.argv[0])

    def missing(self) -> list[str]:
        return [] if self.program() else [self.argv[0]]

    def check_installed(self) -> None:
        if self.program() is None:
            raise NotInstalledError(f"{self.name}: program {self.argv[0]!r} not found (not on PATH, or not executable)")

    def version(self) -> str | None:
        if self._version is None:
            program = self.program()
            if program is None:
                return None
            digest = hashlib.sha256()
            for path in (program, *self.argv[1:]):
                if Path(path).is_file():
                    digest.update(path.encode("utf-8") + b"\0" + Path(path).read_bytes())
            self._version = f"sha256-{digest.hexdigest()[:16]}"
        return self._version

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        completed = subprocess.run(
            [self.program() or self.argv[0], *self.argv[1:]],
            input=html.encode("utf-8"),
            capture_output=True,
            check=False,
        )
        if completed.returncode != 0:
            tail = " ".join(completed.stderr.decode("utf-8", errors="replace").split())[-_STDERR_TAIL:]
            raise ExtractorError(f"{self.name}: exited with status {completed.returncode}: {tail or '(no stderr)'}")
        return completed.stdout.decode("utf-8", errors="replace")

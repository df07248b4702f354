"""`cmd:PROGRAM ARGS...`: any external program as a stage, its input on stdin, text on stdout.

As a pipeline's first stage on an HTML page it reads the HTML (an extractor); after another stage, or
on a text page, it reads text (a cleaner). The words after `cmd:` are split as a POSIX shell splits them
(`shlex.split`), but no shell runs. One process per page; input and output are UTF-8. Exit code 3
drops the document (a document-level verdict; the reason is the tail of its stderr); any other
non-zero exit is an error whose message ends with the tail of the program's stderr. The process dies with its worker (Linux), so a timed-out page leaves no
program running.

Which code ran: the version recorded is a digest of the program and of every argument that names an
existing file (a script), so editing the script changes the version and misses the cache. Code that
arguments do not name as files cannot be proved: an interpreter or a shell given inline code or a
module (`sh -c '...'`, `python3 -c`, `python3 -m`, `node -e`, ...) is never cached, unless the user
names its version (`version=`, the CLI's `--cmd-version NAME=STRING`), which then is the version.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.lifetime import die_with_parent
from cleanbench.stages.base import BuiltinStage, Drop, PageInput

PREFIX = "cmd:"
DROP_EXIT = 3
_STDERR_TAIL = 400
# Programs that run code given on their command line, and the flags that give it.
_RUNS_CODE = re.compile(r"(?:ba|da|z|k|c|tc|fi)?sh|busybox|python[0-9.]*|pypy[0-9.]*|node(?:js)?|deno|bun|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|lua[0-9.]*|Rscript|julia|osascript|env")
_INLINE_FLAGS = frozenset({"-c", "-e", "-m", "-E", "-r", "-p", "--eval", "--command", "--print"})


class CommandStage(BuiltinStage):
    """An external program run once per page. Build it with `CommandStage("cmd:prog --flag")`."""

    package = None
    license = "the program's own"
    consumes = "any"

    def __init__(self, spec: str, *, version: str | None = None) -> None:
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
        self._declared = version

    def program(self) -> str | None:
        """The program's path, looked up on PATH like a shell would; None when there is no such program."""
        return shutil.which(self.argv[0])

    def missing(self) -> list[str]:
        return [] if self.program() else [self.argv[0]]

    def check_installed(self) -> None:
        if self.program() is None:
            raise NotInstalledError(f"{self.name}: program {self.argv[0]!r} not found (not on PATH, or not executable)")

    def version(self) -> str | None:
        """The user's version string when given, else `sha256-` and a digest of the program and of the
        files its arguments name (None when the program is not found)."""
        if self._declared is not None:
            return self._declared
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

    def inline_code(self) -> bool:
        """Whether the program runs code its arguments do not name as files (`sh -c`, `python3 -m`, ...)."""
        program = Path(self.argv[0]).name
        if not _RUNS_CODE.fullmatch(program):
            return False
        args = self.argv[1:]
        if any(arg in _INLINE_FLAGS or (arg.startswith("-") and not arg.startswith("--") and arg[1:2] in "cem" and len(arg) > 2) for arg in args):
            return True
        scripts = [arg for arg in args if not arg.startswith("-")]
        return not scripts or not Path(scripts[0]).is_file()  # reading its code from stdin, or from a file we cannot see

    def code_identity(self) -> str | None:
        """What the cache keys this command on: its version (see `version`), with every named file's digest;
        None, never cached, when it runs inline code and no version was given."""
        if self._declared is None and self.inline_code():
            return None
        found = self.version()
        if found is None:
            return None
        digest = hashlib.sha256(f"{found}|".encode("utf-8"))
        for path in (self.program() or self.argv[0], *self.argv[1:]):
            if Path(path).is_file():
                digest.update(path.encode("utf-8") + b"\0" + Path(path).read_bytes())
        return digest.hexdigest()

    def extract(self, html: str, *, url: str | None = None) -> str:
        """The original extractor contract: HTML in, text out (a drop is an error here)."""
        output = self.process(PageInput("page", html=html, url=url))
        if isinstance(output, Drop):
            raise ExtractorError(f"{self.name}: dropped the document: {output.reason}")
        return output

    def process(self, page: PageInput) -> str | Drop:
        self.prepare()
        data = page.text if page.text is not None else page.as_html()
        completed = subprocess.run(
            [self.program() or self.argv[0], *self.argv[1:]],
            input=data.encode("utf-8"),
            capture_output=True,
            check=False,
            preexec_fn=die_with_parent,
        )
        tail = " ".join(completed.stderr.decode("utf-8", errors="replace").split())[-_STDERR_TAIL:]
        if completed.returncode == DROP_EXIT:
            return Drop(tail or f"{self.name} exited with {DROP_EXIT}")
        if completed.returncode != 0:
            raise ExtractorError(f"{self.name}: exited with status {completed.returncode}: {tail or '(no stderr)'}")
        return completed.stdout.decode("utf-8", errors="replace")

"""readability-js: Mozilla's Readability.js itself (on jsdom), in one long-lived node process per worker.

The npm packages are pinned by the `package.json` and `package-lock.json` beside this file and installed
with `npm ci` into `node_dir()` ($CLEANBENCH_NODE_DIR, else `node` under the user data directory), never
into the source tree: `scripts/install-readability-js.sh` does it. Pages travel as JSON lines over the
process's stdin/stdout; Readability's article HTML becomes text with `visible_text`, one line per block.
The process dies with the worker that started it (Linux), and otherwise when its stdin closes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any, cast

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.extractors.base import Adapter
from cleanbench.gold.visible import visible_text
from cleanbench.lifetime import die_with_parent

PACKAGE_DIR = Path(__file__).resolve().parent
SERVER = PACKAGE_DIR / "server.cjs"
INSTALL = "scripts/install-readability-js.sh (npm ci of the pinned @mozilla/readability and jsdom)"
_STDERR_TAIL = 400


def node_dir() -> Path:
    """Where the npm packages live: $CLEANBENCH_NODE_DIR, else `node` under cleanbench's user data directory."""
    override = os.environ.get("CLEANBENCH_NODE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("cleanbench")) / "node"


def pinned_versions() -> dict[str, str]:
    """The npm packages and versions `package.json` pins."""
    return dict(json.loads((PACKAGE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"])


def installed_version(package: str, *, root: Path) -> str | None:
    """The version of an npm package installed under `root/node_modules`, or None."""
    manifest = root / "node_modules" / package / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


class ReadabilityJs(Adapter):
    name = "readability-js"
    package = "npm:@mozilla/readability"
    options = {}
    note = "Readability.js on jsdom, visible text of the article content"
    install = INSTALL
    license = "Apache-2.0 (Readability.js), MIT (jsdom)"

    def missing(self) -> list[str]:
        if shutil.which("node") is None:
            return ["node"]
        root = node_dir()
        return [package for package, pinned in pinned_versions().items() if installed_version(package, root=root) != pinned]

    def check_installed(self) -> None:
        if shutil.which("node") is None:
            raise NotInstalledError(f"{self.name}: not installed (node not found on PATH); install Node.js >= 18, then {INSTALL}")
        missing = self.missing()
        if missing:
            pinned = ", ".join(f"{package}@{pinned_versions()[package]}" for package in missing)
            raise NotInstalledError(f"{self.name}: not installed ({pinned} missing in {node_dir()}); {INSTALL}")

    def version(self) -> str | None:
        """`<readability version>+jsdom.<jsdom version>`: both decide the output."""
        root = node_dir()
        readability = installed_version("@mozilla/readability", root=root)
        jsdom = installed_version("jsdom", root=root)
        if readability is None or jsdom is None:
            return None
        return f"{readability}+jsdom.{jsdom}"

    def load(self) -> None:
        self._tool = _NodeWorker([shutil.which("node") or "node", str(SERVER), str(node_dir())])

    def close(self) -> None:
        if self._tool is not None:
            self._tool.stop()
        super().close()

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        if not self._tool.alive():
            self._tool.stop()
            self._tool = _NodeWorker(self._tool.argv)
        reply = self._tool.ask({"html": html, "url": url})
        if "error" in reply:
            raise ExtractorError(f"{self.name}: {reply['error']}")
        content = reply.get("content")
        return visible_text(content) if content else ""


class _NodeWorker:
    """One node process answering JSON-line requests in order."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            preexec_fn=die_with_parent,
        )

    def alive(self) -> bool:
        return self._process.poll() is None

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = cast(IO[bytes], self._process.stdin), cast(IO[bytes], self._process.stdout)
        try:
            stdin.write(json.dumps(request).encode("ascii") + b"\n")
            stdin.flush()
            line = stdout.readline()
        except BrokenPipeError:
            line = b""
        if not line:
            status = self._process.wait()
            raise ExtractorError(f"readability-js: node exited with status {status}: {self._stderr_tail() or '(no stderr)'}")
        return dict(json.loads(line))

    def stop(self) -> None:
        """Close stdin (the process then exits), kill it if it does not within 5 s, release the pipes."""
        try:
            cast(IO[bytes], self._process.stdin).close()
        except BrokenPipeError:
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        cast(IO[bytes], self._process.stdout).close()
        self._stderr.close()

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return " ".join(self._stderr.read().decode("utf-8", errors="replace").split())[-_STDERR_TAIL:]

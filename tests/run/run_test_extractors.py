"""Stages for the runner tests, resolved as `run_test_extractors:NAME` specs inside the workers.

`Scripted` obeys a marker in the page: `do:hang`, `do:raise`, `do:exit`, `do:segfault`, `do:allocate`
(1 GiB), `do:connect:PORT` (socket.connect to 127.0.0.1), `do:resolve` (a host name lookup), `do:swallow:PORT`
(socket.create_connection, the refusal ignored), `do:nothing` (returns ""), `do:stop_ray` (stops the Ray worker
running the sandbox, as a frozen node would), `do:kill_ray` (kills it, as a lost node would; `do:kill_ray_once`: only
while $RUN_TEST_CRASHED names no file); any other page gives its text without tags. When
$RUN_TEST_CALLS names a file, every call appends "<url> <pid>" to it, so tests can count work done.
`ScriptedCleaner` does the same on text (`cleaner=hang`, `=raise`, `=exit`, `=drop`) and logs
"<url>#cleaner <pid>".
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import socket
import time
from collections.abc import Mapping
from typing import ClassVar

from cleanbench.extractors.base import Adapter
from cleanbench.stages.base import Drop, PageInput

_TAG = re.compile(r"<[^>]*>")
_MARKER = re.compile(r"do:(\w+)(?::(\d+))?")


def _record_call(url: str | None) -> None:
    path = os.environ.get("RUN_TEST_CALLS")
    if path:
        with open(path, "a", encoding="utf-8") as calls:
            calls.write(f"{url} {os.getpid()}\n")
    nodes = os.environ.get("RUN_TEST_NODES")  # "<url> <node>": which simulated Ray node ran the page
    if nodes:
        with open(nodes, "a", encoding="utf-8") as log:
            log.write(f"{url} {os.environ.get('RUN_TEST_NODE', '-')}\n")


class Scripted:
    """Does what the page's marker says; otherwise returns the page's text without tags."""

    name = "scripted"
    package = None
    options: ClassVar[Mapping[str, object]] = {}

    def extract(self, html: str, *, url: str | None = None) -> str:
        _record_call(url)
        marker = _MARKER.search(html)
        action, port = (marker.group(1), marker.group(2)) if marker else ("text", None)
        if action == "hang":
            time.sleep(3600)
        elif action == "raise":
            raise ValueError("scripted failure on this page")
        elif action == "exit":
            os._exit(7)
        elif action == "segfault":
            ctypes.string_at(0)
        elif action == "allocate":
            return str(len(bytearray(1 << 30)))
        elif action == "connect":
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as connection:
                connection.settimeout(1)
                connection.connect(("127.0.0.1", int(port or 9)))
        elif action == "resolve":
            socket.getaddrinfo("localhost", 80)
        elif action == "swallow":
            try:
                socket.create_connection(("127.0.0.1", int(port or 9)), timeout=1).close()
            except OSError:
                pass
        elif action == "nothing":
            return ""
        elif action == "stop_ray":
            os.kill(_ray_worker(), signal.SIGSTOP)
        elif action == "kill_ray" or (action == "kill_ray_once" and not os.path.exists(os.environ["RUN_TEST_CRASHED"])):
            if action == "kill_ray_once":
                open(os.environ["RUN_TEST_CRASHED"], "w").close()
            os.kill(_ray_worker(), signal.SIGKILL)
            time.sleep(3600)  # this worker dies with its fork server, which dies with the Ray worker
        return " ".join(_TAG.sub(" ", html).split())


def _ray_worker() -> int:
    """The process running the sandbox this worker belongs to: its parent's parent (worker <- fork server <- it)."""
    with open(f"/proc/{os.getppid()}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


class Slow(Scripted):
    """`Scripted`, a tenth of a second slower per page: leaves time to interrupt a run."""

    name = "slow"

    def extract(self, html: str, *, url: str | None = None) -> str:
        time.sleep(0.1)
        return super().extract(html, url=url)


class Shouting(Scripted):
    """`Scripted` with an option set: another signature, so another set of cache entries."""

    name = "scripted"
    options: ClassVar[Mapping[str, object]] = {"shout": True}

    def extract(self, html: str, *, url: str | None = None) -> str:
        return super().extract(html, url=url).upper()


class Absent(Adapter):
    """An adapter whose library is not installed anywhere."""

    name = "absent"
    package = "cleanbench-absent-library"
    requires = ("cleanbench_absent_library",)
    install = "pip install cleanbench-absent-library"


class NeedsEnvironment(Scripted):
    """Fails to load while $RUN_TEST_BROKEN_IMPORT is set, as a library fails under a tiny memory cap."""

    name = "needs-environment"

    def extract(self, html: str, *, url: str | None = None) -> str:
        if os.environ.get("RUN_TEST_BROKEN_IMPORT"):
            raise ImportError("cannot import the library in this environment")
        return super().extract(html, url=url)


class SlowToLoad(Scripted):
    """Takes 2 s to load its library (`prepare`), then extracts at once."""

    name = "slow-to-load"

    def prepare(self) -> None:
        time.sleep(2)


class Surrogate(Scripted):
    """Returns text holding a lone surrogate, which no UTF-8 file can hold."""

    name = "surrogate"

    def extract(self, html: str, *, url: str | None = None) -> str:
        return "broken \ud800 text" if "do:surrogate" in html else super().extract(html, url=url)


class Huge(Scripted):
    """Returns 3 MB of text on a page marked do:huge."""

    name = "huge"

    def extract(self, html: str, *, url: str | None = None) -> str:
        return "x" * (3 << 20) if "do:huge" in html else super().extract(html, url=url)


class Gated(Scripted):
    """Pages p03 and later wait until the file $RUN_TEST_GATE exists: a run cannot finish before a test
    opens the gate, so a signal sent after the first pages always finds it running."""

    name = "gated"

    def extract(self, html: str, *, url: str | None = None) -> str:
        gate = os.environ.get("RUN_TEST_GATE")
        if gate and url and int(url.rsplit("p", 1)[-1]) >= 3:
            while not os.path.exists(gate):
                time.sleep(0.02)
        return super().extract(html, url=url)


class CrashesOnce(Scripted):
    """Kills its worker on a page marked do:crash-once the first time (while $RUN_TEST_CRASHED names no file)."""

    name = "crashes-once"

    def extract(self, html: str, *, url: str | None = None) -> str:
        flag = os.environ["RUN_TEST_CRASHED"]
        if "do:crash-once" in html and not os.path.exists(flag):
            open(flag, "w").close()
            os._exit(9)
        return super().extract(html, url=url)


class ScriptedCleaner:
    """A cleaner that obeys `cleaner=hang|raise|exit|drop` in its text; otherwise it returns the text
    with its lines in upper case (so a test sees that it ran)."""

    name = "scripted-cleaner"
    package = None
    kind = "cleaner"
    consumes = "text"
    level = "document"
    options: ClassVar[Mapping[str, object]] = {}

    def process(self, page: PageInput) -> str | Drop:
        _record_call(f"{page.url}#cleaner")
        text = page.as_text()
        marker = re.search(r"cleaner=(\w+)", text, re.IGNORECASE)
        action = marker.group(1) if marker else None
        if action == "hang":
            time.sleep(3600)
        elif action == "raise":
            raise ValueError("scripted cleaner failure")
        elif action == "exit":
            os._exit(7)
        elif action == "drop":
            return Drop("scripted: marked for dropping")
        return text.upper()


class DropsEverything(ScriptedCleaner):
    """A document filter that drops every page."""

    name = "drops-everything"

    def process(self, page: PageInput) -> Drop:
        return Drop("drops-everything: every page")

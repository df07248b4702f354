"""Processes that die with their parent: the one `die_with_parent`, for sandbox workers, the fork
server (`run/lifeline.py`) and the programs stages start (`cmd:` stages, readability-js's node)."""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """On Linux, have the kernel kill this process when its parent exits (prctl PR_SET_PDEATHSIG);
    elsewhere, nothing. Safe in a child between fork and exec (`Popen(preexec_fn=...)`)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

"""Progress of a run on stderr: a bar on a terminal, and lines that log elsewhere (CI, Slurm, a file).

Off a terminal, a line is written every `INTERVAL_S` seconds, or when another tenth of the pages is
done (but not more often than every `MIN_GAP_S` seconds): pages done, rate, time left, failures so far.
A run that ends before its first line writes nothing at all, so short runs stay quiet.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any

INTERVAL_S = 10.0
MIN_GAP_S = 2.0
FAILED = frozenset({"error", "timeout", "crash"})


class Progress:
    """`advance(status)` per page done. `enabled`: True (always), False (never), None (a bar on a
    terminal, log lines elsewhere). Use as a context manager."""

    def __init__(self, *, total: int, done: int = 0, enabled: bool | None = None, label: str = "extract") -> None:
        self.total, self.done, self.initial, self.label = total, done, done, label
        self.failures: Counter[str] = Counter()
        self.start = self.last = time.monotonic()
        self.last_done = done
        self.lines = 0
        self.bar: Any = None
        self.logging = False
        self.asked = enabled is True  # --progress: off a terminal, a last line even for a short run
        if enabled is False:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, file=sys.stderr, unit="page", desc=label, dynamic_ncols=True)
        else:
            self.logging = True

    def advance(self, status: str) -> None:
        self.done += 1
        if status in FAILED:
            self.failures[status] += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.logging:
            now = time.monotonic()
            tenth = max(1, self.total // 10)
            if now - self.last >= INTERVAL_S or (self.done - self.last_done >= tenth and now - self.last >= MIN_GAP_S):
                self._line(now)

    def _line(self, now: float) -> None:
        elapsed = now - self.start
        rate = (self.done - self.initial) / elapsed if elapsed > 0 else 0.0
        left = f", about {(self.total - self.done) / rate:.0f} s left" if rate > 0 else ""
        failed = ", ".join(f"{count} {status}" for status, count in sorted(self.failures.items())) or "no failures"
        share = 100 * self.done / self.total if self.total else 100.0
        print(f"{self.label}: {self.done}/{self.total} pages ({share:.0f} %), {rate:.1f} pages/s{left}, {failed}", file=sys.stderr, flush=True)
        self.last, self.last_done = now, self.done
        self.lines += 1

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.logging and (self.lines or self.asked) and self.done != self.last_done:
            self._line(time.monotonic())

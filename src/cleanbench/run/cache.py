"""`PredictionCache`: extractor outputs keyed by (extractor signature, page digest), in SQLite.

The signature is `name@version{options}` (`extractor_signature`), the digest `GoldSet.page_digests()`;
a change of version, options or page content misses. Only deterministic outcomes are stored (`ok`,
`empty`, `error`); a timeout or a crash depends on the machine and is run again. The database runs in
WAL mode with a busy timeout, so several runs may share one cache at the same time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cleanbench import __version__
from cleanbench.errors import CacheError

CACHED_STATUSES: frozenset[str] = frozenset({"ok", "empty", "error"})
# Bump when the table layout changes: a cache of another layout is dropped and rebuilt.
_LAYOUT = 2  # 2: keys carry cleanbench's version (entries of layout 1 may hold wrong empties)
_BUSY_TIMEOUT_MS = 60_000
_LOOKUP_BATCH = 500  # digests per SELECT (SQLite allows 32,766 parameters; keep statements short)


@dataclass(frozen=True)
class CachedOutcome:
    """What an extractor produced on a page: status, text and the cost measured when it ran."""

    status: str
    text: str
    error: str | None
    seconds: float | None
    peak_rss_mb: float | None


def default_cache_path() -> Path:
    """`<cache_root()>/predictions/predictions.sqlite3` (CLEANBENCH_CACHE_DIR respected)."""
    from cleanbench.gold.load import cache_root

    return cache_root() / "predictions" / "predictions.sqlite3"


def _key(signature: str) -> str:
    """The stored key: cleanbench's version, then the extractor's signature. An adapter is cleanbench code,
    so a fix to it (not only a new tool version or option) must not be answered from an older cache."""
    return f"cleanbench-{__version__}|{signature}"


class PredictionCache:
    """A SQLite prediction cache. Open with `PredictionCache(path)`; close with `close()` or `with`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = default_cache_path() if path is None else Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._create()
        except sqlite3.DatabaseError as error:
            raise CacheError(f"{self.path}: cannot open the prediction cache: {error}") from None

    def _create(self) -> None:
        with self._writing():
            (layout,) = self._db.execute("PRAGMA user_version").fetchone()
            if layout not in (0, _LAYOUT):
                self._db.execute("DROP TABLE IF EXISTS predictions")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS predictions ("
                " signature TEXT NOT NULL, page_digest TEXT NOT NULL, status TEXT NOT NULL, text TEXT NOT NULL,"
                " error TEXT, seconds REAL, peak_rss_mb REAL, PRIMARY KEY (signature, page_digest)) WITHOUT ROWID"
            )
            self._db.execute(f"PRAGMA user_version = {_LAYOUT}")

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. BEGIN IMMEDIATE takes the write lock up front, so a second writer waits
        (busy timeout) instead of failing with "database is locked" when it upgrades a read lock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_many(self, signature: str, *, digests: Iterable[str]) -> dict[str, CachedOutcome]:
        """The cached outcomes of one extractor for these page digests, keyed by digest (misses absent)."""
        wanted = list(dict.fromkeys(digests))
        found: dict[str, CachedOutcome] = {}
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                "SELECT page_digest, status, text, error, seconds, peak_rss_mb FROM predictions"
                f" WHERE signature = ? AND page_digest IN ({marks})",
                (_key(signature), *batch),
            )
            for digest, status, text, error, seconds, peak in rows:
                found[digest] = CachedOutcome(status=status, text=text, error=error, seconds=seconds, peak_rss_mb=peak)
        return found

    def put(self, signature: str, *, digest: str, outcome: CachedOutcome) -> bool:
        """Store one outcome; returns False, storing nothing, when its status is not deterministic."""
        if outcome.status not in CACHED_STATUSES:
            return False
        row = (_key(signature), digest, outcome.status, outcome.text, outcome.error, outcome.seconds, outcome.peak_rss_mb)
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        return True

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PredictionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


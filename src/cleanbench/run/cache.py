"""`PredictionCache`: stage outputs keyed by (stage key, page digest), in SQLite.

The stage key is the stage's signature `name@version{options}` plus the digest of the code behind it
(`cleanbench.run.code.code_digest`): a change of version, options, plugin or cleanbench source, or of the
page's content (`GoldSet.page_digests()`), misses. Only outcomes of the page itself are stored (`ok`
text and `empty`); an error, a timeout or a crash may come from the machine or the environment (a
missing library, a memory cap) and is run again. The database runs in WAL mode with a busy timeout, so
several runs may share one cache at the same time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cleanbench.errors import CacheError

CACHED_STATUSES: frozenset[str] = frozenset({"ok", "empty"})
# Bump when the table layout or the meaning of a key changes: a cache of another layout is dropped and rebuilt.
_LAYOUT = 3  # 3: keys carry the code digest, errors are not stored (2: cleanbench's version; 1: the signature)
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
    from cleanbench.cache_dir import cache_root

    return cache_root() / "predictions" / "predictions.sqlite3"


def stage_key(signature: str, code: str) -> str:
    """The key of a stage's entries: its signature and the digest of the code that runs it."""
    return f"{signature}|code:{code}"


class PredictionCache:
    """A SQLite prediction cache. Open with `PredictionCache(path)`; close with `close()` or `with`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = default_cache_path() if path is None else Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._create()
        except (sqlite3.DatabaseError, OSError) as error:
            raise CacheError(f"{self.path}: cannot open the prediction cache: {error}") from None

    def _create(self) -> None:
        with self._writing():
            (layout,) = self._db.execute("PRAGMA user_version").fetchone()
            if layout not in (0, _LAYOUT):
                self._db.execute("DROP TABLE IF EXISTS predictions")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS predictions ("
                " stage TEXT NOT NULL, page_digest TEXT NOT NULL, status TEXT NOT NULL, text TEXT NOT NULL,"
                " error TEXT, seconds REAL, peak_rss_mb REAL, PRIMARY KEY (stage, page_digest)) WITHOUT ROWID"
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

    def get_many(self, key: str, *, digests: Iterable[str]) -> dict[str, CachedOutcome]:
        """The cached outcomes of one stage (`stage_key`) for these page digests, keyed by digest (misses absent)."""
        wanted = list(dict.fromkeys(digests))
        found: dict[str, CachedOutcome] = {}
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                "SELECT page_digest, status, text, error, seconds, peak_rss_mb FROM predictions"
                f" WHERE stage = ? AND page_digest IN ({marks})",
                (key, *batch),
            )
            for digest, status, text, error, seconds, peak in rows:
                found[digest] = CachedOutcome(status=status, text=text, error=error, seconds=seconds, peak_rss_mb=peak)
        return found

    def put(self, key: str, *, digest: str, outcome: CachedOutcome) -> bool:
        """Store one outcome of a stage (`stage_key`); returns False, storing nothing, when it is not the page's own."""
        if outcome.status not in CACHED_STATUSES:
            return False
        row = (key, digest, outcome.status, outcome.text, outcome.error, outcome.seconds, outcome.peak_rss_mb)
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        return True

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PredictionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


"""The prediction cache: keyed by (stage key, page digest), the page's own outcomes only (text, empty),
and safe to share between two runs writing at the same time."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cleanbench.run.cache import (
    CachedOutcome,
    PredictionCache,
    default_cache_path,
    stage_key,
)

SIGNATURE = stage_key('scripted@1.0{"shout":false}', "c0de")


def outcome(status: str, text: str = "") -> CachedOutcome:
    return CachedOutcome(status=status, text=text, error="ValueError: x" if status == "error" else None, seconds=0.25, peak_rss_mb=40.5)


# issue 10: an error may come from the environment (`--memory-mb 1` made every import fail, and those
# errors, once cached, scored every later run's pages as empty): only text and empty are the page's own.
@pytest.mark.parametrize(("status", "stored"), [("ok", True), ("empty", True), ("error", False), ("timeout", False), ("crash", False)])
def test_only_the_pages_own_outcomes_are_stored(tmp_path: Path, status: str, stored: bool) -> None:
    with PredictionCache(tmp_path / "cache.sqlite3") as cache:
        assert cache.put(SIGNATURE, digest="d1", outcome=outcome(status, "text")) is stored
        assert cache.get_many(SIGNATURE, digests=["d1"]) == ({"d1": outcome(status, "text")} if stored else {})


def test_a_hit_needs_the_same_stage_key_and_digest(tmp_path: Path) -> None:
    with PredictionCache(tmp_path / "cache.sqlite3") as cache:
        cache.put(SIGNATURE, digest="d1", outcome=outcome("ok", "one"))
        cache.put(SIGNATURE, digest="d2", outcome=outcome("ok", "two"))
        assert cache.get_many(SIGNATURE, digests=["d2", "d3"]) == {"d2": outcome("ok", "two")}
        assert cache.get_many(stage_key('scripted@1.1{"shout":false}', "c0de"), digests=["d1", "d2"]) == {}
        assert cache.get_many(stage_key('scripted@1.0{"shout":false}', "edited"), digests=["d1", "d2"]) == {}
    with PredictionCache(tmp_path / "cache.sqlite3") as reopened:
        assert reopened.get_many(SIGNATURE, digests=["d1"]) == {"d1": outcome("ok", "one")}


def test_default_path_follows_cleanbench_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLEANBENCH_CACHE_DIR", str(tmp_path))
    assert default_cache_path() == tmp_path / "predictions" / "predictions.sqlite3"


WRITER = """
import sys, time
from pathlib import Path
from cleanbench.run.cache import CachedOutcome, PredictionCache
path, writer, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
while not go.exists():  # both writers start together
    time.sleep(0.01)
with PredictionCache(path) as cache:
    for n in range(300):
        text = f"page {n}"  # the same outcome for the shared digests, as two runs of one extractor produce
        cache.put("shared@1{}", digest=f"d{n}", outcome=CachedOutcome("ok", text, None, 0.1, 30.0))
        cache.put(f"own-{writer}@1{{}}", digest=f"d{n}", outcome=CachedOutcome("ok", text, None, 0.1, 30.0))
        if n % 50 == 0:
            cache.get_many("shared@1{}", digests=[f"d{m}" for m in range(n)])
"""


def test_two_processes_writing_at_once_leave_a_whole_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    PredictionCache(path).close()
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(go)], stderr=subprocess.PIPE) for name in "ab"]
    go.touch()
    for writer in writers:
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr.decode()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = dict(db.execute("SELECT stage, COUNT(*) FROM predictions GROUP BY stage").fetchall())
    assert rows == {"shared@1{}": 300, "own-a@1{}": 300, "own-b@1{}": 300}
    with PredictionCache(path) as cache:
        assert cache.get_many("shared@1{}", digests=["d299"])["d299"].text == "page 299"


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    from cleanbench.errors import CacheError

    path = tmp_path / "cache.sqlite3"
    path.write_text("not a database\n" * 100)
    with pytest.raises(CacheError, match=r"cache.sqlite3: cannot open the prediction cache: file is not a database"):
        PredictionCache(path)

"""Helpers for the runner tests: small gold sets built from HTML strings, and a log of extractor calls."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from cleanbench.gold.load import GoldSet, load_gold

MakeGold = Callable[[Sequence[str]], GoldSet]


@pytest.fixture
def make_gold(tmp_path: Path) -> MakeGold:
    """`make_gold(htmls)`: a gold set of pages p00, p01, ... with these bodies (url http://test/pNN)."""

    def make(htmls: Sequence[str]) -> GoldSet:
        path = tmp_path / f"gold-{len(list(tmp_path.glob('gold-*.jsonl')))}.jsonl"
        with path.open("w", encoding="utf-8") as lines:
            for index, html in enumerate(htmls):
                record = {"id": f"p{index:02d}", "html": html, "url": f"http://test/p{index:02d}", "gold_text": "gold"}
                lines.write(json.dumps(record) + "\n")
        return load_gold(str(path))

    return make


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[tuple[str, int]]]:
    """Have the test extractors log each call; `calls()` returns (page id, worker pid) per call so far."""
    log = tmp_path / "calls.log"
    log.touch()
    monkeypatch.setenv("RUN_TEST_CALLS", str(log))

    def read() -> list[tuple[str, int]]:
        found = []
        for line in log.read_text(encoding="utf-8").splitlines():
            url, pid = line.split()
            found.append((url.rsplit("/", 1)[-1], int(pid)))
        return found

    return read

"""Helpers for the extractor tests: fixture pages and one loaded adapter per name per session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanbench.gold.schema import GoldPage
from cleanbench.stages.base import Stage as Extractor
from cleanbench.stages.registry import resolve

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="session")
def fixture_page() -> Callable[[str], GoldPage]:
    """`fixture_page(id)`: a page of the bundled gold set, read straight from fixtures/<id>.json and .html."""

    def read(page_id: str) -> GoldPage:
        record = json.loads((FIXTURES / f"{page_id}.json").read_text(encoding="utf-8"))
        record.setdefault("html", (FIXTURES / f"{page_id}.html").read_text(encoding="utf-8"))
        return GoldPage.from_record(record, where=f"fixtures/{page_id}.json")

    return read


def skip_unless_installed(extractor: Extractor) -> None:
    """Skip, with the adapter's own one-line reason, when its library is not installed here."""
    missing = getattr(extractor, "missing", list)()
    if missing:
        reason = f"{extractor.name}: not installed ({', '.join(missing)})"
        check = getattr(extractor, "install", "")
        pytest.skip(f"{reason}; {check}" if check else reason)


@pytest.fixture(scope="session")
def adapter() -> Iterator[Callable[[str], Extractor]]:
    """`adapter(name)`: the session's instance of a built-in (libraries load once), skipped when not installed."""
    loaded: dict[str, Extractor] = {}

    def get(name: str) -> Extractor:
        if name not in loaded:
            loaded[name] = resolve(name)
        skip_unless_installed(loaded[name])
        return loaded[name]

    yield get
    for extractor in loaded.values():
        getattr(extractor, "close", lambda: None)()

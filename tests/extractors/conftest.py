"""Helpers for the extractor tests: fixture pages and one loaded adapter per name per session."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanbench.gold.schema import GoldPage
from cleanbench.stages.base import Stage as Extractor
from cleanbench.stages.registry import BUILTINS, resolve

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Built-ins whose libraries are runtime dependencies of cleanbench; every other one needs the `all` extra
# (or node, for readability-js), so its parametrized cases are marked `extras`.
RUNTIME_BUILTINS = frozenset(
    {"everything", "nothing", "gold", "trafilatura", "trafilatura-fast", "trafilatura-precision", "trafilatura-recall", "justext"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `extras` every case parametrized with `name` = a built-in outside `RUNTIME_BUILTINS`."""
    here = Path(__file__).parent
    for item in items:
        if not item.path.is_relative_to(here):
            continue
        name = getattr(item, "callspec", None) and item.callspec.params.get("name")
        if name in BUILTINS and name not in RUNTIME_BUILTINS:
            item.add_marker(pytest.mark.extras)


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

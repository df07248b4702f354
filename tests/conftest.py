"""Shared test fixtures: the public data location and an isolated cache directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The public gold sets beside the repository; skips when absent (a fresh clone has none)."""
    if not DATA.is_dir():
        pytest.skip(f"public gold sets not found at {DATA} (they ship beside the repo in CI, not in a fresh clone)")
    return DATA


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point cleanbench's cache (Arrow imports, predictions) at a per-session temp dir."""
    path = tmp_path_factory.mktemp("cleanbench-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLEANBENCH_CACHE_DIR", str(path))
        yield path
pytest_plugins = ["pytester"]

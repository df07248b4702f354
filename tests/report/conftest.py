"""Fixtures of the report tests: the synthetic `RunResult` of `synthetic.py`."""

from __future__ import annotations

import pytest
from synthetic import make_result

from cleanbench.results import RunResult


@pytest.fixture
def run_result() -> RunResult:
    return make_result()

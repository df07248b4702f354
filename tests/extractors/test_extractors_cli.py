"""`cleanbench extractors [--format json]`: every extractor with package, version, status and licence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.stages.registry import EXTRACTORS as BUILTINS


def test_json_lists_every_builtin_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extractors", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in rows][: len(BUILTINS)] == list(BUILTINS)
    keys = {"name", "kind", "package", "version", "installed", "reason", "options", "note", "license", "origin"}
    assert all(set(row) == keys for row in rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["trafilatura"]["options"]["include_tables"] is True
    assert by_name["justext"]["note"].startswith("stoplist of the page's language")
    assert by_name["html2text"]["license"].startswith("GPL-3.0-or-later: optional")


def test_table_shows_the_reason_for_a_missing_extractor(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLEANBENCH_NODE_DIR", str(tmp_path))
    assert main(["extractors"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "package", "version", "status", "options", "note", "licence"]
    row = next(line for line in lines if line.startswith("readability-js "))
    assert "not installed (@mozilla/readability@0.6.0, jsdom@26.1.0 missing in" in row
    assert len([line for line in lines[2:] if line.strip()]) >= len(BUILTINS)

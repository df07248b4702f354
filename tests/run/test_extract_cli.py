"""`cleanbench extract`: predictions file, one summary line per extractor, the cache and --no-cache."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import GoldSet

MakeGold = Callable[[Sequence[str]], GoldSet]
Calls = Callable[[], list[tuple[str, int]]]


def test_extract_writes_predictions_and_a_summary_line_per_extractor(
    make_gold: MakeGold, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = make_gold(["<p>a</p>", "<p>do:raise</p>", "<p>do:nothing</p>"])
    out = tmp_path / "out"
    code = main(["extract", gold.spec, "-e", "run_test_extractors:Scripted", "-e", "run_test_extractors:Absent", "--out", str(out), "--workers", "1"])
    assert code == 1  # an extractor asked for is not installed
    assert capsys.readouterr().out.splitlines() == [
        "scripted -: 3 pages: 1 ok, 1 empty, 1 error, 0 timeout, 0 crash",
        "absent: not installed (cleanbench_absent_library); pip install cleanbench-absent-library",
        f"wrote {out / 'predictions.jsonl'}",
    ]
    records = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["page_id"], r["extractor"], r["status"], r["text"]) for r in records] == [
        ("p00", "scripted", "ok", "a"),
        ("p01", "scripted", "error", ""),
        ("p02", "scripted", "empty", ""),
    ]
    assert set(records[0]) == {"page_id", "extractor", "status", "text", "seconds", "peak_rss_mb", "error", "attempt", "lang", "lang_source"}


@pytest.mark.parametrize(("flags", "second_run_calls", "note"), [([], 0, " (2 from the cache)"), (["--no-cache"], 2, "")])
def test_extract_uses_the_user_cache_unless_no_cache(
    make_gold: MakeGold,
    calls: Calls,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    second_run_calls: int,
    note: str,
) -> None:
    monkeypatch.setenv("CLEANBENCH_CACHE_DIR", str(tmp_path / "cache"))
    gold = make_gold(["<p>a</p>", "<p>b</p>"])
    for out in ("first", "second"):
        assert main(["extract", gold.spec, "-e", "run_test_extractors:Scripted", "--out", str(tmp_path / out), "--workers", "1", *flags]) == 0
    assert len(calls()) == 2 + second_run_calls
    assert capsys.readouterr().out.splitlines()[-2] == f"scripted -: 2 pages: 2 ok, 0 empty, 0 error, 0 timeout, 0 crash{note}"
    assert (tmp_path / "cache" / "predictions" / "predictions.sqlite3").exists() is not flags


@pytest.mark.parametrize(("flag", "value"), [
        ("--workers", "0"),
        ("--timeout", "-1"),
        ("--workers", "two"),
        ("--memory-mb", "-5"),
        # issue 10: nan never timed out and spun a core; inf gave a traceback
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--load-timeout", "nan"),
        ("--max-output-mb", "inf"),
        ("--max-page-mb", "0"),
    ])
def test_extract_refuses_bad_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["extract", "fixtures", "-e", "nothing", "--out", str(tmp_path), flag, value])
    assert exit_.value.code == 2
    assert f"argument {flag}: {value!r}" in capsys.readouterr().err

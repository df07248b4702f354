"""load_gold: the digest (order- and format-independent), export round trips, the hub spec offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import load_gold

RECORDS: list[dict[str, Any]] = [
    {
        "id": "river-en",
        "html": "<html><body><nav>Home</nav><article><p>The river rose two metres overnight.</p></article></body></html>",
        "url": "https://news.example/river",
        "lang": "en",
        "page_type": "article",
        "gold_text": "The river rose two metres overnight.",
        "with": ["river rose"],
        "without": ["Home"],
        "noise": [{"label": "nav", "text": "Home"}],
        "meta": {"source": "test", "encoding": "utf-8"},
    },
    {
        "id": "tea-zh",
        "html": "<html><body><main><p>春天的绿茶最香。</p><p>图片：茶园</p></main><aside>相关文章</aside></body></html>",
        "lang": "zh",
        "page_type": "forum",
        "gold_text": "春天的绿茶最香。",
        "with": ["绿茶"],
        "noise": [{"label": "related", "text": "相关文章"}],
        "optional": ["图片：茶园"],
    },
    {
        "id": "shell.page_3",
        "html": "<html><body><div id='app'></div><footer>Impressum</footer></body></html>",
        "gold_text": "",
        "without": ["Impressum"],
    },
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def test_digest_ignores_record_order(tmp_path: Path) -> None:
    forward = load_gold(str(write_jsonl(tmp_path / "forward.jsonl", RECORDS))).digest()
    backward = load_gold(str(write_jsonl(tmp_path / "backward.jsonl", RECORDS[::-1]))).digest()
    assert forward == backward


@pytest.mark.parametrize(
    "change",
    [{"gold_text": "The river rose three metres overnight."}, {"with": ["river"]}, {"html": "<p>The river rose two metres overnight.</p>"}],
)
def test_digest_follows_the_gold(tmp_path: Path, change: dict[str, Any]) -> None:
    changed = [{**RECORDS[0], **change}, *RECORDS[1:]]
    original = load_gold(str(write_jsonl(tmp_path / "original.jsonl", RECORDS))).digest()
    assert load_gold(str(write_jsonl(tmp_path / "changed.jsonl", changed))).digest() != original


def test_digest_ignores_meta(tmp_path: Path) -> None:
    noted = [{**RECORDS[0], "meta": {"source": "elsewhere"}}, *RECORDS[1:]]
    original = load_gold(str(write_jsonl(tmp_path / "original.jsonl", RECORDS))).digest()
    assert load_gold(str(write_jsonl(tmp_path / "noted.jsonl", noted))).digest() == original


@pytest.mark.parametrize(("fmt", "out"), [("jsonl", "set.jsonl"), ("parquet", "set.parquet"), ("hf", "set-hf")])
def test_export_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, out: str) -> None:
    source = load_gold(str(write_jsonl(tmp_path / "pages.jsonl", RECORDS)))
    assert main(["data", "export", str(tmp_path / "pages.jsonl"), str(tmp_path / out), "--format", fmt]) == 0
    assert capsys.readouterr().out == f"wrote 3 pages of pages to {tmp_path / out} ({fmt}); digest {source.digest()}\n"
    loaded = load_gold(str(tmp_path / out))
    assert loaded.digest() == source.digest()
    assert [page.to_record() for page in loaded] == [page.to_record() for page in source]


@pytest.mark.public_data
def test_imported_set_exports_with_its_digest(tmp_path: Path, public_data: Path) -> None:
    imported = load_gold(f"aeb:{public_data / 'aeb'}")
    assert main(["data", "export", f"aeb:{public_data / 'aeb'}", str(tmp_path / "aeb.jsonl"), "--format", "jsonl"]) == 0
    assert load_gold(str(tmp_path / "aeb.jsonl")).digest() == imported.digest()


def test_hub_spec_offline_fails_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The hub client reads these at import time: the CLI runs in a fresh process, as a user runs it.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    spec = "hf:cleanbench-tests/no-such-dataset"
    done = subprocess.run(
        [sys.executable, "-m", "cleanbench", "data", "info", spec], capture_output=True, text=True, env=os.environ.copy(), timeout=120
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"cleanbench: error: {spec}: cannot load from the Hugging Face hub (offline mode is on): ")
    assert done.stderr.count("\n") == 1


def test_an_edit_that_keeps_size_and_time_loads_afresh(tmp_path: Path) -> None:
    # issue 10: the import cache was keyed on file names, sizes and times: an edit that kept them
    # returned the old pages and the old digest.
    path = write_jsonl(tmp_path / "gold.jsonl", RECORDS[:1])
    stat = path.stat()
    before = load_gold(str(path))
    edited = path.read_text(encoding="utf-8").replace("two metres", "six metres")
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    after = load_gold(str(path))
    assert after.page("river-en").gold_text == "The river rose six metres overnight."
    assert after.digest() != before.digest()


LINE_BREAKS = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r"]


@pytest.mark.parametrize("char", LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in LINE_BREAKS])
def test_every_unicode_line_break_round_trips_through_gold_jsonl(tmp_path: Path, char: str) -> None:
    # issue 10: U+2028, U+2029 and U+0085 were written raw and read back with str.splitlines() (23 WCXB
    # dev pages hold U+2028): gold exports, journals and predictions did not read back.
    record = {**RECORDS[0], "html": f"<p>one{char}two</p>", "gold_text": f"one{char}two", "with": [], "without": [], "noise": []}
    gold = load_gold(str(write_jsonl(tmp_path / "gold.jsonl", [record])))
    assert main(["data", "export", gold.spec, str(tmp_path / "out.jsonl")]) == 0
    assert (tmp_path / "out.jsonl").read_bytes().count(b"\n") == 1
    again = load_gold(str(tmp_path / "out.jsonl"))
    assert again.page("river-en").gold_text == f"one{char}two"
    assert again.digest() == gold.digest()


def test_html_sizes_are_the_pages_utf8_bytes_in_page_order() -> None:
    gold = load_gold("fixtures")
    assert gold.html_sizes() == [len(page.html.encode("utf-8")) for page in gold]
    assert [page.id for page in gold.annotations()] == gold.ids()

"""`cleanbench check --significant`: fails only on a significant change for the worse of a pinned key,
judged by a one-sided 95 % paired bootstrap against the pinned run's per-page records (issue 10)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from cleanbench.benchmark import benchmark
from cleanbench.cli import main
from cleanbench.gold.load import GoldSet, load_gold

MakeGold = Callable[[Sequence[str]], GoldSet]

# Keeps every word of a page, or (with a rate) drops the last word of every `every`-th page.
DROPPER = """
class Dropper:
    name = "dropper"
    package = None
    version = "1"
    options = {{}}

    def extract(self, html, *, url=None):
        words = html.replace("<p>", " ").replace("</p>", " ").split()
        number = int(url.rsplit("p", 1)[-1])
        if {every} and number % {every} == 0:
            words = words[: len(words) // {cut}]
        return " ".join(words)
"""


@pytest.fixture
def gold(tmp_path: Path) -> GoldSet:
    path = tmp_path / "gold.jsonl"
    with path.open("w", encoding="utf-8") as lines:
        for n in range(40):
            text = " ".join(f"word{n}x{k}" for k in range(20))
            lines.write(json.dumps({"id": f"p{n:02d}", "html": f"<p>{text}</p>", "url": f"http://test/p{n:02d}", "gold_text": text}) + "\n")
    return load_gold(str(path))


def pinned_and_gated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet, *, every: int, cut: int, extra: Sequence[str] = ()) -> tuple[int, str, str]:
    """Pin a run of the full extractor, then gate a run of one dropping words; (exit code, stdout, stderr)."""
    plugins = tmp_path / "plugins"
    plugins.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(plugins))
    for module, (e, c) in {"cb_full": (0, 1), "cb_worse": (every, cut)}.items():
        (plugins / f"{module}.py").write_text(DROPPER.format(every=e, cut=c), encoding="utf-8")
    benchmark(gold, ["cb_full:Dropper"], metrics=["words"], out=tmp_path / "pinned", workers=1)
    benchmark(gold, ["cb_worse:Dropper"], metrics=["words"], out=tmp_path / "now", workers=1)
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(tmp_path / "pinned"), "--baseline", str(baseline), "--update"]) == 0
    return main(["check", str(tmp_path / "now"), "--baseline", str(baseline), "--significant", *extra]), str(baseline), ""


def test_update_writes_the_pinned_runs_records_beside_the_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet) -> None:
    pinned_and_gated(tmp_path, monkeypatch, gold, every=0, cut=1)
    raw = json.loads((tmp_path / "baseline.json").read_text())
    assert raw["pages"]["file"] == "baseline.pages.jsonl.gz"
    records = gzip.decompress((tmp_path / "baseline.pages.jsonl.gz").read_bytes()).decode().splitlines()
    assert len(records) == 40 and json.loads(records[0])["extractor"] == "dropper"


def test_a_significant_drop_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = pinned_and_gated(tmp_path, monkeypatch, gold, every=2, cut=2)  # half of every other page
    out = capsys.readouterr().out
    assert code == 1, out
    assert "dropper words.f1: a significant drop of 0.1667" in out


def test_a_drop_within_chance_passes_where_the_floor_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet, capsys: pytest.CaptureFixture[str]) -> None:
    code, baseline, _ = pinned_and_gated(tmp_path, monkeypatch, gold, every=40, cut=2)  # one page of 40 loses half its words
    out = capsys.readouterr().out
    assert code == 0, out
    assert "pinned keys show no significant change for the worse" in out
    assert main(["check", str(tmp_path / "now"), "--baseline", baseline]) == 1  # the floors gate is stricter


def test_another_gold_set_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet, make_gold: MakeGold, capsys: pytest.CaptureFixture[str]) -> None:
    pinned_and_gated(tmp_path, monkeypatch, gold, every=0, cut=1)
    other = make_gold(["<p>another page</p>"])
    benchmark(other, ["cb_full:Dropper"], metrics=["words"], out=tmp_path / "other", workers=1)
    capsys.readouterr()
    assert main(["check", str(tmp_path / "other"), "--baseline", str(tmp_path / "baseline.json"), "--significant"]) == 2
    assert "gold digest changed" in capsys.readouterr().err


def test_edited_pinned_records_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gold: GoldSet, capsys: pytest.CaptureFixture[str]) -> None:
    pinned_and_gated(tmp_path, monkeypatch, gold, every=0, cut=1)
    (tmp_path / "baseline.pages.jsonl.gz").write_bytes(gzip.compress(b""))
    capsys.readouterr()
    assert main(["check", str(tmp_path / "now"), "--baseline", str(tmp_path / "baseline.json"), "--significant"]) == 2
    assert "does not match the digest baseline.json records for it" in capsys.readouterr().err

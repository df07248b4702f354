"""`GoldSet.page_digests()` is kept beside the Arrow file cleanbench built, and used only for the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleanbench.gold.load as load
from cleanbench.gold.load import GoldSet, load_gold


def write_gold(path: Path, pages: int) -> Path:
    with path.open("w", encoding="utf-8") as lines:
        for n in range(pages):
            lines.write(json.dumps({"id": f"p{n}", "html": f"<p>page {n}</p>", "gold_text": f"page {n}"}) + "\n")
    return path


def test_digests_are_stored_and_read_back_without_recomputing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = str(write_gold(tmp_path / "set.jsonl", 3))
    first = load_gold(spec).page_digests()
    stored = Path(load_gold(spec).dataset.cache_files[0]["filename"]).with_name("generator-train.page-digests.json")
    assert json.loads(stored.read_text(encoding="utf-8")) == first

    def never(record: object) -> str:
        raise AssertionError("recomputed a stored digest")

    monkeypatch.setattr(load, "page_digest", never)
    assert load_gold(spec).page_digests() == first


def test_a_subset_of_the_rows_computes_its_own_digests(tmp_path: Path) -> None:
    gold = load_gold(str(write_gold(tmp_path / "set.jsonl", 3)))
    full = gold.page_digests()
    stored = Path(gold.dataset.cache_files[0]["filename"]).with_name("generator-train.page-digests.json")
    subset = GoldSet(name="subset", spec="subset", dataset=gold.dataset.select([2, 0]))
    assert subset.page_digests() == {"p2": full["p2"], "p0": full["p0"]}
    assert json.loads(stored.read_text(encoding="utf-8")) == full


def test_a_dataset_outside_the_cache_gets_no_digest_file(tmp_path: Path) -> None:
    gold = load_gold(str(write_gold(tmp_path / "set.jsonl", 2)))
    saved = tmp_path / "saved"
    gold.dataset.save_to_disk(str(saved))
    digests = load_gold(str(saved)).page_digests()
    assert digests == gold.page_digests()
    assert not list(saved.glob("*.page-digests.json"))

"""`GoldSet.page_digests()` is kept beside the Arrow file cleanbench built, and used only for the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleanbench.gold.load as load
from cleanbench.gold.load import load_gold


def write_gold(path: Path, pages: int) -> Path:
    with path.open("w", encoding="utf-8") as lines:
        for n in range(pages):
            lines.write(json.dumps({"id": f"p{n}", "html": f"<p>page {n}</p>", "gold_text": f"page {n}"}) + "\n")
    return path


def test_digests_are_stored_and_read_back_without_recomputing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = str(write_gold(tmp_path / "set.jsonl", 3))
    first = load_gold(spec).page_digests()
    warm = load_gold(spec)
    assert warm.arrow_file is not None
    stored = warm.arrow_file.with_name("generator-train.page-digests.json")
    assert json.loads(stored.read_text(encoding="utf-8")) == first

    def never(record: object) -> str:
        raise AssertionError("recomputed a stored digest")

    monkeypatch.setattr(load, "page_digest", never)
    assert load_gold(spec).page_digests() == first


def test_a_subset_of_the_rows_computes_its_own_digests(tmp_path: Path) -> None:
    gold = load_gold(str(write_gold(tmp_path / "set.jsonl", 3)))
    full = gold.page_digests()
    assert gold.arrow_file is not None
    stored = gold.arrow_file.with_name("generator-train.page-digests.json")
    subset = gold.select(["p2", "p0"], name="subset")
    assert subset.page_digests() == {"p2": full["p2"], "p0": full["p0"]}
    assert json.loads(stored.read_text(encoding="utf-8")) == full


def test_a_dataset_outside_the_cache_gets_no_digest_file(tmp_path: Path) -> None:
    gold = load_gold(str(write_gold(tmp_path / "set.jsonl", 2)))
    saved = tmp_path / "saved"
    gold.dataset.save_to_disk(str(saved))
    digests = load_gold(str(saved)).page_digests()
    assert digests == gold.page_digests()
    assert not list(saved.glob("*.page-digests.json"))


def test_a_warm_load_reads_the_import_cache_without_datasets(tmp_path: Path) -> None:
    import subprocess
    import sys

    spec = str(write_gold(tmp_path / "set.jsonl", 3))
    cold = load_gold(spec)
    probe = (
        "import sys\n"
        "from cleanbench.gold.load import load_gold\n"
        f"gold = load_gold({spec!r})\n"
        "print(gold.digest(), len(gold), 'datasets' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [cold.digest(), "3", "False"]


def test_an_edited_source_is_imported_again(tmp_path: Path) -> None:
    path = write_gold(tmp_path / "set.jsonl", 3)
    before = load_gold(str(path)).digest()
    write_gold(path, 4)
    after = load_gold(str(path))
    assert (len(after), after.digest() != before) == (4, True)

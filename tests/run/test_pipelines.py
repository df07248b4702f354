"""Pipelines (`STAGE|STAGE|...`) in the runner: shared prefixes run once, text pages enter at the text
stage, cleaners that hang, crash, raise or drop are accounted for like extractors, and the built-in
cleaners do on the bundled sets what their rules promise."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from cleanbench.benchmark import benchmark
from cleanbench.gold.load import GoldSet, load_gold
from cleanbench.gold.rules import page_site
from cleanbench.run.runner import run
from cleanbench.run.sandbox import Limits
from cleanbench.score.aggregate import paired_difference
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.scoring import score_predictions

SCRIPTED = "run_test_extractors:Scripted"
CLEANER = "run_test_extractors:ScriptedCleaner"
MakeGold = Callable[[Sequence[str]], GoldSet]
Calls = Callable[[], list[tuple[str, int]]]
ROOT = Path(__file__).resolve().parents[2]


def by_stage(calls: list[tuple[str, int]]) -> Counter[str]:
    """Calls per (page, stage): "p00" for the extractor, "p00#cleaner" for the cleaner."""
    return Counter(page for page, _ in calls)


def test_pipelines_sharing_a_prefix_run_it_once_per_page(make_gold: MakeGold, calls: Calls) -> None:
    gold = make_gold(["<p>alpha</p>", "<p>beta</p>", "<p>gamma</p>"])
    rows = [SCRIPTED, f"{SCRIPTED}|{CLEANER}", f"{SCRIPTED}|{CLEANER}|line-dedup", f"{SCRIPTED}|line-dedup", f"{SCRIPTED}|{CLEANER}|refinedweb-lines"]
    predictions = run(gold, rows, workers=2, cache=None)
    assert by_stage(calls()) == {page: 1 for page in ("p00", "p01", "p02", "p00#cleaner", "p01#cleaner", "p02#cleaner")}
    assert [row.name for row in predictions.extractors] == ["scripted", "scripted|scripted-cleaner", "scripted|scripted-cleaner|line-dedup", "scripted|line-dedup", "scripted|scripted-cleaner|refinedweb-lines"]
    assert [p.text for p in predictions["scripted|scripted-cleaner|line-dedup"].predictions] == ["ALPHA", "BETA", "GAMMA"]


def test_a_cached_prefix_is_not_run_again_for_a_new_pipeline(make_gold: MakeGold, calls: Calls, tmp_path: Path) -> None:
    from cleanbench.run.cache import PredictionCache

    gold = make_gold(["<p>alpha</p>", "<p>beta</p>"])
    with PredictionCache(tmp_path / "cache.sqlite3") as cache:
        run(gold, [f"{SCRIPTED}|{CLEANER}"], workers=1, cache=cache)
        before = len(calls())
        again = run(gold, [f"{SCRIPTED}|{CLEANER}|line-dedup"], workers=1, cache=cache)
    assert calls()[before:] == []  # both stages of the prefix came from the cache; line-dedup ran on their text
    assert [p.text for p in again["scripted|scripted-cleaner|line-dedup"].predictions] == ["ALPHA", "BETA"]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ("cleaner=hang", "timeout", None),
        ("cleaner=exit", "crash", None),
        ("cleaner=raise", "error", "scripted cleaner failure"),
        ("cleaner=drop", "dropped", "scripted: marked for dropping"),
        ("do:raise", "error", "scripted failure on this page"),  # the extractor failed: the row inherits it
        ("do:nothing", "empty", None),
    ],
)
def test_a_cleaner_that_hangs_crashes_raises_or_drops_gets_that_status_and_the_run_finishes(
    make_gold: MakeGold, body: str, status: str, error: str | None
) -> None:
    gold = make_gold([f"<p>{body}</p>", "<p>fine</p>"])
    row = run(gold, [f"{SCRIPTED}|{CLEANER}"], workers=1, limits=Limits(timeout=1), cache=None)["scripted|scripted-cleaner"]
    first, second = row.predictions
    assert first.status == status
    if error is not None:
        assert error in (first.error or "")
    assert (second.status, second.text) == ("ok", "FINE")


def test_drops_are_scored_as_empty_and_counted_apart_from_failures(make_gold: MakeGold, tmp_path: Path) -> None:
    gold = make_gold(["<p>one two three</p>", "<p>four five</p>", "<p>do:raise</p>"])
    result = benchmark(gold, [f"{SCRIPTED}|run_test_extractors:DropsEverything", SCRIPTED], metrics=["words"], workers=1, out=tmp_path / "out")
    dropped, plain = result.extractors
    assert dropped.name == "scripted|drops-everything"
    assert dropped.drops is not None and dropped.drops.pages == 2  # the page the extractor failed on is a failure, not a drop
    assert dropped.drops.gold_words_share == pytest.approx(2 / 3)  # gold "gold" on each page: 2 of 3 pages' words
    assert dropped.failures == {"error": 1}
    assert dropped.metrics["words"].values["f1"].value == 0.0
    assert plain.drops is None and plain.failures == {"error": 1}


TEXT_PAGES = [
    {
        "id": "notice-1",
        "text": "Harbour notice\nThe ferry leaves at nine on weekdays.\nThe ferry leaves at nine on weekdays.\nBook a table now! Harbour Grill, Fri 8pm, from $25\nShare",
        "gold_text": "Harbour notice\n\nThe ferry leaves at nine on weekdays.",
        "noise": [{"label": "duplicate", "text": "The ferry leaves at nine on weekdays."}, {"label": "ad", "text": "Book a table now! Harbour Grill, Fri 8pm, from $25"}, {"label": "share", "text": "Share"}],
        "lang": "en",
    },
    {
        "id": "notice-2",
        "text": "Winter hours\nThe museum closes at four from November.\u2028Entry stays free.\nShare",
        "gold_text": "Winter hours\n\nThe museum closes at four from November.\n\nEntry stays free.",
        "noise": [{"label": "share", "text": "Share"}],
    },
]


def test_a_text_only_jsonl_record_loads_validates_and_runs(tmp_path: Path) -> None:
    from cleanbench.cli import main

    path = tmp_path / "text.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in TEXT_PAGES), encoding="utf-8")
    gold = load_gold(str(path))
    assert [page.text is not None and not page.html for page in gold] == [True, True]
    assert main(["data", "validate", str(path)]) == 0
    out = tmp_path / "run"
    assert main(["run", "--gold", str(path), "-e", "everything|line-dedup", "-e", "trafilatura", "--out", str(out), "--no-cache", "--format", "json"]) == 0
    pages = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    outputs = {(p["extractor"], p["page_id"]): p for p in pages if "page_id" in p}
    deduped = outputs[("everything|line-dedup", "notice-1")]["text"]
    assert deduped.count("The ferry leaves at nine") == 1
    assert outputs[("trafilatura", "notice-2")]["status"] in ("ok", "empty")  # an HTML extractor gets one <p> per line


def test_everything_then_line_dedup_halves_duplication_on_the_pages_with_a_copy_of_the_body() -> None:
    # Issue 12: `everything|line-dedup` has at most half of `everything`'s mean duplication on the pages
    # labelled `duplicate`, and the paired interval of the difference excludes 0.
    gold = load_gold(str(ROOT / "fixtures"))
    predictions = run(gold, ["everything", "everything|line-dedup"], workers=2, cache=None)
    scoring = score_predictions((p for row in predictions.extractors for p in row.predictions), gold, metrics=["duplication"])
    copied = {page.id for page in gold if "duplicate" in page.noise_labels()}
    assert len(copied) >= 30
    counts: dict[str, dict] = {"everything": {}, "everything|line-dedup": {}}
    for record in scoring.records:
        if record.page_id in copied:
            counts[record.extractor][record.page_id] = record.counts["duplication"]
    metric = scoring.metrics[0]
    from cleanbench.score.aggregate import point_values

    before = point_values(counts["everything"], metric.counts_type)["value"]
    after = point_values(counts["everything|line-dedup"], metric.counts_type)["value"]
    assert before is not None and after is not None and after <= before / 2
    difference = paired_difference(counts["everything|line-dedup"], counts["everything"], metric.counts_type, value="value", bootstrap=Bootstrap())
    assert difference.estimate.high is not None and difference.estimate.high < 0


def test_boilerplate_lines_removes_recurring_clutter_on_the_text_sites_and_nothing_on_a_small_site() -> None:
    gold = load_gold(str(ROOT / "fixtures-text"))
    predictions = run(gold, ["everything", "everything|boilerplate-lines"], workers=2, cache=None)
    site = {page.id: page_site(meta=page.meta, url=page.url) or page.id for page in gold}  # no site: its own scope
    sites = Counter(site.values())
    big = {name for name, pages in sites.items() if pages >= 4}
    assert len(big) >= 2
    scoring = score_predictions((p for row in predictions.extractors for p in row.predictions), gold, metrics=["leak:*"])
    before, after = scoring.extractor("everything"), scoring.extractor("everything|boilerplate-lines")
    recurring = {"nav", "footer", "ad"}
    assert recurring
    for label in recurring:
        assert after.metrics[f"leak:{label}"].values["value"].value < before.metrics[f"leak:{label}"].values["value"].value, label
    small = [page.id for page in gold if sites[site[page.id]] < 3]
    assert small
    everything = {p.page_id: p.text for p in predictions["everything"].predictions}
    cleaned = {p.page_id: p.text for p in predictions["everything|boilerplate-lines"].predictions}
    assert all(cleaned[page] == everything[page] for page in small)

"""Clutter injection (issue 13): every variant lands in the page's visible text (or, for a copy that is not
visible text, in the markup where meta says), the source gold is unchanged, output is deterministic, and
the `everything` bound leaks what was injected and repeats a visible duplicate."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import fold_whitespace, validate
from cleanbench.gold.visible import visible_text
from cleanbench.inject.clutter import HIDDEN_VARIANTS, HTML_VARIANTS, KINDS, TEXT_VARIANTS
from cleanbench.inject.phrases import PHRASES
from cleanbench.inject.write import inject, parse_kinds
from cleanbench.prediction import Prediction
from cleanbench.score.aggregate import paired_difference
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.metrics import get_metric
from cleanbench.score.scoring import score_predictions

SOURCE_PAGES = 8  # a handful of the bundled pages, in several languages, keeps the tests fast


@pytest.fixture(scope="module")
def source():
    gold = load_gold("fixtures")
    ids = gold.ids()
    step = max(1, len(ids) // SOURCE_PAGES)
    return gold.select(ids[::step][:SOURCE_PAGES], name="fixtures-few")


@pytest.fixture(scope="module")
def derived(source, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("inject") / "all"
    inject(source, out, kinds=KINDS, seed=7, all_variants=True)
    return load_gold(str(out))


def _meta(page) -> dict:
    return page.meta["derived"]


def test_languages_cover_cjk_and_right_to_left() -> None:
    assert len(PHRASES) >= 10
    assert {"zh", "ja", "ar", "he"} <= PHRASES.keys()
    keys = set(PHRASES["en"])
    assert all(set(words) == keys for words in PHRASES.values())


def test_every_variant_is_made_for_every_page(source, derived) -> None:
    made = defaultdict(set)
    for page in derived.annotations():
        meta = _meta(page)
        made[meta["kind"]].add(meta.get("variant"))
    for kind in KINDS:
        assert made[kind] == set(HTML_VARIANTS[kind]), kind
    assert len(derived) == len(source) * (1 + sum(len(v) for v in HTML_VARIANTS.values()))


def test_inserted_text_is_visible_or_in_the_markup_meta_names(derived) -> None:
    for page in derived:
        meta = _meta(page)
        if meta["kind"] == "clean":
            continue
        visible = fold_whitespace(visible_text(page.html))
        if (meta["kind"], meta["variant"]) in HIDDEN_VARIANTS:
            assert meta["hidden_copy"]["visible"] is False and meta["placement"].startswith("head > script")
            marked = page.html.split('<script type="application/ld+json">')[-1].split("</script>")[0]
            assert json.loads(marked)["articleBody"].split()[:20] == page.gold_text.split()[:20]
            continue
        added = [span for span in page.noise if span.label in (meta["kind"], "other")]
        assert added, page.id
        for span in page.noise:
            assert fold_whitespace(span.text) in visible, (page.id, span.text[:60])
        for snippet in page.without_snippets:
            assert fold_whitespace(snippet) in visible


def test_source_gold_is_unchanged_and_clean_copy_is_the_source(source, derived) -> None:
    originals = {page.id: page for page in source}
    for page in derived:
        original = originals[_meta(page)["source"]["page_id"]]
        assert page.gold_text == original.gold_text and page.with_snippets == original.with_snippets
        assert page.url == original.url and page.lang == original.lang
        if _meta(page)["kind"] == "clean":
            assert page.html == original.html and page.noise == original.noise


def test_provenance_in_meta(source, derived) -> None:
    page = derived.page(f"{source.ids()[0]}.ad-glued")
    meta = _meta(page)
    assert meta["source"]["digest"] == source.digest() and meta["source"]["page_id"] == source.ids()[0]
    assert meta["seed"] == 7 and meta["cleanbench"] and meta["lang"]["clutter"] in PHRASES
    assert meta["variant"] == "glued" and "glued" in meta["placement"]
    assert page.meta["site"].endswith(" [ad]")  # a cross-page cleaner sees each kind's copies as a site of their own


def test_glued_ad_touches_the_next_paragraph(derived) -> None:
    for page in derived:
        if _meta(page).get("variant") == "glued" and "gold paragraph" in _meta(page)["placement"]:
            ad = [span.text for span in page.noise if span.label == "ad"][-1]  # ours come after the source page's own
            unspaced = "".join(visible_text(page.html).split())
            position = unspaced.index("".join(ad.split()))
            following = unspaced[position + len("".join(ad.split())):][:20]
            assert following and following in "".join(page.gold_text.split()), page.id  # no white space between the ad and gold text


def test_derived_set_validates(derived) -> None:
    assert validate(derived, set_name="derived", strict=True).ok


def test_same_seed_same_bytes_other_seed_other_digest(source, tmp_path: Path) -> None:
    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    inject(source, first, kinds=("ad", "related", "duplicate"), seed=3)
    inject(source, second, kinds=("ad", "related", "duplicate"), seed=3, workers=2)
    inject(source, third, kinds=("ad", "related", "duplicate"), seed=4)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in files)
    assert load_gold(str(first)).digest() == load_gold(str(second)).digest() != load_gold(str(third)).digest()


def test_round_robin_gives_one_variant_per_page_and_kind(source, tmp_path: Path) -> None:
    summary = inject(source, tmp_path / "one", kinds=("duplicate", "ad"), seed=1)
    assert summary.written == {"clean": len(source), "duplicate": len(source), "ad": len(source)}
    variants = {_meta(page)["variant"] for page in load_gold(str(tmp_path / "one")).annotations() if _meta(page)["kind"] == "ad"}
    assert len(variants) > 1


def test_pages_that_cannot_take_a_kind_are_skipped_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "only.json").write_text(json.dumps({"id": "only", "html": "<p>Words here.</p>", "gold_text": "", "with": ["Words here."]}))
    summary = inject(load_gold(str(folder)), tmp_path / "out", kinds=("duplicate", "related", "ad"), seed=0)
    assert summary.skipped == {"duplicate: no gold text to copy": 1, "related: no other page's gold text": 1}
    assert summary.written == {"clean": 1, "ad": 1}


def test_text_pages_take_clutter_as_lines(tmp_path: Path) -> None:
    gold = load_gold("fixtures-text")
    inject(gold, tmp_path / "text", kinds=KINDS, seed=0, all_variants=True)
    derived = load_gold(str(tmp_path / "text"))
    assert validate(derived, set_name="text", strict=True).ok
    kinds = defaultdict(set)
    for page in derived:
        assert page.is_text
        meta = _meta(page)
        if meta["kind"] != "clean":
            kinds[meta["kind"]].add(meta["variant"])
            assert all(fold_whitespace(span.text) in fold_whitespace(page.text) for span in page.noise)
    assert dict(kinds) == {kind: set(variants) for kind, variants in TEXT_VARIANTS.items()}


def _everything(gold) -> list[Prediction]:
    return [Prediction(page_id=page.id, extractor="everything", status="ok", text=page.visible()) for page in gold]


def test_everything_leaks_every_visible_variant_and_repeats_visible_duplicates(derived) -> None:
    scoring = score_predictions(_everything(derived), derived, metrics=["words", "duplication", *(f"leak:{k}" for k in KINDS if k != "duplicate")], slice_by=())
    counts = {(r.page_id, name): c for r in scoring.records for name, c in r.counts.items() if c is not None}
    pages = {page.id: _meta(page) for page in derived.annotations()}
    by_variant: dict[tuple[str, str], list[float]] = defaultdict(list)
    for page_id, meta in pages.items():
        if meta["kind"] in ("clean", "duplicate"):
            continue
        share = counts[(page_id, f"leak:{meta['kind']}")]
        by_variant[(meta["kind"], meta["variant"])].append(share.share_sum / share.pages)
    assert len(by_variant) == sum(len(v) for k, v in HTML_VARIANTS.items() if k != "duplicate")
    for key, values in by_variant.items():
        assert sum(values) / len(values) >= 0.9, key
    duplication = get_metric("duplication")
    for variant in HTML_VARIANTS["duplicate"]:
        if ("duplicate", variant) in HIDDEN_VARIANTS:
            continue
        copies = {pid: meta["source"]["page_id"] for pid, meta in pages.items() if meta["kind"] == "duplicate" and meta["variant"] == variant}
        injected = {pid: counts[(pid, "duplication")] for pid in copies}
        clean = {pid: counts[(f"{source}.clean", "duplication")] for pid, source in copies.items()}
        difference = paired_difference(injected, clean, duplication.counts_type, value="value", bootstrap=Bootstrap(), clusters=copies)
        assert difference.estimate.value > 0.1 and difference.estimate.low > 0, variant


def test_a_derived_sets_signature_says_cluster(source, derived) -> None:
    plain = score_predictions(_everything(source), source, metrics=["words"], slice_by=())
    clustered = score_predictions(_everything(derived), derived, metrics=["words"], slice_by=())
    assert "ci:boot1000|" in plain.extractors[0].metrics["words"].signature
    assert "ci:boot1000-cluster|" in clustered.extractors[0].metrics["words"].signature
    assert "-cluster" in str(clustered.signature("words"))


def test_cluster_interval_of_copies_equals_the_source_interval(source, tmp_path: Path) -> None:
    """Every derived page of a source page scored with the source's counts: the cluster bootstrap's interval
    of a paired difference and of an estimate equal those over the source pages alone."""
    from cleanbench.score.aggregate import estimate

    scoring = score_predictions(_everything(source), source, metrics=["words"], slice_by=())
    base = {r.page_id: r.counts["words"] for r in scoring.records}
    copies = {f"{pid}.{kind}": counts for pid, counts in base.items() for kind in ("clean", "ad", "nav")}
    clusters = {pid: pid.rsplit(".", 1)[0] for pid in copies}
    words = get_metric("words").counts_type
    mine, theirs = estimate(copies, words, bootstrap=Bootstrap(), clusters=clusters)["f1"], estimate(base, words, bootstrap=Bootstrap())["f1"]
    assert (mine.value, mine.low, mine.high) == pytest.approx((theirs.value, theirs.low, theirs.high), abs=1e-12)


def test_parse_kinds() -> None:
    assert parse_kinds("ad, duplicate,ad") == ("ad", "duplicate")
    assert parse_kinds("all") == KINDS


def test_cli_inject_prints_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "inject", "fixtures", "--kinds", "cookie,nav", "--out", str(tmp_path / "d"), "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "wrote 390 pages derived from 130 pages of fixtures" in out and "cookie 130" in out and "skipped none" in out
    assert main(["data", "validate", str(tmp_path / "d")]) == 0


@pytest.mark.public_data
def test_aeb_pages_take_every_kind(public_data: Path, tmp_path: Path) -> None:
    gold = load_gold(f"aeb:{public_data / 'aeb'}")
    few = gold.select(gold.ids()[:12])
    summary = inject(few, tmp_path / "aeb", kinds=KINDS, seed=0)
    assert summary.pages == 12 * (1 + len(KINDS)) and not summary.skipped
    derived = load_gold(str(tmp_path / "aeb"))
    report = validate(derived, set_name="aeb", strict=False)
    source_findings = len(validate(few, set_name="aeb", strict=False).findings)
    assert len(report.findings) <= source_findings * (1 + len(KINDS))  # no finding beyond the source's own

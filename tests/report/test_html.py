"""The static HTML report: files written, content escaped (a page's own script stays inert), marks present."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest
from synthetic import make_result

from cleanbench.errors import PredictionsError, ReportError
from cleanbench.gold.load import GoldSet, load_gold
from cleanbench.prediction import Prediction
from cleanbench.report.document import script_hash
from cleanbench.report.html import write_html_report
from cleanbench.report.index_html import SORT_SCRIPT
from cleanbench.results import RunResult

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BODY = "The river rose in March and the town moved its market to the hill above the old bridge."
GOLD_TEXT = f"{BODY}\n\nA reader wrote {SCRIPT} and {IMG} in the comments."
AD = "Sponsored offer: buy cheap boots now at Bootland"


def _records() -> list[dict[str, object]]:
    return [
        {
            "id": "xss-01",
            "html": f"<html><body><p>{BODY}</p><p>{SCRIPT}{IMG}</p><aside>{AD}</aside></body></html>",
            "url": "javascript:alert(1)",
            "lang": "en",
            "page_type": "article",
            "gold_text": GOLD_TEXT,
            "with": [],
            "without": [],
            "noise": [{"label": "ad", "text": f"{AD} {SCRIPT}"}],
            "optional": [],
            "meta": {},
        },
        {
            "id": "plain.02",
            "html": "<p>kept words only here</p>",
            "url": None,
            "lang": "en",
            "page_type": "forum",
            "gold_text": None,
            "with": ["kept words"],
            "without": ["only here"],
            "noise": [],
            "optional": [],
            "meta": {},
        },
    ]


@pytest.fixture
def gold(tmp_path: Path) -> GoldSet:
    path = tmp_path / "xss.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in _records()), encoding="utf-8")
    return load_gold(str(path))


@pytest.fixture
def result(gold: GoldSet) -> RunResult:
    base = make_result()
    return replace(base, gold=replace(base.gold, name=gold.name, digest=gold.digest(), pages=len(gold)))


def _write_predictions(run_dir: Path, predictions: list[Prediction]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "predictions.jsonl").write_text("".join(json.dumps(p.to_json()) + "\n" for p in predictions), encoding="utf-8")


@pytest.fixture
def report(tmp_path: Path, gold: GoldSet, result: RunResult) -> Path:
    run_dir = tmp_path / "run"
    _write_predictions(
        run_dir,
        [
            # trafilatura: the body twice, the clutter (with its script) and the page's script/img text
            Prediction("xss-01", "trafilatura", "ok", f"{BODY}\n{BODY}\n{AD} {SCRIPT}\n{SCRIPT} {IMG}", 0.01),
            Prediction("xss-01", "justext", "timeout", "", 10.0, error=f"timed out {SCRIPT}"),
            Prediction("plain.02", "trafilatura", "ok", "kept words only here", 0.01),
        ],
    )
    return write_html_report(result, run_dir=run_dir, out_dir=tmp_path / "report", gold=gold)


def _documents(report: Path) -> dict[str, lxml.html.HtmlElement]:
    root = report.parent
    return {str(path.relative_to(root)): lxml.html.fromstring(path.read_bytes()) for path in sorted(root.rglob("*.html"))}


def test_writes_index_and_one_file_per_page(report: Path) -> None:
    assert report.name == "index.html"
    assert set(_documents(report)) == {"index.html", "pages/xss-01.html", "pages/plain.02.html"}


def test_page_content_is_inert(report: Path) -> None:
    for name, document in _documents(report).items():
        assert document.xpath("//img | //iframe | //object | //embed | //link | //form | //base") == [], name
        handlers = [(element.tag, attribute) for element in document.iter() if isinstance(element.tag, str)
                    for attribute in element.attrib if attribute.lower().startswith("on")]
        assert handlers == [], name
        assert document.xpath("//@src") == [], name  # no external (or any) assets
        for href in document.xpath("//@href"):
            assert ":" not in href, (name, href)  # relative links only: no javascript:, no http:
        policy = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert len(policy) == 1 and "default-src 'none'" in policy[0], name
        scripts = document.xpath("//script")
        if name == "index.html":  # the report's own sorting script, the one the policy allows by its hash
            assert [script.text for script in scripts] == [SORT_SCRIPT]
            assert f"script-src {script_hash(SORT_SCRIPT)};" in policy[0]
        else:
            assert scripts == [] and "script-src 'none'" in policy[0], name
    page = _documents(report)["pages/xss-01.html"]
    text = page.text_content()
    assert SCRIPT in text and IMG in text and "javascript:alert(1)" in text  # shown as text


def _pane(page: lxml.html.HtmlElement, extractor: str) -> tuple[lxml.html.HtmlElement, int]:
    """An extractor's prediction pane and its position (the k of its classes p<k>, and m<k> in the gold pane)."""
    pane = page.get_element_by_id(f"x-{extractor}")
    return pane, int(next(name for name in pane.classes if name[0] == "p" and name[1:].isdigit())[1:])


def test_marks_missing_leak_and_duplicate(report: Path) -> None:
    page = _documents(report)["pages/xss-01.html"]
    pane, k = _pane(page, "trafilatura")
    leaked = " ".join(span.text_content() for span in pane.find_class("l-ad"))
    assert "buy cheap boots now at Bootland" in leaked
    duplicated = " ".join(span.text_content() for span in pane.find_class("d"))
    assert "moved its market" in duplicated
    gold = page.find_class("gold")[0]
    missing = " ".join(span.text_content() for span in gold.find_class(f"m{k}"))
    assert "reader wrote" in missing and "river" not in missing
    timed_out, j = _pane(page, "justext")
    assert "timeout (scored as empty)" in timed_out.text_content()
    assert "river" in " ".join(span.text_content() for span in gold.find_class(f"m{j}"))  # an empty output misses all
    assert "no prediction" in page.get_element_by_id("x-readability").text_content()
    assert page.text_content().count(BODY) == 1 + 2  # the gold once (not once per extractor), trafilatura's two copies


def test_the_page_style_shows_the_targeted_extractor(report: Path) -> None:
    style = _documents(report)["pages/xss-01.html"].xpath("//style")[0].text
    assert ".pred:target{display:block}" in style and ".cols:has(.p1:target) .m1" in style


def test_a_long_stretch_that_repeats_the_gold_is_written_once(tmp_path: Path, gold: GoldSet, result: RunResult) -> None:
    long_body = " ".join(f"word{i}" for i in range(80))
    records = _records()
    records[0]["gold_text"] = long_body
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    long_gold = load_gold(str(path))
    run_dir = tmp_path / "run"
    _write_predictions(run_dir, [Prediction("xss-01", "trafilatura", "ok", f"Menu\n{long_body.replace(' word40', chr(10) + 'word40')}")])
    long_result = replace(result, gold=replace(result.gold, digest=long_gold.digest()))
    page = _documents(write_html_report(long_result, run_dir=run_dir, out_dir=tmp_path / "out", gold=long_gold))["pages/xss-01.html"]
    pane, _ = _pane(page, "trafilatura")
    assert [same.text_content() for same in pane.find_class("same")] == ["⋯ 64 words as in the gold, spaced otherwise ⋯"]
    assert pane.text_content().startswith("trafilatura") and "Menu\nword0 word1" in pane.text_content()
    assert "word72 word73" in pane.text_content() and "word40" not in pane.text_content()


def test_page_without_gold_text_shows_its_snippets(report: Path) -> None:
    page = _documents(report)["pages/plain.02.html"]
    row = page.find_class("views")[0].xpath(".//tbody/tr")[0].text_content()
    assert row.startswith("trafilatura") and row.endswith("1/11/1")  # with 1/1 found, without 1/1 found
    snippets = page.find_class("snippets")[0].text_content()
    assert "withkept wordsfound" in snippets.replace("\n", "") and "withoutonly herefound" in snippets
    assert "no gold text" in page.find_class("gold")[0].text_content()


def test_index_links_every_page_and_has_the_leaderboard(report: Path) -> None:
    index = _documents(report)["index.html"]
    assert index.find_class("grid") and index.find_class("heatmap")
    assert len(index.xpath("//details/summary[starts-with(., 'by ')]")) >= 1  # the slice tables
    hrefs = set(index.xpath("//a/@href"))
    assert {"pages/xss-01.html", "pages/plain.02.html#x-trafilatura"} <= hrefs


def test_heatmap_colours_each_share(report: Path) -> None:
    heatmap = _documents(report)["index.html"].find_class("heatmap")[0]
    header = [cell.text_content() for cell in heatmap.xpath(".//thead//th")]
    assert header[0] == "extractor" and "leak:ad" in header and header[-1] == "duplication"
    cells = heatmap.xpath(".//tbody//td[contains(@class, 'heat')]")
    assert cells and all(cell.text_content() == "" or any(name.startswith("h") for name in cell.classes) for cell in cells)


def test_gold_set_of_another_run_is_refused(tmp_path: Path, gold: GoldSet) -> None:
    with pytest.raises(ReportError, match="is not the one of this result"):
        write_html_report(make_result(), run_dir=tmp_path, out_dir=tmp_path / "out", gold=gold)


def test_missing_predictions_file(tmp_path: Path, gold: GoldSet, result: RunResult) -> None:
    with pytest.raises(ReportError, match="no predictions file"):
        write_html_report(result, run_dir=tmp_path / "nowhere", out_dir=tmp_path / "out", gold=gold)


def test_malformed_prediction_line_is_named(tmp_path: Path, gold: GoldSet, result: RunResult) -> None:
    run_dir = tmp_path / "run"
    _write_predictions(run_dir, [Prediction("xss-01", "trafilatura", "ok", "text")])
    with (run_dir / "predictions.jsonl").open("a", encoding="utf-8") as out:
        out.write('{"page_id": "xss-01", "extractor": "justext", "status": "weird"}\n')
    with pytest.raises(PredictionsError, match=r"predictions\.jsonl:2: field 'status'"):
        write_html_report(result, run_dir=run_dir, out_dir=tmp_path / "out", gold=gold)


def test_prediction_lines_in_any_key_order(tmp_path: Path, gold: GoldSet, result: RunResult) -> None:
    # The index reads the page id where a line opens with it (as cleanbench writes); other lines are parsed whole.
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    prediction = Prediction("xss-01", "trafilatura", "ok", f"{BODY} {AD}", 0.01)
    (run_dir / "predictions.jsonl").write_text(json.dumps(prediction.to_json(), sort_keys=True) + "\n", encoding="utf-8")
    page = _documents(write_html_report(result, run_dir=run_dir, out_dir=tmp_path / "out", gold=gold))["pages/xss-01.html"]
    pane, _ = _pane(page, "trafilatura")
    assert "buy cheap boots now at Bootland" in " ".join(span.text_content() for span in pane.find_class("l-ad"))


def test_a_page_without_html_says_so(tmp_path: Path, result: RunResult) -> None:
    # A page that enters as text has no HTML: the report shows no source size for it, and fails on nothing.
    records = _records()
    records[1]["html"] = ""
    path = tmp_path / "text-page.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    text_gold = load_gold(str(path))
    run_dir = tmp_path / "run"
    _write_predictions(run_dir, [Prediction("plain.02", "trafilatura", "ok", "kept words only here", 0.01)])
    text_result = replace(result, gold=replace(result.gold, digest=text_gold.digest()))
    documents = _documents(write_html_report(text_result, run_dir=run_dir, out_dir=tmp_path / "out", gold=text_gold))
    facts = documents["pages/plain.02.html"].find_class("facts")[0].text_content()
    assert "no HTML (a page that enters as text, or an empty page)" in facts
    assert "HTML, " in documents["pages/xss-01.html"].find_class("facts")[0].text_content()

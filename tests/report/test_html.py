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
from cleanbench.report.html import write_html_report
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
        assert document.xpath("//script") == [], name
        assert document.xpath("//img | //iframe | //object | //embed | //link") == [], name
        handlers = [(element.tag, attribute) for element in document.iter() if isinstance(element.tag, str)
                    for attribute in element.attrib if attribute.lower().startswith("on")]
        assert handlers == [], name
        assert document.xpath("//@src") == [], name  # no external (or any) assets
        for href in document.xpath("//@href"):
            assert ":" not in href, (name, href)  # relative links only: no javascript:, no http:
    page = _documents(report)["pages/xss-01.html"]
    text = page.text_content()
    assert SCRIPT in text and IMG in text and "javascript:alert(1)" in text  # shown as text


def test_marks_missing_leak_and_duplicate(report: Path) -> None:
    page = _documents(report)["pages/xss-01.html"]
    section = page.get_element_by_id("x-trafilatura")
    leaked = " ".join(span.text_content() for span in section.find_class("leak-ad"))
    assert "buy cheap boots now at Bootland" in leaked
    duplicated = " ".join(span.text_content() for span in section.find_class("dup"))
    assert "moved its market" in duplicated
    missing = " ".join(span.text_content() for span in section.find_class("miss"))
    assert "reader wrote" in missing and "river" not in missing
    timed_out = page.get_element_by_id("x-justext")
    assert "timeout (scored as empty)" in timed_out.text_content()
    assert "no prediction" in page.get_element_by_id("x-readability").text_content()


def test_page_without_gold_text_shows_its_snippets(report: Path) -> None:
    page = _documents(report)["pages/plain.02.html"]
    section = page.get_element_by_id("x-trafilatura")
    assert "with 1/1 found" in section.text_content() and "without 1/1 found" in section.text_content()


def test_index_links_every_page_and_has_the_leaderboard(report: Path) -> None:
    index = _documents(report)["index.html"]
    assert len(index.xpath("//table")) == 2  # leaderboard and page grid
    hrefs = set(index.xpath("//a/@href"))
    assert {"pages/xss-01.html", "pages/plain.02.html#x-trafilatura"} <= hrefs


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

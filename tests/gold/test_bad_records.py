"""`cleanbench data validate` on bad records: each kind fails with its exit code and one named line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cleanbench.cli import main
from cleanbench.gold.schema import NOISE_LABELS, RECORD_FIELDS

HTML = (
    "<html><head><title>Flood</title><script>var x = 1;</script></head><body>"
    "<nav><a href='/'>Home</a></nav><article><p>The river rose two metres overnight.</p>"
    "<p>Schools stayed shut.</p></article><footer>Contact us</footer></body></html>"
)
GOOD: dict[str, Any] = {
    "id": "flood-01",
    "html": HTML,
    "url": "https://news.example/flood",
    "lang": "en",
    "page_type": "article",
    "gold_text": "The river rose two metres overnight.\n\nSchools stayed shut.",
    "with": ["river rose two metres", "Schools stayed shut"],
    "without": ["Home", "Contact us"],
    "noise": [{"label": "nav", "text": "Home"}, {"label": "footer", "text": "Contact us"}],
    "meta": {"source": "test"},
}


def good(**changes: Any) -> dict[str, Any]:
    """GOOD with fields changed (`with_` for `with`, a keyword); None removes a field."""
    record = copy.deepcopy(GOOD)
    for key, value in changes.items():
        name = key.rstrip("_")
        if value is None:
            record.pop(name)
        else:
            record[name] = value
    return record


def jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_the_good_record_is_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pages.jsonl").write_text(jsonl(GOOD), encoding="utf-8")
    assert main(["data", "validate", str(tmp_path / "pages.jsonl")]) == 0
    assert capsys.readouterr().out.startswith("pages: ok: 1 pages, 0 errors; digest ")


# (case, files written, extra CLI args, exit code, stream, the line). Structural errors stop the load
# (exit 2, stderr); doubtful gold is an error in a strict set (exit 1) and a warning with --lenient.
CASES: list[tuple[str, dict[str, str], list[str], int, str, str]] = [
    (
        "duplicate id",
        {"pages.jsonl": jsonl(GOOD, good(url="https://news.example/flood-copy"))},
        [], 2, "err", "cleanbench: error: pages.jsonl:2: field 'id': duplicate id 'flood-01' (first in pages.jsonl:1)",
    ),
    (
        "unknown noise label",
        {"pages.jsonl": jsonl(good(noise=[{"label": "nav", "text": "Home"}, {"label": "banner", "text": "Contact us"}]))},
        [], 2, "err",
        f"cleanbench: error: pages.jsonl:1: field 'noise'[1]: unknown noise label 'banner' (known: {', '.join(NOISE_LABELS)})",
    ),
    (
        "bad id",
        {"pages.jsonl": jsonl(good(id="flood 01"))},
        [], 2, "err", "cleanbench: error: pages.jsonl:1: field 'id': 'flood 01' is not [A-Za-z0-9._-]{1,128}",
    ),
    (
        "neither gold_text nor with",
        {"pages.jsonl": jsonl(GOOD, good(id="flood-02", gold_text=None, with_=None))},
        [], 2, "err",
        "cleanbench: error: pages.jsonl:2: fields 'gold_text' and 'with': a page needs gold_text or at least one 'with' snippet",
    ),
    (
        "empty snippet in 'with'[2]",
        {"fixtures/news-07.json": json.dumps(good(id="news-07", with_=["river rose", "Schools", "  "]))},
        [], 2, "err", "cleanbench: error: fixtures/news-07.json: field 'with'[2]: empty snippet",
    ),
    (
        "unknown field",
        {"pages.jsonl": jsonl(good(title="Flood"))},
        [], 2, "err", f"cleanbench: error: pages.jsonl:1: unknown field 'title' (fields: {', '.join(RECORD_FIELDS)})",
    ),
    (
        "non-JSON line",
        {"pages.jsonl": jsonl(GOOD) + "{'id': 'flood-02'}\n"},
        [], 2, "err",
        "cleanbench: error: pages.jsonl:2: not a JSON record: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    (
        "'without' inside gold_text, strict",
        {"pages.jsonl": jsonl(good(without=["Home", "Schools stayed shut"]))},
        ["--strict"], 1, "out", "pages: error: flood-01: field 'without'[1]: snippet occurs inside gold_text: 'Schools stayed shut'",
    ),
    (
        "'without' inside gold_text, lenient",
        {"pages.jsonl": jsonl(good(without=["Home", "Schools stayed shut"]))},
        ["--lenient"], 0, "out", "pages: warning: flood-01: field 'without'[1]: snippet occurs inside gold_text: 'Schools stayed shut'",
    ),
    (
        "snippet not in the visible text",
        {"pages.jsonl": jsonl(good(gold_text=GOOD["gold_text"] + "\n\nThe dam held.", with_=["river rose", "The dam held"]))},
        [], 1, "out", "pages: error: flood-01: field 'with'[1]: snippet not found in the page's visible text: 'The dam held'",
    ),
    (
        "snippet in a script only",
        {"pages.jsonl": jsonl(good(without=["Home", "var x = 1;"]))},
        [], 1, "out", "pages: error: flood-01: field 'without'[1]: snippet not found in the page's visible text: 'var x = 1;'",
    ),
    (
        "gold paragraph not in the visible text",
        {"pages.jsonl": jsonl(good(gold_text=GOOD["gold_text"] + "\n\nThe dam held overnight."))},
        [], 1, "out", "pages: error: flood-01: field 'gold_text': paragraph 3 not found in the page's visible text: 'The dam held overnight.'",
    ),
    (
        "clutter span holding a whole gold paragraph",
        {"pages.jsonl": jsonl(good(
            html=HTML.replace("overnight.", "overnight and flooded the lower town.").replace("Contact us", "Contact us. The river rose two metres overnight and flooded the lower town."),
            gold_text=GOOD["gold_text"].replace("overnight.", "overnight and flooded the lower town."),
            noise=[{"label": "nav", "text": "Home"}, {"label": "footer", "text": "Contact us. The river rose two metres overnight and flooded the lower town."}],
        ))},
        [], 1, "out",
        "pages: error: flood-01: field 'noise'[1]: footer span holds a whole gold paragraph (only a 'duplicate' span may): 'The river rose two metres overnight and flooded the lower to'",
    ),
    (
        "lang that is not BCP-47",
        {"pages.jsonl": jsonl(good(lang="english"))},
        [], 1, "out", "pages: error: flood-01: field 'lang': 'english' is not a BCP-47 language tag (e.g. 'de', 'pt-BR', 'zh-Hant')",
    ),
    (
        "empty gold_text in a strict set",
        {"pages.jsonl": jsonl(good(gold_text="", with_=None))},
        [], 1, "out", "pages: error: flood-01: field 'gold_text': empty: the gold says the page has no main content",
    ),
]


@pytest.mark.parametrize(("files", "args", "code", "stream", "line"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], args: list[str], code: int, stream: str, line: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    spec = tmp_path / next(iter(files)).split("/")[0]
    assert main(["data", "validate", str(spec), *args]) == code
    captured = capsys.readouterr()
    if stream == "err":
        assert (captured.out, captured.err) == ("", line + "\n")
    else:
        lines = captured.out.splitlines()
        assert lines[0] == line
        found = len(lines) - 1  # every finding is a line before the summary
        assert lines[-1].startswith(f"pages: FAILED: 1 pages, {found} errors;" if code else f"pages: ok: 1 pages, {found} warnings;")


@pytest.mark.parametrize("layout", ["jsonl", "folder"])
def test_every_broken_record_of_a_file_is_listed_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str) -> None:
    records = [good(id="a-1", page_type="essay"), GOOD, good(id="a-3", noise=[{"label": "banner", "text": "Home"}]), good(url="https://x.example/")]
    if layout == "jsonl":
        spec = tmp_path / "pages.jsonl"
        spec.write_text(jsonl(*records[:2]) + "not json\n" + jsonl(*records[2:]), encoding="utf-8")
        places = ["pages.jsonl:1", "pages.jsonl:3", "pages.jsonl:4", "pages.jsonl:5"]
    else:
        spec = tmp_path / "set"
        spec.mkdir()
        for number, record in enumerate(records):
            (spec / f"r{number}.json").write_text(json.dumps(record), encoding="utf-8")
        places = ["set/r0.json", "set/r2.json", "set/r3.json"]
    assert main(["data", "validate", str(spec)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[2] for line in lines[:-1]] == places
    assert lines[-1] == f"cleanbench: error: {spec}: {len(places)} broken records; nothing else checked"
    assert "duplicate id 'flood-01'" in lines[-2]


@pytest.mark.parametrize(
    ("tag", "ok"),
    [("en", True), ("pt-BR", True), ("zh-Hant-TW", True), ("sr-Latn", True), ("es-419", True), ("de-CH-1996", True), ("x-klingon", True),
     ("english", False), ("en_US", False), ("e", False), ("en-", False), ("zh-Hant-Hans", False)],
)
def test_bcp47_tags(tag: str, ok: bool) -> None:
    from cleanbench.gold.rules import is_bcp47

    assert is_bcp47(tag) is ok

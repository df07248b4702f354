"""annotate/session.py and log.py: every change logged before it counts, the output rewritten from the
pages done, and a session that resumes where the last one stopped."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanbench.annotate.guess import panel_guess
from cleanbench.annotate.log import log_path
from cleanbench.annotate.panel import Panel
from cleanbench.annotate.session import Session
from cleanbench.annotate.sources import SourcePage, read_sources
from cleanbench.cli import main
from cleanbench.errors import AnnotationError, OutputError

PAGES = {
    "trains": "<html lang='en'><body><nav><ul><li>Home</li><li>News</li></ul></nav><article><h1>Trains</h1>"
    "<p>Sunday trains will run every hour from May, the operator said on Monday.</p>"
    "<p>The change follows a year of complaints from passengers in the valley towns.</p></article>"
    "<footer><p>© 2025 Valley News</p></footer></body></html>",
    "buses": "<html lang='en'><body><article><p>The night bus returns to the old town in June after a pause of two years.</p>"
    "<p>Tickets cost the same as in the day.</p></article><div class='cookie-bar'><p>We use cookies.</p></div></body></html>",
}


@pytest.fixture(scope="module")
def panel() -> Iterator[Panel]:
    with Panel(workers=1, names=("resiliparse",)) as one:  # one real extractor: the session is under test, not the guess
        yield one


@pytest.fixture
def pages(tmp_path: Path) -> list[SourcePage]:
    folder = tmp_path / "saved"
    folder.mkdir()
    for name, html in PAGES.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    return read_sources([folder], max_page_bytes=1 << 20)


BUSES, TRAINS = 0, 1  # a folder's pages come sorted by name


def session(pages: list[SourcePage], out: Path, panel: Panel) -> Session:
    return Session(pages, out=out, guess=panel_guess(panel))


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def content_of(opened: Session, index: int) -> list[int]:
    state = opened.state(index)
    return [i for i, piece in enumerate(state.blocks) if "trains" in piece.text or "night bus" in piece.text or "Tickets" in piece.text or "change follows" in piece.text]


def test_changes_are_logged_and_done_pages_written(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "gold" / "mine.jsonl"
    opened = session(pages, out, panel)
    assert out.read_text() == "" and lines(log_path(out))[0]["log"] == "cleanbench-annotate"
    body = content_of(opened, TRAINS)
    opened.change(TRAINS, {"op": "label", "blocks": body, "label": "content"})
    opened.change(TRAINS, {"op": "snippet", "kind": "with", "text": "Sunday trains will run every hour", "on": True})
    assert out.read_text() == ""  # not done yet: nothing in the gold set
    state, undo, notes = opened.change(TRAINS, {"op": "done", "on": True})
    assert state.done and notes == [] and undo == {"op": "done", "on": False}
    written = lines(out)
    assert [record["id"] for record in written] == ["trains"]
    assert written[0]["with"] == ["Sunday trains will run every hour"]
    assert written[0]["meta"]["annotation"]["segmentation"] == "blocks-1"
    assert written[0]["meta"]["annotation"]["panel"][0].startswith("resiliparse@")
    events = lines(log_path(out))
    assert [next(k for k in ("log", "start", "change", "visit") if k in e) for e in events] == ["log", "start", "change", "change", "change"]
    assert main(["data", "validate", str(out)]) == 0
    assert main(["run", "--gold", str(out), "-e", "everything", "--out", str(tmp_path / "run"), "--no-cache", "--workers", "1"]) == 0


def test_a_page_that_fails_validation_cannot_be_done_and_a_done_page_that_breaks_is_reopened(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "mine.jsonl"
    opened = session(pages, out, panel)
    everything = list(range(len(opened.state(BUSES).blocks)))
    opened.change(BUSES, {"op": "label", "blocks": everything, "label": "none"})
    with pytest.raises(AnnotationError, match="cannot be done yet: field 'gold_text': empty"):
        opened.change(BUSES, {"op": "done", "on": True})
    body = content_of(opened, BUSES)
    opened.change(BUSES, {"op": "label", "blocks": body, "label": "content"})
    opened.change(BUSES, {"op": "snippet", "kind": "with", "text": "Tickets cost the same", "on": True})
    opened.change(BUSES, {"op": "done", "on": True})
    assert len(lines(out)) == 1
    state, _, notes = opened.change(BUSES, {"op": "label", "blocks": body[-1:], "label": "other"})
    assert not state.done and notes == ["no longer done: field 'with'[0]: snippet not found in gold_text: 'Tickets cost the same'"]
    assert out.read_text() == ""
    assert lines(log_path(out))[-1]["change"] == {"op": "done", "on": False}


def test_a_new_session_resumes_the_log(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "mine.jsonl"
    first = session(pages, out, panel)
    body = content_of(first, 0)
    first.change(0, {"op": "label", "blocks": body, "label": "content"})
    first.change(0, {"op": "split", "block": body[0], "at": [6]})
    first.change(0, {"op": "done", "on": True})
    first.visit(1)
    states = [first.state(0), first.state(1)]
    output = out.read_bytes()
    again = session(pages, out, panel)
    assert again.resumed == 2 and again.position == 1
    assert [again.state(0), again.state(1)] == states
    assert out.read_bytes() == output


def test_a_write_cut_short_by_a_crash_is_dropped_and_cut_off(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "mine.jsonl"
    first = session(pages, out, panel)
    first.change(0, {"op": "field", "name": "page_type", "value": "article"})
    with log_path(out).open("ab") as log:
        log.write(b'{"page": "trains", "change": {"op": "field", "name": "page_ty')  # the crash
    again = session(pages, out, panel)
    assert again.state(0).page_type == "article"
    again.change(0, {"op": "field", "name": "lang", "value": "en-GB"})
    assert [e.get("change", {}).get("name") for e in lines(log_path(out))[-2:]] == ["page_type", "lang"]


def test_refusals_that_protect_saved_work(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "mine.jsonl"
    first = session(pages, out, panel)
    first.state(TRAINS)
    saved = log_path(out).read_bytes()
    changed = [SourcePage(p.id, p.html.replace("every hour", "every two hours"), p.url, p.origin, p.encoding, p.decode_method) for p in pages]
    with pytest.raises(AnnotationError, match="page 'trains' .* changed since it was annotated"):
        session(changed, out, panel)
    with pytest.raises(AnnotationError, match="the log holds page 'trains', which is not among the pages given"):
        session(pages[:1], out, panel)  # buses only (sorted: buses, trains)
    assert log_path(out).read_bytes() == saved
    other = tmp_path / "theirs.jsonl"
    other.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match="exists, and has no annotation log beside it"):
        session(pages, other, panel)
    assert other.read_text(encoding="utf-8") == '{"id": "x"}\n'
    with pytest.raises(OutputError, match="cannot create this folder"):
        session(pages, Path("/proc/cleanbench-no-such-folder/out.jsonl"), panel)


def test_a_change_that_cannot_be_logged_is_not_applied(tmp_path: Path, pages: list[SourcePage], panel: Panel) -> None:
    out = tmp_path / "mine.jsonl"
    opened = session(pages, out, panel)
    before = opened.state(0)
    log_path(out).unlink()
    log_path(out).mkdir()  # any write to the log now fails
    with pytest.raises(OutputError, match="cannot write the annotation log"):
        opened.change(0, {"op": "field", "name": "page_type", "value": "article"})
    assert opened.state(0) == before
    shutil.rmtree(log_path(out))

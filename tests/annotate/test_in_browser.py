"""`cleanbench annotate` driven in a real browser (headless Chromium through Playwright, Debian's
/usr/bin/chromium: no browser download): a bundled page annotated from scratch gives back its committed
gold, a hostile page stays inert, and a killed server resumes without losing a change."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleanbench.gold.schema import fold_whitespace

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed (pip install -e '.[test]')")
REPO = Path(__file__).resolve().parents[2]
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium here (Debian: apt-get install chromium); Playwright drives the system's")
URL = re.compile(r"open (http://127\.0\.0\.1:\d+/) in a browser")


class Tool:
    """`cleanbench annotate` in a process of its own (a process group, so that a kill takes its workers)."""

    def __init__(self, pages: list[Path], out: Path) -> None:
        self.argv = [sys.executable, "-m", "cleanbench", "annotate", *map(str, pages), "--out", str(out), "--no-browser", "--port", "0", "--workers", "2"]
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.append(line)
            found = URL.search(line)
            if found:
                self.url = found.group(1)
                return
        raise AssertionError(f"the tool did not start: {''.join(self.lines)}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


def wait_until(page: Any, script: str, arg: Any = None, *, timeout: float = 60.0) -> None:
    """Poll a condition in the page (`page.wait_for_function` evaluates a string, which the tool's
    Content-Security-Policy forbids in older Playwright releases)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        time.sleep(0.05)


def open_tool(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_selector("#blocks .block", timeout=120_000)
    return page


def texts(page: Any) -> list[str]:
    return page.eval_on_selector_all("#blocks .block .text", "items => items.map(item => item.textContent)")


def find(page: Any, start: str, occurrence: int = 1) -> int:
    """The index of the `occurrence`-th block whose text starts with `start`."""
    found = [i for i, text in enumerate(texts(page)) if text.strip().startswith(start)]
    assert len(found) >= occurrence, f"no block {occurrence} starting {start!r}"
    return found[occurrence - 1]


def saved(page: Any) -> None:
    """Wait until the tool has saved every change sent so far."""
    wait_until(page, "() => document.getElementById('save').className.includes('saved')")


def label_range(page: Any, first: int, last: int, key: str, *, mouse: bool = False) -> None:
    page.click(f"#blocks .block[data-index='{first}'] .num")
    if last != first:
        page.click(f"#blocks .block[data-index='{last}'] .num", modifiers=["Shift"])
    if mouse:
        page.click(f".label-button[data-label='{key}']")
    else:
        page.keyboard.press(key)
    wait_until(
        page,
        "([first, last, key]) => [...document.querySelectorAll('#blocks .block')].slice(first, last + 1).every(b => b.dataset.label === key)",
        [first, last, key if mouse else LABEL_OF_KEY[key]],
    )


LABEL_OF_KEY = {"c": "content", "o": "optional", "d": "duplicate", "a": "ad", "r": "related", "m": "comments", "n": "nav",
                "k": "cookie", "e": "newsletter", "s": "share", "f": "footer", "x": "other", "-": "none"}


def select_text(page: Any, index: int, text: str) -> None:
    """Select `text` inside block `index` with the mouse: press at its first character, release at its last."""
    box = page.evaluate(
        """([index, text]) => {
            const holder = document.querySelector(`#blocks .block[data-index='${index}'] .text`);
            holder.scrollIntoView({block: "center"});
            const node = holder.firstChild;
            const start = node.textContent.indexOf(text);
            const rect = (a, b) => { const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b); return r.getBoundingClientRect(); };
            const first = rect(start, start + 1), last = rect(start + text.length - 1, start + text.length);
            return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
        }""",
        [index, text],
    )
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=8)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == text


def set_start(page: Any, index: int, wanted: bool) -> None:
    """Make block `index` start a new span (or not), as the span marks in the list show."""
    if page.eval_on_selector(f"#blocks .block[data-index='{index}']", "b => b.classList.contains('span-start')") != wanted:
        page.click(f"#blocks .block[data-index='{index}'] .num")
        page.keyboard.press("b")
        wait_until(page, "([index, wanted]) => document.querySelector(`#blocks .block[data-index='${index}']`).classList.contains('span-start') === wanted", [index, wanted])


def spans_by_label(record: dict[str, Any]) -> dict[str, Counter[str]]:
    found: dict[str, Counter[str]] = {}
    for span in record["noise"]:
        found.setdefault(span["label"], Counter())[fold_whitespace(span["text"])] += 1
    return found


def test_a_bundled_page_annotated_from_scratch_gives_back_its_gold(browser: Any, tmp_path: Path) -> None:
    committed = json.loads((REPO / "fixtures" / "news-en-12.json").read_text(encoding="utf-8"))
    saved_page = tmp_path / "news-en-12.html"
    shutil.copy(REPO / "fixtures" / "news-en-12.html", saved_page)
    out = tmp_path / "mine.jsonl"
    tool = Tool([saved_page], out)
    try:
        page = open_tool(browser, tool.url)
        # The ad run into the paragraph: undo the guess's own cut (if it made one), then cut it by hand.
        glued = find(page, "Herald EventsBusiness Awards 2025Northgate")
        if not texts(page)[glued].startswith("Herald EventsBusiness Awards 2025Northgate | 20 NovGET TICKETSUntil"):
            page.click(f"#blocks .block[data-index='{glued}'] .num")
            page.keyboard.press("j")
            wait_until(page, f"() => document.querySelectorAll('#blocks .block .text')[{glued}].textContent.includes('TICKETSUntil')")
        select_text(page, glued, "Herald EventsBusiness Awards 2025Northgate | 20 NovGET TICKETS")
        page.keyboard.press("/")
        wait_until(page, f"() => document.querySelectorAll('#blocks .block .text')[{glued + 1}].textContent.startsWith('Until the permanent')")
        # Every block, the committed label: ranges by click and shift-click, then a key or a label button.
        ranges = [
            ("We value your privacy", 1, "Customise", 1, "k"),
            ("Skip to content", 1, "Search", 1, "n"),
            ("Local news", 2, "8 October 2025", 1, "o"),  # the first "Local news" is a menu item
            ("7 comments", 1, "7 comments", 1, "m"),
            ("Share", 1, "Facebook X WhatsApp", 1, "s"),
            ("A flood defence scheme", 1, "About 150 residents", 1, "c"),
            ("Read more:", 1, "Read more:", 1, "related"),
            ("“We were told in 2022", 1, "Project manager Ewan", 1, "c"),
            ("The River Lathe at Canal Wharf", 1, "The River Lathe at Canal Wharf", 1, "optional"),
            ("Herald EventsBusiness Awards", 1, "Herald EventsBusiness Awards", 1, "a"),
            ("Until the permanent", 1, "The funding gap", 1, "c"),
            ("Get the Herald Daily free", 1, "Get the Herald Daily free", 1, "e"),
            ("Council leader Imran Shah", 1, "Work on the first phase", 1, "c"),
            ("Herald Events", 2, "REGISTER NOW", 1, "a"),
            ("Residents can see", 1, "Flood resilience grants", 1, "c"),
            ("A flood defence scheme", 2, "Flood resilience grants", 2, "d"),
            ("Tags:", 1, "Tags:", 1, "other"),
            ("Herald Events", 3, "GET TICKETS", 1, "a"),
            ("You may also like", 1, "When the water came up", 1, "r"),
            ("Comments (7)", 1, "0/500", 1, "comments"),
            ("Most read", 1, "Lantern parade", 1, "r"),
            ("The Herald Daily", 1, "The day's top local", 1, "e"),
            ("The Herald", 2, "© 2025 Northgate", 1, "footer"),
        ]
        for first, first_n, last, last_n, key in ranges:
            label_range(page, find(page, first, first_n), find(page, last, last_n), key, mouse=len(key) > 1)
        # Spans: where a run of one label holds several of the committed spans, start a new one.
        starts = {find(page, "The Northgate Herald", 2), find(page, "Home", 1), find(page, "Flood scheme for Hebble"),
                  find(page, "By Dominic"), find(page, "8 October 2025")}
        runs = page.eval_on_selector_all("#blocks .block", "items => items.map(item => item.dataset.label)")
        for index in range(1, len(runs)):
            if runs[index] == runs[index - 1] and runs[index] not in ("content", "none"):
                set_start(page, index, index in starts)
        # The snippets, selected in the text with the mouse.
        for text, kind in [(s, "w") for s in committed["with"]] + [(s, "W") for s in committed["without"]]:
            index = next(i for i, block in enumerate(texts(page)) if text in block)
            select_text(page, index, text)
            page.keyboard.press(kind)
            saved(page)
        page.select_option("#page-type", "article")
        saved(page)
        page.keyboard.press("Enter")
        wait_until(page, "() => document.getElementById('progress-text').textContent === '1 of 1 done'")
        page.screenshot(path=str(tmp_path / "annotated.png"))
    finally:
        tool.stop()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert fold_whitespace(record["gold_text"]) == fold_whitespace(committed["gold_text"])
    assert spans_by_label(record) == spans_by_label(committed)
    assert Counter(map(fold_whitespace, record["optional"])) == Counter(map(fold_whitespace, committed["optional"]))
    assert (record["with"], record["without"]) == (committed["with"], committed["without"])
    assert (record["id"], record["url"], record["lang"], record["page_type"]) == (committed["id"], committed["url"], committed["lang"], committed["page_type"])
    assert record["html"] == (REPO / "fixtures" / "news-en-12.html").read_text(encoding="utf-8")
    assert tool.process.returncode in (0, -signal.SIGINT, 130)


HOSTILE = """<!DOCTYPE html><html><head>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/away">
<link rel="stylesheet" href="https://evil.example/track.css">
<script>
fetch('/api/page/0/change', {method: 'POST', headers: {'Content-Type': 'application/json'},
  body: JSON.stringify({change: {op: 'done', on: true}})});
try { parent.document.body.innerHTML = 'PWNED'; } catch (e) {}
top.location = 'https://evil.example/stolen';
</script></head>
<body onload="parent.document.title='PWNED'">
<p>The harbour board approved the new ferry timetable on Thursday.</p>
<p>&lt;script&gt;document.title='PWNED'&lt;/script&gt; is how the story's headline was written.</p>
<img src="x" onerror="parent.document.body.innerHTML='PWNED'">
<svg onload="parent.document.title='PWNED'"><a href="javascript:parent.document.title='PWNED'"><text>svg link</text></a></svg>
<iframe src="/api/session"></iframe><object data="https://evil.example/x.swf"></object>
<form action="/api/page/0/change" method="post"><button autofocus>Send the form</button></form>
<p><a href="javascript:parent.document.title='PWNED'">A link that runs code</a> and <a href="https://evil.example/">one that leaves</a>.</p>
</body></html>"""


def test_a_hostile_page_stays_inert(browser: Any, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.html"
    hostile.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "mine.jsonl"
    tool = Tool([hostile], out)
    requests: list[str] = []
    try:
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(tool.url)
        page.wait_for_selector("#blocks .block", timeout=120_000)
        page.wait_for_timeout(1500)  # time for anything the page would run or load
        frame = next(f for f in page.frames if "/render/" in f.url)
        frame.click("text=A link that runs code")
        frame.click("text=one that leaves")
        frame.click("text=Send the form")
        page.wait_for_timeout(500)
        assert page.title() == "cleanbench annotate"
        assert page.evaluate("() => document.body.innerHTML") != "PWNED"
        assert page.locator("#blocks .block").count() >= 3  # the tool's own list is whole
        assert "<script>document.title='PWNED'</script> is how the story's headline was written." in texts(page)
        assert "/render/" in frame.url and "evil.example" not in frame.url  # no link navigated the frame
        rendered = frame.content()
        for forbidden in ("<script", "onerror", "onload", "javascript:", "<iframe", "<object", "<base", "http-equiv", "evil.example", "autofocus"):
            assert forbidden not in rendered.lower(), forbidden
    finally:
        tool.stop()
    local = re.compile(re.escape(tool.url.rstrip("/")) + r"/(|static/app\.(js|css)|api/session|api/page/0|api/page/0/visit|render/0\?t=[\w-]+(#cb-\d+)?)$")
    assert [url for url in requests if not local.match(url)] == []
    events = [json.loads(line) for line in (tmp_path / "mine.jsonl.log").read_text(encoding="utf-8").splitlines()]
    assert [event for event in events if "change" in event] == []  # the page's own script wrote nothing
    assert out.read_text(encoding="utf-8") == ""


def test_a_killed_server_resumes_without_losing_a_change(browser: Any, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("news-en-13", "forum-en-12"):
        shutil.copy(REPO / "fixtures" / f"{name}.html", folder / f"{name}.html")
    out = tmp_path / "mine.jsonl"
    tool = Tool([folder], out)
    try:
        page = open_tool(browser, tool.url)
        last = len(texts(page)) - 1
        label_range(page, 0, 2, "x")
        label_range(page, last, last, "-")
        page.select_option("#page-type", "forum")
        saved(page)
        page.keyboard.press("Enter")
        wait_until(page, "() => document.getElementById('progress-text').textContent === '1 of 2 done'")
        page.wait_for_selector("#blocks .block")
        label_range(page, 1, 1, "d")
        saved(page)
        before = {"labels": page.eval_on_selector_all("#blocks .block", "items => items.map(item => item.dataset.label)")}
        tool.kill()  # SIGKILL: no chance to tidy up
        log = (tmp_path / "mine.jsonl.log").read_bytes()
        output = out.read_bytes()
        tool = Tool([folder], out)
        assert any("resumed 2 pages" in line for line in tool.lines)
        page.goto(tool.url)  # the closed tab, opened again
        page.wait_for_selector("#blocks .block", timeout=120_000)
        assert page.inner_text("#page-id") == "news-en-13"  # where the annotator was
        assert page.eval_on_selector_all("#blocks .block", "items => items.map(item => item.dataset.label)") == before["labels"]
        assert page.inner_text("#progress-text") == "1 of 2 done"
        page.keyboard.press("[")
        wait_until(page, "() => document.getElementById('page-id').textContent === 'forum-en-12'")
        page.wait_for_selector("#blocks .block[data-index='2'][data-label='other']")
        assert page.input_value("#page-type") == "forum"
    finally:
        tool.stop()
    assert (tmp_path / "mine.jsonl.log").read_bytes().startswith(log)
    assert out.read_bytes() == output
    assert [json.loads(line)["id"] for line in output.decode().splitlines()] == ["forum-en-12"]

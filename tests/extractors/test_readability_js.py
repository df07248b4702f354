"""readability-js: Readability.js in one long-lived node process per worker (skipped without node/npm packages)."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanbench.extractors.readability_js import (
    ReadabilityJs,
    installed_version,
    node_dir,
    pinned_versions,
)
from cleanbench.gold.schema import GoldPage, fold_whitespace

pytestmark = pytest.mark.extras  # node and the npm packages of scripts/install-readability-js.sh


@pytest.fixture
def readability_js() -> Iterator[ReadabilityJs]:
    extractor = ReadabilityJs()
    missing = extractor.missing()
    if missing:
        pytest.skip(f"readability-js: {', '.join(missing)} missing (node on PATH and scripts/install-readability-js.sh)")
    yield extractor
    extractor.close()


def pid(extractor: ReadabilityJs) -> int:
    return int(extractor._tool._process.pid)


def test_extracts_the_article(readability_js: ReadabilityJs, fixture_page: Callable[[str], GoldPage]) -> None:
    page = fixture_page("news-en-01")
    text = fold_whitespace(readability_js.extract(page.html, url=page.url))
    assert all(fold_whitespace(snippet) in text for snippet in page.with_snippets)


def test_one_node_process_serves_every_page(readability_js: ReadabilityJs, fixture_page: Callable[[str], GoldPage]) -> None:
    pages = [fixture_page(page_id) for page_id in ("news-en-01", "docs-en-01", "news-de-01")]
    readability_js.extract(pages[0].html)
    first = pid(readability_js)
    for page in pages:
        assert readability_js.extract(page.html, url=page.url)
    assert pid(readability_js) == first


def test_a_dead_node_process_is_replaced(readability_js: ReadabilityJs, fixture_page: Callable[[str], GoldPage]) -> None:
    page = fixture_page("news-en-01")
    readability_js.extract(page.html)
    first = pid(readability_js)
    os.kill(first, signal.SIGKILL)
    readability_js._tool._process.wait()
    assert readability_js.extract(page.html)
    assert pid(readability_js) != first


def test_no_article_gives_empty_text_and_bad_urls_are_ignored(readability_js: ReadabilityJs) -> None:
    empty_body = "<html><head><title>A page</title></head><body><script>shown = 1;</script></body></html>"
    readability_js.extract("<html><body><p>x</p></body></html>")
    assert readability_js._tool.ask({"html": empty_body, "url": None}) == {"content": None}  # Readability's null
    assert readability_js.extract(empty_body, url="not a url") == ""


def test_close_ends_the_process_and_pickling_drops_it(readability_js: ReadabilityJs) -> None:
    readability_js.extract("<html><body><p>x</p></body></html>")
    process = readability_js._tool._process
    copy = pickle.loads(pickle.dumps(readability_js))
    assert copy._tool is None
    readability_js.close()
    assert process.poll() == 0


def test_version_names_readability_and_jsdom(readability_js: ReadabilityJs) -> None:
    pinned = pinned_versions()
    assert installed_version("@mozilla/readability", root=node_dir()) == pinned["@mozilla/readability"]
    assert readability_js.version() == f"{pinned['@mozilla/readability']}+jsdom.{pinned['jsdom']}"


@pytest.mark.skipif(sys.platform != "linux", reason="the node process dies with its worker through Linux's PR_SET_PDEATHSIG")
def test_busy_node_dies_with_a_killed_worker(readability_js: ReadabilityJs) -> None:
    # A worker killed mid-page (the runner's timeout, os._exit, a segfault) must not leave node running:
    # node is busy on a page Readability needs about 15 s for, so it would not notice its stdin closing.
    script = (
        "import json, os, time\n"
        "from cleanbench.extractors.readability_js import ReadabilityJs\n"
        "extractor = ReadabilityJs()\n"
        "extractor.extract('<html><body><p>x</p></body></html>')\n"
        "process = extractor._tool._process\n"
        "html = '<html><body>' + '<div><p>Some words in a paragraph, with commas.</p></div>' * 20000 + '</body></html>'\n"
        "process.stdin.write(json.dumps({'html': html, 'url': None}).encode() + b'\\n')\n"
        "process.stdin.flush()\n"
        "print(process.pid, flush=True)\n"
        "time.sleep(0.5)\n"
        "os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    node = int(done.stdout)
    for _ in range(100):
        if gone(node):
            break
        time.sleep(0.05)
    else:
        os.kill(node, signal.SIGKILL)
        pytest.fail(f"node process {node} outlived its worker")


def gone(pid: int) -> bool:
    """True when the process has exited (no /proc entry, or a zombie waiting for its reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"

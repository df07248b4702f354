"""The HTML report opened in a real browser (headless Chromium): a page's own script must stay inert."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from cleanbench.cli import main

REPO = Path(__file__).resolve().parents[2]
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# What a browser would do if the report let page content through as markup: replace the whole body.
PAYLOAD = (
    "<script>document.body.innerHTML='PWNED'</script>\n"
    "<img src=x onerror=\"document.body.innerHTML='PWNED'\">\n"
    "The transit authority voted on the budget.\n"
)


@pytest.mark.skipif(BROWSER is None, reason="no Chromium here (Debian: apt-get install chromium)")
def test_report_page_keeps_hostile_text_inert_in_a_browser(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in (REPO / "fixtures").glob("news-en-01.*"):
        shutil.copy(path, gold / path.name)
    hostile = tmp_path / "hostile.py"
    hostile.write_text(f"import sys\nsys.stdin.read()\nsys.stdout.write({PAYLOAD!r})\n", encoding="utf-8")
    run = tmp_path / "run"
    assert main(["run", "--gold", str(gold), "-e", f"cmd:{sys.executable} {hostile}", "--out", str(run), "--no-cache", "--workers", "1"]) == 0
    assert main(["report", str(run), "--html", str(tmp_path / "html")]) == 0

    page = tmp_path / "html" / "pages" / "news-en-01.html"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([BROWSER, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
    # The DOM after the browser ran the page: still the whole report, the payload only as visible text.
    root = lxml.html.document_fromstring(dom)
    text = " ".join(root.text_content().split())
    assert "news-en-01" in text and "gold" in text
    assert "<script>document.body.innerHTML='PWNED'</script>" in text
    assert root.xpath("//script | //img | //@*[starts-with(name(), 'on')]") == []

    # The index runs one script, the report's own (its Content-Security-Policy allows it by hash): it
    # made every column header sortable. The payload never reaches the index.
    index = tmp_path / "html" / "index.html"
    dom = subprocess.run([BROWSER, *flags, "--dump-dom", index.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
    root = lxml.html.document_fromstring(dom)
    headers = root.xpath("//thead//th")
    assert headers and all(th.get("aria-sort") == "none" and th.get("tabindex") == "0" for th in headers)
    assert "PWNED" not in root.text_content() and len(root.xpath("//script")) == 1

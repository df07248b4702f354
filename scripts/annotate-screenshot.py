"""The screenshot of `cleanbench annotate` in the README (docs/annotate.png): the tool on three bundled
pages, headless Chromium through Playwright, the current block on an ad the guess cut off its paragraph.

    .venv/bin/python scripts/annotate-screenshot.py [docs/annotate.png]
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "annotate.png"
    with tempfile.TemporaryDirectory(prefix="cleanbench-shot-") as scratch:
        saved = Path(scratch) / "saved"
        saved.mkdir()
        for name in ("news-en-12", "forum-en-12", "recipe-ja-12"):
            shutil.copy(ROOT / "fixtures" / f"{name}.html", saved / f"{name}.html")
        command = [sys.executable, "-m", "cleanbench", "annotate", str(saved), "--out", str(Path(scratch) / "mine.jsonl"), "--no-browser", "--port", "0"]
        tool = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
        try:
            url = next(found.group(1) for line in tool.stdout if (found := re.search(r"open (\S+) in a browser", line)))  # type: ignore[union-attr]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
                page.goto(url)
                page.wait_for_selector("#blocks .block", timeout=120_000)
                page.keyboard.press("]")  # news-en-12, second by name
                page.wait_for_selector("#blocks .block .text >> text=Herald EventsBusiness", timeout=120_000)
                texts = page.eval_on_selector_all("#blocks .block .text", "items => items.map(item => item.textContent)")
                glued = next(i for i, text in enumerate(texts) if text.startswith("Herald EventsBusiness"))
                page.click(f"#blocks .block[data-index='{glued}'] .num")
                page.wait_for_timeout(800)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            os.killpg(tool.pid, signal.SIGINT)
            tool.wait(timeout=30)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

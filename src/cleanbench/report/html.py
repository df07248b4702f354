"""A static HTML report of a run: the leaderboard, and for every gold page each prediction beside the gold.

`write_html_report` writes `index.html` (run facts, the leaderboard, a leak heatmap, the slice tables
and a page x extractor grid of per-page scores; `report.index_html`) and `pages/<id>.html` (the gold
text once and each extractor's prediction once, words marked: `report.page_html`, `report.marks`).
Every piece of page content is escaped, every file forbids any script but the index's own sorting
script (Content-Security-Policy), and nothing loads from elsewhere: the files open from disk, and a
page's own `<script>` shows as text.

Pages are read, marked and written one at a time, so memory stays that of the largest page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from cleanbench.atomic import ensure_folder, write_atomic
from cleanbench.errors import PredictionsError, ReportError
from cleanbench.gold.load import GoldSet
from cleanbench.jsonl import loads
from cleanbench.prediction import Prediction
from cleanbench.report.document import document
from cleanbench.report.index_html import grid_row, index_html
from cleanbench.report.marks import PageWords
from cleanbench.report.page_html import page_css, page_html
from cleanbench.report.robustness_html import robustness_section
from cleanbench.report.table import leaderboard
from cleanbench.report.view import make_view
from cleanbench.results import RunResult
from cleanbench.robustness import robustness, split_id
from cleanbench.run.journal import PREDICTIONS_FILE

# How a line of predictions.jsonl opens (Prediction.to_json's first field, JSON-encoded by cleanbench.jsonl).
_PAGE_ID = re.compile(rb'\{"page_id": ("(?:[^"\\]|\\.)*")')
INDEX_FILE = "index.html"
PAGES_DIR = "pages"


def write_html_report(result: RunResult, *, run_dir: Path, out_dir: Path, gold: GoldSet) -> Path:
    """Write the report into `out_dir` from `result`, its gold set and `run_dir/predictions.jsonl`; returns index.html."""
    digest = gold.digest()
    if digest != result.gold.digest:
        raise ReportError(
            f"gold set {gold.name!r} (sha256:{digest[:12]}) is not the one of this result "
            f"({result.gold.name!r}, sha256:{result.gold.digest[:12]})"
        )
    predictions = _PredictionFile(run_dir / PREDICTIONS_FILE)
    extractors = [row.name for row in leaderboard(result).tables[0].rows if row.installed]
    pages_dir = ensure_folder(out_dir / PAGES_DIR)
    css = page_css(len(extractors))
    ids = gold.ids()
    grid: list[str] = []  # index rows, rendered as each page is done (marks are not kept: large sets)
    # The pages without their HTML, of which the report shows only the size: the set's bulk stays unread.
    for position, (page, html_size) in enumerate(zip(gold.annotations(), gold.html_sizes(), strict=True)):
        found = predictions.for_page(page.id)
        words = PageWords(page)
        views = [make_view(name, words=words, prediction=found.get(name)) for name in extractors]
        neighbours = (ids[position - 1] if position else None, ids[position + 1] if position + 1 < len(ids) else None)
        body = page_html(page, views=views, html_size=html_size, neighbours=neighbours, files=_page_file)
        write_atomic(pages_dir / _page_file(page.id), document(f"{page.id} · cleanbench", body=body, css=css))
        grid.append(grid_row(page, views=views, target=f"{PAGES_DIR}/{_page_file(page.id)}"))
    index = out_dir / INDEX_FILE
    derived = any((split_id(page_id) or ("", ""))[1] == "clean" for page_id in ids)  # clean copies: a derived set
    section = robustness_section(robustness(run_dir)) if derived else ""
    write_atomic(index, index_html(result, extractors=extractors, grid=grid, robustness=section))
    return index


def _page_file(page_id: str) -> str:
    return quote(page_id, safe="") + ".html"


# --- predictions ----------------------------------------------------------------------------------


class _PredictionFile:
    """`predictions.jsonl` indexed by page id (byte offsets), so one page's predictions are read at a time.

    The index reads only each line's page id where the line opens with it, as cleanbench writes them
    (other lines are parsed whole to find it); a line is parsed and checked whole when its page is shown.
    """

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ReportError(f"{path}: no predictions file (the HTML report needs the run folder that holds it)")
        self.path = path
        self.offsets: dict[str, list[tuple[int, int]]] = {}
        with path.open("rb") as lines:
            offset = 0
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    self.offsets.setdefault(_page_id(line, where=f"{path}:{number}"), []).append((offset, number))
                offset += len(line)

    def for_page(self, page_id: str) -> dict[str, Prediction]:
        found: dict[str, Prediction] = {}
        with self.path.open("rb") as lines:
            for offset, number in self.offsets.get(page_id, []):
                lines.seek(offset)
                prediction = _parse(lines.readline(), where=f"{self.path}:{number}")
                found[prediction.extractor] = prediction
        return found


def _page_id(line: bytes, *, where: str) -> str:
    opening = _PAGE_ID.match(line)
    if opening:
        try:
            page_id = json.loads(opening[1])
        except ValueError:  # not JSON after all: the whole line's parse says why
            page_id = None
        if isinstance(page_id, str):
            return page_id
    return _parse(line, where=where).page_id


def _parse(line: bytes, *, where: str) -> Prediction:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PredictionsError(f"{where}: not UTF-8 text (column {error.start + 1})") from None
    return Prediction.from_json(loads(text, where=where, error=PredictionsError), where=where)

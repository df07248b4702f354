"""A static HTML report of a run: the leaderboard, and for every gold page each prediction beside the gold.

`write_html_report` writes `index.html` (run facts, the leaderboard, a page x extractor grid of per-page
word F1) and `pages/<id>.html` (per extractor: the gold text with missing words marked, the prediction
with leaked clutter coloured by noise label, duplicated and extra words marked; see `report.marks`).
Every piece of page content is escaped and the files use no script and no external asset: they open
from disk, and a page's own `<script>` shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cleanbench.atomic import ensure_folder, write_atomic
from cleanbench.errors import PredictionsError, ReportError
from cleanbench.gold.load import GoldSet
from cleanbench.gold.schema import GoldPage, fold_whitespace
from cleanbench.jsonl import loads
from cleanbench.prediction import Prediction
from cleanbench.report.formats import render_leaderboard
from cleanbench.report.marks import PageMarks, Token, mark_page
from cleanbench.report.table import leaderboard
from cleanbench.results import RunResult
from cleanbench.run.journal import PREDICTIONS_FILE

INDEX_FILE = "index.html"
PAGES_DIR = "pages"
LABEL_COLOURS: dict[str, str] = {
    "duplicate": "#f4b6c2",
    "ad": "#ffd27f",
    "related": "#b5d8ff",
    "comments": "#c8e6a0",
    "nav": "#d9c2f0",
    "cookie": "#f0d9b5",
    "newsletter": "#a8e6df",
    "share": "#ffc4a3",
    "footer": "#cfd8dc",
    "other": "#e6e6a1",
}
CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:2px 6px;white-space:nowrap}
code{font-size:12px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:0 1em}
dl.facts dt{font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.text{white-space:pre-wrap;border:1px solid #ddd;padding:.5em;background:#fcfcfc;overflow-wrap:anywhere}
details.extractor{border-top:1px solid #ccc;padding:.4em 0}
summary{cursor:pointer}
.miss{background:#ffb3b3;text-decoration:line-through}
.extra{text-decoration:underline dotted #c00}
.dup{outline:2px solid #7b1fa2;outline-offset:-1px}
.bad{color:#b00020}
.good{color:#1b5e20}
.q0{background:#f8c4c4}.q1{background:#fbdcc0}.q2{background:#fdf1c0}.q3{background:#e3f2c8}.q4{background:#c8e6c9}
a.cell{color:inherit;text-decoration:none;display:block}
""" + "".join(f".leak-{label}{{background:{colour}}}\n" for label, colour in LABEL_COLOURS.items())


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
    ids = gold.ids()
    grid: list[str] = []  # index rows, rendered as each page is done (marks are not kept: large sets)
    for position, page in enumerate(gold):
        found = predictions.for_page(page.id)
        views = [_view(name, page, found.get(name)) for name in extractors]
        neighbours = (ids[position - 1] if position else None, ids[position + 1] if position + 1 < len(ids) else None)
        write_atomic(pages_dir / _page_file(page.id), _page_html(page, views, neighbours=neighbours))
        grid.append(_grid_row(page, views))
    index = out_dir / INDEX_FILE
    write_atomic(index, _index_html(result, extractors=extractors, grid=grid))
    return index


# --- predictions ----------------------------------------------------------------------------------


class _PredictionFile:
    """`predictions.jsonl` indexed by page id (byte offsets), so one page's predictions are read at a time."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise ReportError(f"{path}: no predictions file (the HTML report needs the run folder that holds it)")
        self.path = path
        self.offsets: dict[str, list[tuple[int, int]]] = {}
        with path.open("rb") as lines:
            offset = 0
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    page_id = _parse(line, where=f"{path}:{number}").page_id
                    self.offsets.setdefault(page_id, []).append((offset, number))
                offset += len(line)

    def for_page(self, page_id: str) -> dict[str, Prediction]:
        found: dict[str, Prediction] = {}
        with self.path.open("rb") as lines:
            for offset, number in self.offsets.get(page_id, []):
                lines.seek(offset)
                prediction = _parse(lines.readline(), where=f"{self.path}:{number}")
                found[prediction.extractor] = prediction
        return found


def _parse(line: bytes, *, where: str) -> Prediction:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PredictionsError(f"{where}: not UTF-8 text (column {error.start + 1})") from None
    return Prediction.from_json(loads(text, where=where, error=PredictionsError), where=where)


# --- views ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """One extractor on one page: its prediction (None when missing) and the marks against the gold."""

    extractor: str
    prediction: Prediction | None
    marks: PageMarks
    with_found: tuple[bool, ...]
    without_found: tuple[bool, ...]

    @property
    def status(self) -> str:
        return self.prediction.status if self.prediction else "missing"

    @property
    def anchor(self) -> str:
        return f"x-{self.extractor}"


def _view(extractor: str, page: GoldPage, prediction: Prediction | None) -> _View:
    text = prediction.scored_text if prediction else ""
    folded = fold_whitespace(text)
    return _View(
        extractor=extractor,
        prediction=prediction,
        marks=mark_page(page, text),
        with_found=tuple(fold_whitespace(snippet) in folded for snippet in page.with_snippets),
        without_found=tuple(fold_whitespace(snippet) in folded for snippet in page.without_snippets),
    )


def _page_file(page_id: str) -> str:
    return quote(page_id, safe="") + ".html"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _headline(view: _View) -> tuple[str, float | None]:
    """A short per-page score for the grid and its quality in [0, 1] (None when there is nothing to score)."""
    marks = view.marks
    if marks.has_gold_text:
        return _number(marks.f1), marks.f1
    if view.with_found:
        share = sum(view.with_found) / len(view.with_found)
        return f"with {sum(view.with_found)}/{len(view.with_found)}", share
    return "", None


def _quality_class(quality: float | None) -> str:
    return "" if quality is None else f"q{min(int(quality * 5), 4)}"


# --- marked text ----------------------------------------------------------------------------------


def _marked(text: str, tokens: Sequence[Token], marks: Sequence[tuple[tuple[str, ...], str]]) -> str:
    """`text`, escaped, with runs of tokens that share a (classes, title) mark wrapped in one span."""
    out: list[str] = []
    position = index = 0
    while index < len(tokens):
        classes, title = marks[index]
        if not classes:
            index += 1
            continue
        last = index
        while last + 1 < len(tokens) and marks[last + 1] == marks[index]:
            last += 1
        start, end = max(tokens[index].start, position), tokens[last].end
        if end > start:
            out.append(_e(text[position:start]))
            out.append(f'<span class="{_e(" ".join(classes))}" title="{_e(title)}">{_e(text[start:end])}</span>')
            position = end
        index = last + 1
    out.append(_e(text[position:]))
    return "".join(out)


def _gold_marks(marks: PageMarks) -> list[tuple[tuple[str, ...], str]]:
    return [(("miss",), "missing from the prediction") if i in marks.missing else ((), "") for i in range(len(marks.gold_tokens))]


def _prediction_marks(marks: PageMarks) -> list[tuple[tuple[str, ...], str]]:
    out = []
    for index in range(len(marks.prediction_tokens)):
        classes: list[str] = []
        titles: list[str] = []
        labels = marks.leak.get(index, ())
        if labels:
            classes += ["leak", f"leak-{labels[0]}"]
            titles.append(f"leaked clutter: {', '.join(labels)}")
        if index in marks.duplicate:
            classes.append("dup")
            titles.append("duplicated gold text")
        if index in marks.extra and not classes:  # leak and duplicate marks already explain the word
            classes.append("extra")
            titles.append("not in the gold text, or there fewer times")
        out.append((tuple(classes), "; ".join(titles)))
    return out


# --- pages ----------------------------------------------------------------------------------------


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _legend(labels: Sequence[str]) -> str:
    chips = [
        '<span class="miss">missing</span> (gold words the prediction lacks, or has fewer times)',
        '<span class="extra">extra</span> (prediction words not in the gold, or more often than there)',
        '<span class="dup">duplicated</span> (gold text repeated beyond its count)',
        *(f'<span class="leak leak-{_e(label)}">{_e(label)}</span>' for label in labels),
    ]
    leak = " leaked clutter by label: " if labels else ""
    return f'<p class="legend">{" · ".join(chips[:3])}{leak}{" ".join(chips[3:])}</p>'


def _summary(view: _View) -> str:
    marks = view.marks
    parts = [f"<b>{_e(view.extractor)}</b>", _status(view)]
    if marks.has_gold_text:
        parts.append(f"F1 {_number(marks.f1)} · P {_number(marks.precision)} · R {_number(marks.recall)}")
        parts.append(f"{len(marks.missing)} missing, {len(marks.extra)} extra words")
    if view.with_found:
        parts.append(f"with {sum(view.with_found)}/{len(view.with_found)} found")
    if view.without_found:
        parts.append(f"without {sum(view.without_found)}/{len(view.without_found)} found")
    leaked = [f"{_e(leak.label)} {leak.found}/{leak.total}" for leak in marks.leaks if leak.found]
    if leaked:
        parts.append(f"leaked 3-grams: {', '.join(leaked)}")
    if marks.duplicate_grams:
        parts.append(f"duplication {_number(marks.duplication)}")
    return " · ".join(parts)


def _status(view: _View) -> str:
    if view.status == "ok":
        return '<span class="good">ok</span>'
    error = view.prediction.error if view.prediction and view.prediction.error else ""
    note = "no prediction" if view.prediction is None else view.status
    return f'<span class="bad" title="{_e(error)}">{_e(note)} (scored as empty)</span>'


def _snippets(page: GoldPage, view: _View) -> str:
    if not (page.with_snippets or page.without_snippets):
        return ""
    items = [
        f'<li class="{"good" if found else "bad"}">with, {"found" if found else "missing"}: <q>{_e(snippet)}</q></li>'
        for snippet, found in zip(page.with_snippets, view.with_found, strict=True)
    ]
    items += [
        f'<li class="{"bad" if found else "good"}">without, {"found" if found else "absent"}: <q>{_e(snippet)}</q></li>'
        for snippet, found in zip(page.without_snippets, view.without_found, strict=True)
    ]
    return f'<details><summary>snippets</summary><ul class="snippets">{"".join(items)}</ul></details>'


def _section(page: GoldPage, view: _View, *, open_: bool) -> str:
    marks = view.marks
    # Right-to-left scripts and CJK fonts follow the page's language and the text's own direction.
    language = f' lang="{_e(page.lang)}"' if page.lang else ""
    text_attributes = f'class="text" dir="auto"{language}'
    if page.gold_text is None:
        gold = '<p class="bad">This page has no gold_text; it is scored by its snippets.</p>'
    else:
        gold = f"<div {text_attributes}>{_marked(page.gold_text, marks.gold_tokens, _gold_marks(marks))}</div>"
    text = view.prediction.scored_text if view.prediction else ""
    error = view.prediction.error if view.prediction and view.prediction.error else None
    prediction = f"<div {text_attributes}>{_marked(text, marks.prediction_tokens, _prediction_marks(marks))}</div>"
    if error:
        prediction = f'<p class="bad">error: <code>{_e(error)}</code></p>{prediction}'
    return (
        f'<details class="extractor" id="{_e(view.anchor)}"{" open" if open_ else ""}>\n'
        f"<summary>{_summary(view)}</summary>\n{_snippets(page, view)}\n"
        f'<div class="pair"><div><h3>gold</h3>{gold}</div><div><h3>prediction</h3>{prediction}</div></div>\n'
        "</details>"
    )


def _page_html(page: GoldPage, views: Sequence[_View], *, neighbours: tuple[str | None, str | None]) -> str:
    previous, following = neighbours
    links = ['<a href="../index.html">index</a>']
    if previous is not None:
        links.append(f'<a href="{_e(_page_file(previous))}">previous: {_e(previous)}</a>')
    if following is not None:
        links.append(f'<a href="{_e(_page_file(following))}">next: {_e(following)}</a>')
    facts = [("url", page.url or ""), ("page type", page.page_type or ""), ("language", page.lang or "")]
    facts_html = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)
    noise = "".join(f'<li><span class="leak leak-{_e(span.label)}">{_e(span.label)}</span> {_e(span.text)}</li>' for span in page.noise)
    noise_html = f"<details><summary>noise spans ({len(page.noise)})</summary><ul>{noise}</ul></details>" if page.noise else ""
    jump = " · ".join(f'<a href="#{_e(view.anchor)}">{_e(view.extractor)}</a>' for view in views)
    sections = "\n".join(_section(page, view, open_=position == 0) for position, view in enumerate(views))
    body = (
        f'<nav>{" · ".join(links)}</nav>\n<h1>{_e(page.id)}</h1>\n<dl class="facts">{facts_html}</dl>\n'
        f"{_legend(page.noise_labels())}\n{noise_html}\n<p>extractors: {jump}</p>\n{sections}"
    )
    return _document(f"{page.id} · cleanbench", body)


def _index_html(result: RunResult, *, extractors: Sequence[str], grid: Sequence[str]) -> str:
    facts = [
        ("gold set", f"{result.gold.name} ({result.gold.spec})"),
        ("gold digest", f"sha256:{result.gold.digest}"),
        ("pages", str(result.gold.pages)),
        ("main metric", result.main_metric),
        ("bootstrap", f"{result.resamples} resamples, seed {result.seed}"),
        ("created", result.created),
        ("cleanbench", result.cleanbench_version),
        ("platform", f"{result.platform}, Python {result.python}"),
    ]
    facts_html = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)
    header = "".join(f"<th>{_e(name)}</th>" for name in ("page", "type", "lang", "noise", *extractors))
    rows = "\n".join(grid)
    body = (
        f"<h1>cleanbench report: {_e(result.gold.name)}</h1>\n<dl class=\"facts\">{facts_html}</dl>\n"
        f"<h2>Leaderboard</h2>\n{render_leaderboard(result, fmt='html')}\n"
        "<h2>Pages</h2>\n<p>Per page and extractor: word F1 on that page (or the share of its <q>with</q> snippets "
        "found, for a page without gold text); a status other than ok is named. Follow a cell for the marked text.</p>\n"
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )
    return _document(f"cleanbench report: {result.gold.name}", body)


def _grid_row(page: GoldPage, views: Sequence[_View]) -> str:
    target = f"{PAGES_DIR}/{_page_file(page.id)}"
    cells = [
        f'<td><a href="{_e(target)}">{_e(page.id)}</a></td>',
        f"<td>{_e(page.page_type or '')}</td>",
        f"<td>{_e(page.lang or '')}</td>",
        f"<td>{_e(', '.join(page.noise_labels()))}</td>",
    ]
    for view in views:
        text, quality = _headline(view)
        if view.status != "ok":
            text = f"{text} {view.status}".strip()
        css = _quality_class(quality)
        class_attribute = f' class="{css}"' if css else ""
        cells.append(f'<td{class_attribute}><a class="cell" href="{_e(target)}#{_e(view.anchor)}">{_e(text)}</a></td>')
    return f"<tr>{''.join(cells)}</tr>"


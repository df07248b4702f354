"""One report page per gold page: the gold text once, each extractor's prediction once, words marked by CSS classes.

The gold pane marks, for each extractor k, the words its prediction misses with class `m<k>`; the
prediction pane of extractor k (a `section.pred.p<k>`, id `x-<name>`) marks extra words `x`,
duplicated words `d` and leaked clutter `l-<label>`. Which extractor is shown is the page's URL
fragment (`#x-trafilatura`; the first one without it): CSS `:target` shows its pane and its missing
words, so the page switches without a script and a link from the index opens the right one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.report.document import (
    MISSING_STYLE,
    class_attribute,
    escape,
    escape_text,
    label_chip,
)
from cleanbench.report.marks import PageMarks
from cleanbench.report.view import View, number
from cleanbench.report.words import Tokens

EXTRA, DUPLICATE = 1, 2  # bits of a prediction word's mark; leak label i of NOISE_LABELS is bit 2 + i
COPY_KEEP = 8  # words shown at each end of a stretch that repeats the gold (`marks.Copy`), the rest elided
PAGE_CSS = (
    "nav.top{margin-top:.8em;font-size:14px}"
    "table.views td:first-child{font-weight:600}"
    ".legend{font-size:13px;margin:.5em 0}.legend i{font-style:normal;padding:0 .25em}"
    ".cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em;align-items:start}"
    # A followed link (#x-name) shows its pane without scrolling the page's head out of view.
    ".gold{grid-column:1;grid-row:1}.pred{grid-column:2;grid-row:1;display:none;scroll-margin-top:300vh}.cols h2{margin-top:.4em}"
    ".text{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #d0d7de;border-radius:6px;padding:.6em .9em;"
    "max-height:78vh;overflow:auto;font-size:14.5px;line-height:1.6;background:#fff}"
    ".text i,.legend i{font-style:normal}"
    f".legend .miss{{{MISSING_STYLE}}}"
    ".x:not(.d):not([class*=l-]){text-decoration:underline wavy #cf222e 1px;text-underline-offset:3px}"
    ".d{background:#eadcff;text-decoration:underline double #8250df 2px}"
    ".same{font-weight:normal;font-size:12px;color:#57606a;background:#f6f8fa;border:1px solid #d0d7de;"
    "border-radius:10px;padding:0 .6em;margin:0 .2em;white-space:nowrap}"
    ".snippets td.good,.snippets td.bad{text-align:center}"
)


def page_css(extractors: int) -> str:
    """The page style for a report of `extractors` extractors: which pane shows, whose missing words are marked."""
    shown = [f".cols:has(.p{k}:target)" for k in range(extractors)]
    default = ".cols:not(:has(.pred:target))"
    rows = ",".join(["body:not(:has(.pred:target)) .v0", *(f"body:has(.p{k}:target) .v{k}" for k in range(extractors))])
    return (
        PAGE_CSS
        + f"{default} .p0,.pred:target{{display:block}}"
        + ",".join([f"{default} .m0", *(f"{selector} .m{k}" for k, selector in enumerate(shown))])
        + f"{{{MISSING_STYLE}}}"
        + f"{rows}{{background:#ddf4ff}}"
    )


def page_html(
    page: GoldPage, *, views: Sequence[View], html_size: int, neighbours: tuple[str | None, str | None], files: Callable[[str], str]
) -> str:
    """The body of the page of `page`, whose HTML is `html_size` bytes (0: none, a page that enters as text);
    `files` names the file of a page id (for the previous and next links)."""
    previous, following = neighbours
    links = ['<a href="../index.html">index</a>']
    if previous is not None:
        links.append(f'<a href="{escape(files(previous))}">← {escape_text(previous)}</a>')
    if following is not None:
        links.append(f'<a href="{escape(files(following))}">{escape_text(following)} →</a>')
    language = f' lang="{escape(page.lang)}"' if page.lang else ""
    panes = [_gold_pane(page, views=views, language=language)]
    panes += [_prediction_pane(view, position=k, language=language) for k, view in enumerate(views)]
    return "\n".join(
        [
            f'<nav class="top">{" · ".join(links)}</nav>',
            f"<h1>{escape_text(page.id)}</h1>",
            _facts(page, html_size=html_size),
            _views_table(page, views=views),
            _legend(page),
            '<div class="cols">',
            *panes,
            "</div>",
            _snippets(page, views=views),
            _noise(page),
        ]
    )


def _facts(page: GoldPage, *, html_size: int) -> str:
    source = f"HTML, {_size(html_size)}" if html_size else "no HTML (a page that enters as text, or an empty page)"
    if page.gold_text is None:
        gold = "none: scored by its with/without snippets"
    else:
        gold = f"{len(page.gold_text.split()):,} words" if page.gold_text.strip() else "empty: the page has no main content"
    facts = [
        ("url", page.url or ""),
        ("page type", page.page_type or ""),
        ("language", page.lang or ""),
        ("source", source),
        ("gold text", gold),
    ]
    return '<dl class="facts">' + "".join(f"<dt>{name}</dt><dd>{escape_text(value)}</dd>" for name, value in facts) + "</dl>"


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


def _views_table(page: GoldPage, *, views: Sequence[View]) -> str:
    labels = [label for label in page.noise_labels() if any(leak.label == label for view in views for leak in view.marks.leaks)]
    header = ["extractor", "status"]
    if page.gold_text is not None:
        header += ["F1", "precision", "recall", "missing words", "extra words", "duplication"]
    header += [f"leak:{label}" for label in labels]
    if page.with_snippets:
        header.append("with found")
    if page.without_snippets:
        header.append("without found")
    rows = []
    for k, view in enumerate(views):
        marks = view.marks
        cells = [f'<a href="#{escape(view.anchor)}">{escape_text(view.extractor)}</a>', _status(view)]
        if page.gold_text is not None:
            cells += [number(marks.f1), number(marks.precision), number(marks.recall)]
            cells += [f"{int(marks.missing.sum()):,}", f"{int(marks.extra.sum()):,}"]
            cells.append(f"{number(marks.duplication)} ({marks.duplicate_grams:,}/{marks.prediction_grams:,})")
        found = {leak.label: leak for leak in marks.leaks}
        cells += [f"{number(found[label].value)} ({found[label].found}/{found[label].total})" for label in labels]
        if page.with_snippets:
            cells.append(f"{sum(view.with_found)}/{len(view.with_found)}")
        if page.without_snippets:
            cells.append(f"{sum(view.without_found)}/{len(view.without_found)}")
        rows.append(f"<tr class=v{k}><td>" + "</td><td>".join(cells) + "</td></tr>")
    head = "".join(f"<th>{escape_text(name)}</th>" for name in header)
    return f'<table class="views"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _status(view: View) -> str:
    if view.status == "ok":
        return '<span class="good">ok</span>'
    error = view.prediction.error if view.prediction and view.prediction.error else ""
    note = "no prediction" if view.prediction is None else view.status
    return f'<span class="bad" title="{escape(error)}">{escape_text(note)} (scored as empty)</span>'


def _legend(page: GoldPage) -> str:
    chips = [
        '<i class="miss">missing</i> gold words the shown prediction lacks (or has fewer times)',
        '<i class="x">extra</i> prediction words not in the gold (or more often than there)',
        '<i class="d">duplicated</i> gold text repeated beyond its count',
    ]
    labels = page.noise_labels()
    leaked = f" · leaked clutter: {' '.join(label_chip(label) for label in labels)}" if labels else ""
    return f'<p class="legend">{" · ".join(chips)}{leaked} · pick an extractor in the table to show its prediction</p>'


# --- text panes -----------------------------------------------------------------------------------


def _gold_pane(page: GoldPage, *, views: Sequence[View], language: str) -> str:
    if page.gold_text is None:
        return '<section class="gold"><h2>gold</h2><p class="muted">This page has no gold text; it is scored by its snippets.</p></section>'
    if not page.gold_text.strip():
        return '<section class="gold"><h2>gold</h2><p class="muted">Empty: the page has no main content.</p></section>'
    text = escape_text(page.gold_text)
    if views:
        codes, rows = _distinct_rows(np.stack([view.marks.missing for view in views], axis=1))
        classes = {code: " ".join(f"m{k}" for k in np.flatnonzero(row)) for code, row in enumerate(rows)}
        text = _marked(page.gold_text, words=views[0].marks.gold, codes=codes, classes=classes)
    return f'<section class="gold"><h2>gold</h2><div class="text" dir="auto"{language}>{text}</div></section>'


def _prediction_pane(view: View, *, position: int, language: str) -> str:
    marks = view.marks
    codes = marks.extra.astype(np.int64) * EXTRA + marks.duplicate.astype(np.int64) * DUPLICATE
    for label, covered in marks.leak.items():
        codes |= covered.astype(np.int64) << (2 + NOISE_LABELS.index(label))
    classes = {int(code): _prediction_classes(int(code)) for code in np.flatnonzero(np.bincount(codes, minlength=1))}
    heading = f"<h2>{escape_text(view.extractor)} <small>{_status(view)}</small></h2>"
    error = view.prediction.error if view.prediction and view.prediction.error else None
    note = f'<p class="bad">error: <code>{escape_text(error)}</code></p>' if error else ""
    if not view.text:
        body = '<p class="muted">(no text)</p>'
    else:
        text = _marked(view.text, words=marks.prediction, codes=codes, classes=classes, cuts=_elided(marks))
        body = f'<div class="text" dir="auto"{language}>{text}</div>'
    return f'<section class="pred p{position}" id="{escape(view.anchor)}">{heading}{note}{body}</section>'


def _elided(marks: PageMarks) -> list[tuple[int, int, str]]:
    """The middle of each long stretch that repeats the gold, as a cut: the gold pane shows it once already."""
    cuts = []
    words = marks.prediction
    for copy in marks.copies:
        first, last = copy.first + COPY_KEEP, copy.last - COPY_KEEP
        spacing = "" if copy.exact else ", spaced otherwise"
        markup = f"<b class=same>⋯ {last - first + 1:,} words as in the gold{spacing} ⋯</b>"
        cuts.append((int(words.ends[first - 1]), int(words.starts[last + 1]), markup))
    return cuts


def _prediction_classes(code: int) -> str:
    names = [name for bit, name in ((EXTRA, "x"), (DUPLICATE, "d")) if code & bit]
    names += [f"l-{label}" for i, label in enumerate(NOISE_LABELS) if code >> (2 + i) & 1]
    return " ".join(names)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each row of a boolean matrix (one column at least) as the index of its distinct row, and the distinct rows."""
    packed = np.ascontiguousarray(np.packbits(matrix, axis=1))
    _, first, inverse = np.unique(packed.view(f"V{packed.shape[1]}").ravel(), return_index=True, return_inverse=True)
    return inverse, [matrix[index] for index in first]


def _marked(
    text: str, *, words: Tokens, codes: np.ndarray, classes: Mapping[int, str], cuts: Sequence[tuple[int, int, str]] = ()
) -> str:
    """`text`, escaped, each run of words with the same code wrapped in one `<i>` with that code's classes ("" for none).

    Each cut (start, end, markup) puts `markup` in place of text[start:end], a stretch without marked words.
    """
    out: list[str] = []
    pending = list(reversed(cuts))

    def plain(start: int, *, end: int) -> None:
        while pending and pending[-1][0] < end:
            cut_start, cut_end, markup = pending.pop()
            out.extend((escape_text(text[start:cut_start]), markup))
            start = cut_end
        out.append(escape_text(text[start:end]))

    position = 0
    if len(words):
        cuts_at = np.flatnonzero(np.diff(codes)) + 1
        firsts, lasts = np.concatenate(([0], cuts_at)), np.concatenate((cuts_at, [len(codes)])) - 1
        for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True):
            names = classes[codes[first]]
            if not names:
                continue
            start, end = max(int(words.starts[first]), position), int(words.ends[last])
            if end > start:
                plain(position, end=start)
                out.append(f"<i{class_attribute(names)}>{escape_text(text[start:end])}</i>")
                position = end
    plain(position, end=len(text))
    return "".join(out)


# --- snippets and noise ---------------------------------------------------------------------------


def _snippets(page: GoldPage, *, views: Sequence[View]) -> str:
    if not (page.with_snippets or page.without_snippets):
        return ""
    head = "".join(f"<th>{escape_text(view.extractor)}</th>" for view in views)
    rows = []
    for kind, snippets, found_of, good in (
        ("with", page.with_snippets, lambda view: view.with_found, True),
        ("without", page.without_snippets, lambda view: view.without_found, False),
    ):
        for index, snippet in enumerate(snippets):
            cells = []
            for view in views:
                found = found_of(view)[index]
                cells.append(f'<td class="{"good" if found == good else "bad"}">{"found" if found else "absent"}</td>')
            rows.append(f"<tr><td>{kind}</td><td><q>{escape_text(snippet)}</q></td>{''.join(cells)}</tr>")
    table = f'<table class="snippets"><thead><tr><th>kind</th><th>snippet</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return f"<details open><summary>snippets ({len(page.with_snippets)} with, {len(page.without_snippets)} without)</summary>{table}</details>"


def _noise(page: GoldPage) -> str:
    if not page.noise:
        return ""
    items = "".join(f"<li>{label_chip(span.label)} {escape_text(span.text)}</li>" for span in page.noise)
    return f"<details><summary>noise spans ({len(page.noise)})</summary><ul>{items}</ul></details>"

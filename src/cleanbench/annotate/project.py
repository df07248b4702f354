"""A gold record laid over a page's blocks: each block's label under that gold.

The spans of a record (gold paragraphs: `content`; noise spans: their label; optional snippets:
`optional`) are found in the page's text (its blocks joined, white space folded): gold paragraphs in
their order, then noise spans and optional snippets each at its first place no earlier span took, so
that a duplicate span lands on the second copy of the body and the gold on the first. A block takes
the label of the spans that cover at least half of its characters, else `none`. This is how the
tool's guess is measured against committed gold, and how `data agree` compares two annotations.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleanbench.annotate.state import CONTENT, NONE, OPTIONAL
from cleanbench.gold.schema import GoldPage, fold_whitespace


def project(texts: Sequence[str], sources: Sequence[int], page: GoldPage) -> list[str]:
    """The label of each block (`texts[i]`, a piece of segment `sources[i]`) under the page's gold."""
    joined, bounds = _layout(texts, sources)
    taken: list[tuple[int, int, str]] = []
    cursor = 0
    for paragraph in _paragraphs(page.gold_text or ""):
        start = joined.find(paragraph, cursor)
        if start < 0:
            start = _free(joined, paragraph, taken)
        if start < 0:
            continue
        taken.append((start, start + len(paragraph), CONTENT))
        cursor = start + len(paragraph)
    others = [(span.label, fold_whitespace(span.text)) for span in page.noise]
    others += [(OPTIONAL, fold_whitespace(text)) for text in page.optional]
    for label, text in others:
        start = _free(joined, text, taken) if text else -1
        if start >= 0:
            taken.append((start, start + len(text), label))
    return [_label_of(start, end, taken) for start, end in bounds]


def _layout(texts: Sequence[str], sources: Sequence[int]) -> tuple[str, list[tuple[int, int]]]:
    """The blocks joined as the page shows them (pieces of one segment without a space), folded; each
    block's [start, end) in that text."""
    parts: list[str] = []
    bounds: list[tuple[int, int]] = []
    position = 0
    for index, text in enumerate(texts):
        folded = " ".join(text.split())
        glued = index > 0 and sources[index] == sources[index - 1]
        if parts and not glued:
            parts.append(" ")
            position += 1
        if glued and text[:1].isspace():
            parts.append(" ")
            position += 1
        bounds.append((position, position + len(folded)))
        parts.append(folded)
        position += len(folded)
        if glued and text[-1:].isspace() and index + 1 < len(texts) and sources[index + 1] == sources[index]:
            parts.append(" ")
            position += 1
    return "".join(parts), bounds


def _paragraphs(gold_text: str) -> list[str]:
    return [fold_whitespace(line) for line in gold_text.split("\n") if line.strip()]


def _free(joined: str, text: str, taken: list[tuple[int, int, str]]) -> int:
    """The first place of `text` in `joined` that overlaps no span already placed; -1 when none."""
    start = joined.find(text)
    while start >= 0:
        end = start + len(text)
        if not any(a < end and start < b for a, b, _ in taken):
            return start
        start = joined.find(text, start + 1)
    return -1


def _label_of(start: int, end: int, taken: list[tuple[int, int, str]]) -> str:
    size = end - start
    if size <= 0:
        return NONE
    cover: dict[str, int] = {}
    for a, b, label in taken:
        overlap = min(b, end) - max(a, start)
        if overlap > 0:
            cover[label] = cover.get(label, 0) + overlap
    if not cover:
        return NONE
    label, most = max(cover.items(), key=lambda item: item[1])
    return label if 2 * most >= size else NONE

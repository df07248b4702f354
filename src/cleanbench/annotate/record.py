"""An annotated page as a gold record (DESIGN.md "Gold page schema"), and what `validate()` says of it.

- `gold_text`: the content blocks in order, one paragraph each, blank lines between them;
- `noise`: each span of a noise label (a run of neighbouring blocks of that label, cut where the
  annotator started a new span), its blocks joined by a space;
- `optional`: the spans labelled optional, likewise;
- `with` / `without`: the snippets the annotator marked.
Pieces of one split segment that stay together join without a space, as they stood on the page, so
every span is found in the page's visible text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cleanbench.annotate.state import CONTENT, NONE, OPTIONAL, PageState
from cleanbench.errors import GoldError
from cleanbench.gold.schema import GoldPage, validate


@dataclass(frozen=True)
class Span:
    """A run of blocks `first`..`last` of one label, and its text."""

    label: str
    first: int
    last: int
    text: str


def spans(state: PageState) -> list[Span]:
    """The spans of every label but `content` and `none`, in page order."""
    found: list[Span] = []
    index = 0
    while index < len(state.blocks):
        label = state.labels[index]
        end = index + 1
        while end < len(state.blocks) and state.labels[end] == label and not state.starts[end]:
            end += 1
        if label not in (CONTENT, NONE):
            text = _joined(state, range(index, end), separator=" ")
            if text:
                found.append(Span(label, index, end - 1, text))
        index = end
    return found


def gold_text(state: PageState) -> str:
    """The content blocks as paragraphs; neighbouring pieces of one segment stay one paragraph."""
    return _joined(state, [i for i, label in enumerate(state.labels) if label == CONTENT], separator="\n\n")


def _joined(state: PageState, indices: Any, *, separator: str) -> str:
    parts: list[str] = []
    previous: int | None = None
    for index in indices:
        piece = state.blocks[index]
        glued = previous is not None and previous == index - 1 and state.blocks[previous].source == piece.source
        if glued:
            parts[-1] += piece.text
        else:
            parts.append(piece.text)
        previous = index
    return separator.join(part.strip() for part in parts if part.strip())


def page_record(
    *, page_id: str, html: str | None, text: str | None, url: str | None, state: PageState, meta: Mapping[str, Any]
) -> dict[str, Any]:
    """The gold record of an annotated page (an HTML page has `html`, a text page `text`)."""
    found = spans(state)
    return {
        "id": page_id,
        "html": html if text is None else None,
        "text": text,
        "url": url,
        "lang": state.lang,
        "page_type": state.page_type,
        "gold_text": gold_text(state),
        "with": list(state.with_snippets),
        "without": list(state.without_snippets),
        "noise": [{"label": span.label, "text": span.text} for span in found if span.label != OPTIONAL],
        "optional": [span.text for span in found if span.label == OPTIONAL],
        "meta": dict(meta),
    }


def findings(record: Mapping[str, Any], *, set_name: str) -> list[str]:
    """What keeps the record from being strict gold: its structure, then `validate()`'s findings."""
    try:
        page = GoldPage.from_record(record, where=f"page {record.get('id')!r}")
    except GoldError as error:
        return [str(error)]
    report = validate([page], set_name=set_name, strict=True)
    return [f"field {finding.field}: {finding.message}" for finding in report.findings]

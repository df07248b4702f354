"""A page being annotated: its blocks, their labels, where spans start, snippets, and the changes that
edit them.

A change is a small JSON object (`{"op": "label", "blocks": [3, 4], "label": "ad"}`); `apply_change`
returns the new state and the change that undoes it, so the tool's undo is an ordinary change and the
log of changes stays append-only. Every change is checked: one that does not apply raises
`AnnotationError` and leaves the state as it was.

Blocks start as the page's segments (`annotate.blocks`); a split cuts one into pieces where clutter is
glued to content ("20 NovGET TICKETSUntil the permanent ..."), and a piece keeps the index of the segment
it came from (`source`), so that pieces of one segment join again without a space.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

from cleanbench.errors import AnnotationError
from cleanbench.gold.schema import NOISE_LABELS, PAGE_TYPES

CONTENT, OPTIONAL, NONE = "content", "optional", "none"
LABELS: tuple[str, ...] = (CONTENT, OPTIONAL, *NOISE_LABELS, NONE)
"""A block's label: main content, optional content (captions, bylines), a noise label, or none of them."""
SNIPPET_KINDS: tuple[str, ...] = ("with", "without")
OPS: tuple[str, ...] = ("label", "start", "split", "join", "snippet", "field", "done")
_MAX_SNIPPET = 2000


@dataclass(frozen=True)
class Piece:
    """A block as annotated: its text (a segment, or part of one), the segment it came from, the
    rendering anchor of that segment, its element's tag, and why the guess labelled it as it did."""

    text: str
    source: int
    anchor: int
    tag: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.source, "anchor": self.anchor, "tag": self.tag, "reason": self.reason}


@dataclass(frozen=True)
class PageState:
    """Everything the annotator decided on one page. `starts[i]`: a new span starts at block i (two
    neighbours of one label are one span otherwise); `guesses[i]`: the label the tool guessed."""

    blocks: tuple[Piece, ...]
    labels: tuple[str, ...]
    starts: tuple[bool, ...]
    guesses: tuple[str, ...]
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    page_type: str | None = None
    lang: str | None = None
    done: bool = False

    def __post_init__(self) -> None:
        sizes = {len(self.blocks), len(self.labels), len(self.starts), len(self.guesses)}
        if len(sizes) != 1:
            raise AnnotationError(f"a page state needs one label, start and guess per block, got sizes {sorted(sizes)}")
        for label in self.labels:
            if label not in LABELS:
                raise AnnotationError(f"unknown label {label!r} (known: {', '.join(LABELS)})")

    def to_json(self) -> dict[str, Any]:
        return {
            "blocks": [piece.to_json() for piece in self.blocks],
            "labels": list(self.labels),
            "starts": list(self.starts),
            "guesses": list(self.guesses),
            "with": list(self.with_snippets),
            "without": list(self.without_snippets),
            "page_type": self.page_type,
            "lang": self.lang,
            "done": self.done,
        }

    @classmethod
    def from_json(cls, value: Any, *, where: str) -> PageState:
        """A state as `to_json` wrote it (from the log); `AnnotationError` naming `where` when malformed."""
        try:
            blocks = tuple(Piece(str(b["text"]), int(b["source"]), int(b["anchor"]), str(b["tag"]), str(b["reason"])) for b in value["blocks"])
            return cls(
                blocks=blocks,
                labels=tuple(value["labels"]),
                starts=tuple(bool(s) for s in value["starts"]),
                guesses=tuple(value["guesses"]),
                with_snippets=tuple(value.get("with", ())),
                without_snippets=tuple(value.get("without", ())),
                page_type=value.get("page_type"),
                lang=value.get("lang"),
                done=bool(value.get("done", False)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise AnnotationError(f"{where}: not a page state: {type(error).__name__}: {error}") from None


def apply_change(state: PageState, change: Any) -> tuple[PageState, dict[str, Any]]:
    """The state after `change`, and the change that undoes it."""
    if not isinstance(change, dict) or change.get("op") not in OPS:
        raise AnnotationError(f"a change is an object whose 'op' is one of {', '.join(OPS)}; got {change!r:.80}")
    op = change["op"]
    if op == "label":
        return _label(state, change)
    if op == "start":
        index = _index(state, change.get("block"))
        on = _flag(change, "on")
        return replace(state, starts=_set(state.starts, index, on)), {"op": "start", "block": index, "on": state.starts[index]}
    if op == "split":
        return _split(state, change)
    if op == "join":
        return _join(state, change)
    if op == "snippet":
        return _snippet(state, change)
    if op == "field":
        return _field(state, change)
    return replace(state, done=_flag(change, "on")), {"op": "done", "on": state.done}


def _label(state: PageState, change: dict[str, Any]) -> tuple[PageState, dict[str, Any]]:
    indices = change.get("blocks")
    if not isinstance(indices, list) or not indices:
        raise AnnotationError("change 'label': 'blocks' must be a non-empty list of block numbers")
    indices = [_index(state, i) for i in indices]
    if "labels" in change:
        new = change["labels"]
        if not isinstance(new, list) or len(new) != len(indices):
            raise AnnotationError("change 'label': 'labels' must give one label per block")
    else:
        new = [change.get("label")] * len(indices)
    for label in new:
        if label not in LABELS:
            raise AnnotationError(f"change 'label': unknown label {label!r} (known: {', '.join(LABELS)})")
    labels = list(state.labels)
    old = [labels[i] for i in indices]
    for index, label in zip(indices, new):
        labels[index] = label
    return replace(state, labels=tuple(labels)), {"op": "label", "blocks": indices, "labels": old}


def _split(state: PageState, change: dict[str, Any]) -> tuple[PageState, dict[str, Any]]:
    """Cut block `block` at the character offsets `at` into pieces (each with some non-blank text)."""
    index = _index(state, change.get("block"))
    piece = state.blocks[index]
    at = change.get("at")
    if not isinstance(at, list) or not at or any(isinstance(k, bool) or not isinstance(k, int) for k in at):
        raise AnnotationError("change 'split': 'at' must be a non-empty list of character offsets")
    cuts = sorted(set(at))
    if cuts[0] <= 0 or cuts[-1] >= len(piece.text):
        raise AnnotationError(f"change 'split': offsets must lie inside the block's {len(piece.text)} characters, got {cuts}")
    bounds = [0, *cuts, len(piece.text)]
    texts = [piece.text[a:b] for a, b in itertools.pairwise(bounds)]
    if any(not text.strip() for text in texts):
        raise AnnotationError("change 'split': every piece must hold some text (a cut at white space only makes an empty piece)")
    count = len(texts)
    labels = _given(change, "labels", count, default=[state.labels[index]] * count, check=lambda v: v in LABELS)
    starts = _given(change, "starts", count, default=[state.starts[index]] + [False] * (count - 1), check=lambda v: isinstance(v, bool))
    pieces = tuple(replace(piece, text=text) for text in texts)
    new = replace(
        state,
        blocks=state.blocks[:index] + pieces + state.blocks[index + 1 :],
        labels=state.labels[:index] + tuple(labels) + state.labels[index + 1 :],
        starts=state.starts[:index] + tuple(starts) + state.starts[index + 1 :],
        guesses=state.guesses[:index] + (state.guesses[index],) * count + state.guesses[index + 1 :],
    )
    return new, {"op": "join", "block": index, "count": count, "label": state.labels[index], "start": state.starts[index]}


def _join(state: PageState, change: dict[str, Any]) -> tuple[PageState, dict[str, Any]]:
    """Join `count` neighbouring pieces of one segment, from block `block`, back into one block (it
    takes the first piece's label and span start, unless `label` and `start` say otherwise)."""
    index = _index(state, change.get("block"))
    count = change.get("count", 2)
    if isinstance(count, bool) or not isinstance(count, int) or count < 2 or index + count > len(state.blocks):
        raise AnnotationError(f"change 'join': 'count' must be 2 or more pieces from block {index} on")
    pieces = state.blocks[index : index + count]
    if len({piece.source for piece in pieces}) != 1:
        raise AnnotationError(f"change 'join': blocks {index} to {index + count - 1} are not pieces of one block")
    offsets, total = [], 0
    for piece in pieces[:-1]:
        total += len(piece.text)
        offsets.append(total)
    undo = {
        "op": "split",
        "block": index,
        "at": offsets,
        "labels": list(state.labels[index : index + count]),
        "starts": list(state.starts[index : index + count]),
    }
    label = change.get("label", state.labels[index])
    if label not in LABELS:
        raise AnnotationError(f"change 'join': unknown label {label!r} (known: {', '.join(LABELS)})")
    start = change.get("start", state.starts[index])
    if not isinstance(start, bool):
        raise AnnotationError("change 'join': 'start' must be true or false")
    joined = replace(pieces[0], text="".join(piece.text for piece in pieces))
    new = replace(
        state,
        blocks=state.blocks[:index] + (joined,) + state.blocks[index + count :],
        labels=state.labels[:index] + (label,) + state.labels[index + count :],
        starts=state.starts[:index] + (start,) + state.starts[index + count :],
        guesses=state.guesses[: index + 1] + state.guesses[index + count :],
    )
    return new, undo


def _snippet(state: PageState, change: dict[str, Any]) -> tuple[PageState, dict[str, Any]]:
    kind, text, on = change.get("kind"), change.get("text"), _flag(change, "on")
    if kind not in SNIPPET_KINDS:
        raise AnnotationError(f"change 'snippet': 'kind' must be 'with' or 'without', got {kind!r}")
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_SNIPPET:
        raise AnnotationError(f"change 'snippet': 'text' must be some text of at most {_MAX_SNIPPET} characters")
    text = " ".join(text.split())
    current = state.with_snippets if kind == "with" else state.without_snippets
    was = text in current
    updated = tuple(s for s in current if s != text) + ((text,) if on else ())
    if on and was:
        updated = current
    new = replace(state, with_snippets=updated) if kind == "with" else replace(state, without_snippets=updated)
    return new, {"op": "snippet", "kind": kind, "text": text, "on": was}


def _field(state: PageState, change: dict[str, Any]) -> tuple[PageState, dict[str, Any]]:
    name, value = change.get("name"), change.get("value")
    if name not in ("page_type", "lang"):
        raise AnnotationError(f"change 'field': 'name' must be 'page_type' or 'lang', got {name!r}")
    if value is not None and not isinstance(value, str):
        raise AnnotationError(f"change 'field': {name} must be text or null")
    value = (value or "").strip() or None
    if name == "page_type" and value is not None and value not in PAGE_TYPES:
        raise AnnotationError(f"change 'field': unknown page type {value!r} (known: {', '.join(PAGE_TYPES)})")
    if name == "lang" and value is not None and (len(value) > 35 or not all(c.isalnum() or c == "-" for c in value)):
        raise AnnotationError(f"change 'field': {value!r} is not a language tag (BCP-47, like 'de' or 'pt-BR')")
    return replace(state, **{name: value}), {"op": "field", "name": name, "value": getattr(state, name)}


def _index(state: PageState, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(state.blocks):
        raise AnnotationError(f"no block {value!r} on this page (it has {len(state.blocks)})")
    return value


def _flag(change: dict[str, Any], name: str) -> bool:
    value = change.get(name)
    if not isinstance(value, bool):
        raise AnnotationError(f"change {change.get('op')!r}: {name!r} must be true or false")
    return value


def _given(change: dict[str, Any], name: str, count: int, *, default: list[Any], check: Any) -> list[Any]:
    if name not in change:
        return default
    values = change[name]
    if not isinstance(values, list) or len(values) != count or not all(check(v) for v in values):
        raise AnnotationError(f"change 'split': {name!r} must give one valid value per piece ({count})")
    return values


def _set(values: tuple[bool, ...], index: int, value: bool) -> tuple[bool, ...]:
    return values[:index] + (value,) + values[index + 1 :]

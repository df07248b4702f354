"""annotate/state.py: changes to a page's annotation, each with the change that undoes it."""

from __future__ import annotations

from typing import Any

import pytest

from cleanbench.annotate.state import PageState, Piece, apply_change
from cleanbench.errors import AnnotationError


def state() -> PageState:
    texts = ["Top stories", "20 NovGET TICKETSUntil the walls are built", "The council said so.", "Share Facebook"]
    return PageState(
        blocks=tuple(Piece(text, i, i, "p", "why") for i, text in enumerate(texts)),
        labels=("nav", "content", "content", "share"),
        starts=(True, True, False, True),
        guesses=("nav", "content", "content", "share"),
    )


CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("label one", {"op": "label", "blocks": [0], "label": "related"}),
    ("label a range", {"op": "label", "blocks": [1, 2, 3], "label": "none"}),
    ("label each", {"op": "label", "blocks": [0, 3], "labels": ["footer", "optional"]}),
    ("new span", {"op": "start", "block": 2, "on": True}),
    ("cut once", {"op": "split", "block": 1, "at": [17]}),
    ("cut out a middle", {"op": "split", "block": 1, "at": [6, 17]}),
    ("cut with labels", {"op": "split", "block": 1, "at": [17], "labels": ["ad", "content"], "starts": [True, True]}),
    ("with snippet", {"op": "snippet", "kind": "with", "text": "The council  said", "on": True}),
    ("without snippet", {"op": "snippet", "kind": "without", "text": "GET TICKETS", "on": True}),
    ("page type", {"op": "field", "name": "page_type", "value": "article"}),
    ("language", {"op": "field", "name": "lang", "value": "en-GB"}),
    ("done", {"op": "done", "on": True}),
]


@pytest.mark.parametrize(("name", "change"), CHANGES, ids=[name for name, _ in CHANGES])
def test_a_change_and_its_undo_give_back_the_state(name: str, change: dict[str, Any]) -> None:
    before = state()
    after, undo = apply_change(before, change)
    assert after != before
    restored, _ = apply_change(after, undo)
    assert restored == before


def test_a_cut_keeps_the_text_and_the_segment() -> None:
    after, _ = apply_change(state(), {"op": "split", "block": 1, "at": [6, 17]})
    assert [piece.text for piece in after.blocks[1:4]] == ["20 Nov", "GET TICKETS", "Until the walls are built"]
    assert [piece.source for piece in after.blocks] == [0, 1, 1, 1, 2, 3]
    assert after.labels == ("nav", "content", "content", "content", "content", "share")
    assert after.guesses[1:4] == ("content",) * 3


def test_a_snippet_is_stored_with_its_white_space_folded() -> None:
    after, _ = apply_change(state(), {"op": "snippet", "kind": "with", "text": " The council \n said ", "on": True})
    assert after.with_snippets == ("The council said",)


BAD: list[tuple[Any, str]] = [
    ({"op": "paint"}, "'op' is one of"),
    ("label", "'op' is one of"),
    ({"op": "label", "blocks": [], "label": "ad"}, "non-empty list"),
    ({"op": "label", "blocks": [9], "label": "ad"}, "no block 9"),
    ({"op": "label", "blocks": [True], "label": "ad"}, "no block True"),
    ({"op": "label", "blocks": [0], "label": "spam"}, "unknown label 'spam'"),
    ({"op": "label", "blocks": [0, 1], "labels": ["ad"]}, "one label per block"),
    ({"op": "start", "block": 0, "on": "yes"}, "'on' must be true or false"),
    ({"op": "split", "block": 1, "at": [0]}, "inside the block"),
    ({"op": "split", "block": 0, "at": [3, 4]}, "every piece must hold some text"),  # "Top| |stories"
    ({"op": "split", "block": 1, "at": "6"}, "list of character offsets"),
    ({"op": "join", "block": 1, "count": 2}, "not pieces of one block"),
    ({"op": "join", "block": 3, "count": 2}, "'count' must be 2 or more"),
    ({"op": "snippet", "kind": "maybe", "text": "x", "on": True}, "'with' or 'without'"),
    ({"op": "snippet", "kind": "with", "text": "  ", "on": True}, "some text"),
    ({"op": "field", "name": "url", "value": "x"}, "'page_type' or 'lang'"),
    ({"op": "field", "name": "page_type", "value": "blog"}, "unknown page type 'blog'"),
    ({"op": "field", "name": "lang", "value": "en gb"}, "not a language tag"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_a_change_that_does_not_apply_is_refused(change: Any, message: str) -> None:
    with pytest.raises(AnnotationError, match=message.replace("(", r"\(")):
        apply_change(state(), change)

"""A page as blocks: its visible text cut at block elements (paragraphs, headings, list items, table
cells, ...), in reading order, the unit the annotation tool labels.

The cut is `gold.visible`'s (the same walk of the same tree), so a run of blocks joined by spaces is
always found in the page's visible text once white space is folded, which is how `validate()` checks
noise spans and snippets. Inside `<pre>` the lines of a block are kept; elsewhere white space is folded.
`SEGMENTATION` names this cut; an annotation records it, and a change to the cut must change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree

from cleanbench.gold.visible import parse_page, visible_pieces

SEGMENTATION = "blocks-1"
"""The version of the block segmentation: bump it whenever a page would be cut differently."""

_SPACE = re.compile(r"\s+")
_LINE_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One block: its text, its owning element's tag, and `anchor`, the index of the first block of
    the same element (the rendering marks that element, so a block scrolls to it)."""

    text: str
    tag: str
    anchor: int


@dataclass(frozen=True)
class Segments:
    """A page cut into blocks, with each block's owning element (for the clutter cues and the rendering)."""

    blocks: tuple[Block, ...]
    owners: tuple[lxml.etree._Element, ...]
    root: lxml.etree._Element | None


def segment_html(html: str) -> Segments:
    """Cut a page's HTML into blocks (none for a page without visible text)."""
    root = parse_page(html)
    if root is None:
        return Segments((), (), None)
    blocks: list[Block] = []
    owners: list[lxml.etree._Element] = []
    first_of: dict[lxml.etree._Element, int] = {}
    texts: list[str] = []
    owner: lxml.etree._Element | None = None

    def flush() -> None:
        nonlocal owner
        if owner is not None:
            text = _block_text("".join(texts), preformatted=_inside_pre(owner))
            if text:
                anchor = first_of.setdefault(owner, len(blocks))
                blocks.append(Block(text, owner.tag if isinstance(owner.tag, str) else "", anchor))
                owners.append(owner)
        texts.clear()
        owner = None

    for piece in visible_pieces(root):
        if piece.boundary:
            flush()
            continue
        texts.append(piece.text)
        if owner is None and piece.text.strip():
            owner = piece.owner
    flush()
    return Segments(tuple(blocks), tuple(owners), root)


def segment_text(text: str) -> tuple[Block, ...]:
    """A text page's blocks: its non-blank lines, white space folded."""
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return tuple(Block(line, "line", index) for index, line in enumerate(line for line in lines if line))


def _block_text(raw: str, *, preformatted: bool) -> str:
    if not preformatted:
        return _SPACE.sub(" ", raw).strip()
    return _LINE_SPACE.sub("", raw.replace("\u00a0", " ")).strip("\n").rstrip() if raw.strip() else ""


def _inside_pre(element: lxml.etree._Element) -> bool:
    return any(node.tag == "pre" for node in element.iterancestors()) or element.tag == "pre"

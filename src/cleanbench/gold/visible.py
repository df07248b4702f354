"""The visible text of a page: what a reader could see, one block per line.

Used to check gold snippets against the page (`validate`), as the `everything` baseline, and (through
`visible_pieces`) by the annotation tool's block segmentation, so that both see the same text.
Visible = outside <head>, <script>, <style>, <template> and comments; <noscript> content counts
(a print or no-JS copy of the body is real clutter that extractors meet).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import lxml.etree
import lxml.html

HIDDEN_TAGS = frozenset({"head", "script", "style", "template", "title", "meta", "link"})
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "noscript", "ol", "p", "pre", "section", "summary",
        "table", "td", "th", "tr", "ul", "option", "textarea", "button",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# lxml refuses a str that starts with an encoding declaration (XHTML pages): the text is decoded already.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)


class Piece(NamedTuple):
    """A run of text in reading order, or a block boundary (`boundary`, text "\\n"); `owner` is the
    nearest block element around the text (the root when none)."""

    text: str
    owner: lxml.etree._Element
    boundary: bool


def parse_page(html: str) -> lxml.etree._Element | None:
    """The page's element tree as the visible text reads it; None for a page with nothing to parse."""
    cleaned = _XML_DECLARATION.sub("", _CONTROL.sub(" ", html), count=1)
    if not cleaned.strip():
        return None
    try:
        return lxml.html.document_fromstring(cleaned, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


def visible_text(html: str) -> str:
    """Return the page's visible text, one line per block element, blank lines removed."""
    root = parse_page(html)
    if root is None:
        return ""
    texts: list[str] = []
    _walk(root, texts, None)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(texts).split("\n"))
    return "\n".join(line for line in lines if line)


def visible_pieces(root: lxml.etree._Element) -> list[Piece]:
    """The visible text of a tree as pieces: text runs and block boundaries, in reading order."""
    texts: list[str] = []
    owners: list[tuple[lxml.etree._Element, bool]] = []
    _walk(root, texts, owners)
    return [Piece(text, owner, boundary) for text, (owner, boundary) in zip(texts, owners)]


def _walk(root: lxml.etree._Element, texts: list[str], owners: list[tuple[lxml.etree._Element, bool]] | None) -> None:
    """Append the tree's text runs and block boundaries ("\n") to `texts`, in reading order; with
    `owners`, each one's owning block element and whether it is a boundary too."""
    # An explicit stack: pages nest thousands of levels deep and must not hit the recursion limit.
    # Each entry: (node, closing, the block element that owns the text around the node).
    stack: list[tuple[lxml.etree._Element, bool, lxml.etree._Element]] = [(root, False, root)]
    own = owners.append if owners is not None else None
    while stack:
        node, closing, around = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if closing:
            if tag in BLOCK_TAGS:
                texts.append("\n")
                if own:
                    own((around, True))
            if node.tail:
                texts.append(node.tail)
                if own:
                    own((around, False))
            continue
        if tag in HIDDEN_TAGS or not isinstance(node.tag, str):
            if node.tail:
                texts.append(node.tail)
                if own:
                    own((around, False))
            continue
        inside = around
        if tag in BLOCK_TAGS:
            inside = node
            texts.append("\n")
            if own:
                own((node, True))
        if node.text:
            texts.append(node.text)
            if own:
                own((inside, False))
        stack.append((node, True, around))
        for child in reversed(node):
            stack.append((child, False, inside))

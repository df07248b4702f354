"""Clutter into a page's HTML with lxml: find the element that holds the gold paragraphs, insert, serialise.

The page is parsed once; each kind is inserted, the page serialised, and the insertion undone, so that
injecting every kind costs one parse and one serialisation per kind. The container is the parent that
holds most of the elements whose text starts like a gold paragraph; without one, the body.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import lxml.etree
import lxml.html

from cleanbench.gold.visible import parse_page
from cleanbench.inject.clutter import Clutter

_PARAGRAPH_TAGS = ("p", "li", "blockquote", "pre", "h2", "h3", "h4", "dd", "td")
_PREFIX = 32  # non-space characters of a paragraph's start that identify it


@dataclass
class Anchor:
    """Where clutter goes in a page: the gold paragraphs' elements (in order), their container, the body."""

    root: lxml.etree._Element
    body: lxml.etree._Element
    container: lxml.etree._Element
    paragraphs: list[lxml.etree._Element]

    @property
    def found(self) -> bool:
        return bool(self.paragraphs)


def locate(html: str, gold_paragraphs: list[str]) -> Anchor | None:
    """The page's tree and where its gold paragraphs are; None for a page lxml cannot parse."""
    root = parse_page(html)
    if root is None:
        return None
    body = root.find("body")
    if body is None:
        body = lxml.html.Element("body")
        root.append(body)
    prefixes = {"".join(p.split())[:_PREFIX] for p in gold_paragraphs if len("".join(p.split())) >= 12}
    matched = []
    if prefixes:
        for element in body.iter(*_PARAGRAPH_TAGS):
            start = "".join(element.text_content().split())[:_PREFIX]
            if start in prefixes:
                matched.append(element)
    matched = [e for e in matched if not any(a in matched for a in e.iterancestors(*_PARAGRAPH_TAGS))]
    if not matched:
        return Anchor(root, body, body, [])
    parents = Counter(e.getparent() for e in matched)
    container = max(parents, key=lambda parent: (parents[parent], -matched.index(next(e for e in matched if e.getparent() is parent))))
    return Anchor(root, body, container, [e for e in matched if e.getparent() is container])


def render(clutter: Clutter) -> lxml.etree._Element:
    element = lxml.html.Element(clutter.tag)
    for name, value in clutter.attrs:
        element.set(name, value)
    for tag, text in clutter.children:
        child = lxml.etree.SubElement(element, tag)
        child.text = text
    return element


def insert(anchor: Anchor, clutter: Clutter, *, placement: str, slot: lxml.etree._Element | None = None) -> tuple[Callable[[], None], str]:
    """Insert `clutter` at `placement` (or a `slot` standing for it, see `slot_pages`); returns how to undo it
    and where it went (for meta)."""
    if clutter.hidden is not None:
        return _insert_jsonld(anchor, clutter.hidden, slot=slot)
    if clutter.glued is not None:
        return _glue(anchor, clutter, slot=slot)
    element = render(clutter) if slot is None else slot
    if placement == "inside" and len(anchor.paragraphs) >= 2:
        reference = anchor.paragraphs[len(anchor.paragraphs) // 2 - 1]
        _after(reference, element)
        where = "between gold paragraphs, inside the article container"
    elif placement == "inside":
        anchor.container.append(element)
        where = "end of the article container" if anchor.found else "end of body"
    elif placement == "top":
        anchor.body.insert(0, element)
        where = "start of body"
    elif placement == "before":
        if anchor.found and anchor.container is not anchor.body:
            _before(anchor.container, element)
            where = "before the article container"
        else:
            anchor.body.insert(0, element)
            where = "start of body"
    elif placement == "end":
        anchor.body.append(element)
        where = "end of body"
    elif anchor.found and anchor.container is not anchor.body:
        _after(anchor.container, element)
        where = "right after the article container"
    else:
        anchor.body.append(element)
        where = "end of body"
    return (lambda: _remove(element)), where


def _after(reference: lxml.etree._Element, element: lxml.etree._Element) -> None:
    parent = reference.getparent()
    parent.insert(parent.index(reference) + 1, element)


def _before(reference: lxml.etree._Element, element: lxml.etree._Element) -> None:
    parent = reference.getparent()
    parent.insert(parent.index(reference), element)


def _remove(element: lxml.etree._Element) -> None:
    element.tail = None
    element.getparent().remove(element)


def _glue(anchor: Anchor, clutter: Clutter, *, slot: lxml.etree._Element | None = None) -> tuple[Callable[[], None], str]:
    """The ad text as the first thing in a body paragraph, with no white space before the paragraph's own text."""
    if len(anchor.paragraphs) >= 2:
        paragraph, where = anchor.paragraphs[len(anchor.paragraphs) // 2], "glued to the start of a gold paragraph"
    elif anchor.paragraphs:
        paragraph, where = anchor.paragraphs[0], "glued to the start of the first gold paragraph"
    else:
        paragraph = lxml.etree.SubElement(anchor.body, "p")
        where = "a paragraph of its own at the end of body"
    span = render(clutter)[0] if slot is None else slot
    if slot is None:
        span.set("class", "event-teaser")
    original = paragraph.text
    span.tail = original
    paragraph.text = None
    paragraph.insert(0, span)

    def undo() -> None:
        span.tail = None
        paragraph.remove(span)
        paragraph.text = original
        if not anchor.paragraphs:
            _remove(paragraph)

    return undo, where


def _insert_jsonld(anchor: Anchor, body: str, *, slot: lxml.etree._Element | None = None) -> tuple[Callable[[], None], str]:
    head = anchor.root.find("head")
    created = head is None
    if created:
        head = lxml.html.Element("head")
        anchor.root.insert(0, head)
    script = jsonld(body) if slot is None else slot
    head.append(script)

    def undo() -> None:
        _remove(script)
        if created:
            anchor.root.remove(head)

    return undo, "head > script[type=application/ld+json]: articleBody"


def jsonld(body: str) -> lxml.etree._Element:
    script = lxml.html.Element("script")
    script.set("type", "application/ld+json")
    data = {"@context": "https://schema.org", "@type": "Article", "articleBody": body}
    script.text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return script


def rendered(clutter: Clutter) -> str:
    """The clutter's markup as it is inserted (the glued variant: its span alone)."""
    if clutter.hidden is not None:
        element = jsonld(clutter.hidden)
    elif clutter.glued is not None:
        element = render(clutter)[0]
        element.set("class", "event-teaser")
    else:
        element = render(clutter)
    element.tail = None
    return lxml.html.tostring(element, encoding="unicode", method="html")


_SLOT = re.compile(r"<!--cleanbench-slot-(\d+)-->")


def slot_pages(anchor: Anchor, insertions: list[tuple[Clutter, str]]) -> list[tuple[str, str]]:
    """Every clutter in its own copy of the page, with one serialisation of the page in all: a comment
    marks each insertion point, the page is serialised once, and each copy is that text with its own
    mark replaced by its clutter's markup and the other marks removed. Returns (page, where) per insertion."""
    undos, wheres = [], []
    for number, (clutter, placement) in enumerate(insertions):
        undo, where = insert(anchor, clutter, placement=placement, slot=lxml.etree.Comment(f"cleanbench-slot-{number}"))
        undos.append(undo)
        wheres.append(where)
    pieces = _SLOT.split(serialise(anchor))
    for undo in reversed(undos):
        undo()
    pages = []
    for number, (clutter, _) in enumerate(insertions):
        markup = rendered(clutter)
        parts = [piece if position % 2 == 0 else (markup if int(piece) == number else "") for position, piece in enumerate(pieces)]
        pages.append(("".join(parts), wheres[number]))
    return pages


def serialise(anchor: Anchor) -> str:
    return lxml.html.tostring(anchor.root.getroottree(), encoding="unicode", method="html")

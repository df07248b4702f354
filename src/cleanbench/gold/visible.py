"""The visible text of a page: what a reader could see, one block per line.

Used to check gold snippets against the page (`validate`) and as the `everything` baseline.
Visible = outside <head>, <script>, <style>, <template> and comments; <noscript> content counts
(a print or no-JS copy of the body is real clutter that extractors meet).
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

_HIDDEN = frozenset({"head", "script", "style", "template", "title", "meta", "link"})
_BLOCK = frozenset(
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


def visible_text(html: str) -> str:
    """Return the page's visible text, one line per block element, blank lines removed."""
    cleaned = _XML_DECLARATION.sub("", _CONTROL.sub(" ", html), count=1)
    if not cleaned.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(cleaned, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    _walk(root, parts)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(element: lxml.etree._Element, parts: list[str]) -> None:
    # An explicit stack: pages nest thousands of levels deep and must not hit the recursion limit.
    stack: list[tuple[lxml.etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if closing:
            if tag in _BLOCK:
                parts.append("\n")
            if node.tail:
                parts.append(node.tail)
            continue
        if tag in _HIDDEN or not isinstance(node.tag, str):
            if node.tail:
                parts.append(node.tail)
            continue
        if tag in _BLOCK:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        for child in reversed(node):
            stack.append((child, False))

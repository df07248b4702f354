"""A page rendered safely beside its blocks: the page's own markup, stripped of everything that runs,
loads or navigates, with each block's element marked so that the tool can scroll to it.

Three layers, each enough on its own: the markup is sanitised here (no `<script>`, no event handler
attributes, no frames, objects, forms' targets, `<base>`, `<meta http-equiv>`, no links or external
sources); the response carries `RENDER_CSP` (`sandbox` without `allow-scripts`, so the document gets an
opaque origin and runs no script; nothing may load but inline styles and `data:` images); and the tool
shows it in an `<iframe sandbox>` without `allow-scripts` or `allow-same-origin`. The element of block
`k` gets the id `cb-k` (k: the first block of that element), and `:target` outlines it. Nothing is
positioned (fixed banners and overlays would cover the text): the page reads top to bottom.
"""

from __future__ import annotations

import lxml.etree
import lxml.html

from cleanbench.annotate.blocks import segment_html

RENDER_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)
"""The Content-Security-Policy of a rendered page."""

_DROPPED = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "portal", "template", "meta"}
)
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "action", "formaction", "xlink:href", "{http://www.w3.org/1999/xlink}href", "ping", "background", "poster", "data", "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "manifest", "target"}
)
_HIGHLIGHT = """
*,*::before,*::after{position:static !important}
body{margin:12px 16px !important;max-width:60em}
:target{outline:3px solid #d97706 !important;outline-offset:3px;background:rgba(251,191,36,.18) !important;scroll-margin:30vh}
a{cursor:default}
"""


def render_page(html: str) -> str:
    """The page as safe HTML, its block elements marked `cb-<first block>`."""
    segments = segment_html(html)
    root = segments.root
    if root is None:
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>(this page shows no text)</p></body></html>"
    for index, (block, owner) in enumerate(zip(segments.blocks, segments.owners)):
        if block.anchor == index:
            owner.set("id", f"cb-{index}")
    _sanitise(root)
    head = root.find("head")
    if head is None:
        head = lxml.etree.Element("head")
        root.insert(0, head)
    charset = lxml.etree.SubElement(head, "meta")
    charset.set("charset", "utf-8")
    head.insert(0, charset)
    style = lxml.etree.SubElement(head, "style")
    style.text = _HIGHLIGHT
    return lxml.html.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


def _sanitise(root: lxml.etree._Element) -> None:
    """Remove what runs, loads or navigates; keep the text, the layout and inline styles."""
    doomed = [element for element in root.iter() if not isinstance(element.tag, str) or element.tag.lower() in _DROPPED]
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:  # keep the text that follows a removed element
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or lowered in _URL_ATTRIBUTES or lowered == "autofocus":
                if element.tag == "img" and lowered == "src" and (element.get(name) or "").startswith("data:image/"):
                    continue
                del element.attrib[name]
            elif "javascript:" in (element.get(name) or "").lower().replace(" ", ""):
                del element.attrib[name]

"""gold/visible.py: the visible text of a page."""

from __future__ import annotations

from cleanbench.gold.visible import visible_text


def test_page_with_an_xml_declaration() -> None:
    # lxml refuses a decoded str that opens with an encoding declaration; such XHTML pages (msn.com,
    # dsv.de, ... in trafilatura's corpus) used to come out empty.
    html = '<?xml version="1.0" encoding="UTF-8" ?>\n<html><head><title>T</title></head><body><p>Zwölf Boxkämpfer</p></body></html>'
    assert visible_text(html) == "Zwölf Boxkämpfer"

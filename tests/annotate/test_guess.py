"""annotate/cues.py, panel.py and guess.py: the pre-filled labels and their reasons."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from cleanbench.annotate.blocks import segment_html
from cleanbench.annotate.cues import glued_cuts, markup_cue, text_cue
from cleanbench.annotate.guess import Started, panel_guess
from cleanbench.annotate.panel import PANEL, Panel, PanelOutput, kept_shares, votes
from cleanbench.annotate.sources import SourcePage
from cleanbench.gold.load import load_gold

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def owner(html: str, text: str) -> lxml.html.HtmlElement:
    segments = segment_html(html)
    return next(o for b, o in zip(segments.blocks, segments.owners) if b.text == text)


@pytest.mark.parametrize(
    ("html", "text", "label"),
    [
        ('<div class="cky-consent-container"><p>We value your privacy</p></div>', "We value your privacy", "cookie"),
        ('<div class="site-header"><nav><ul><li>Home</li></ul></nav></div>', "Home", "nav"),
        ('<div class="site-header"><ul class="menu"><li>About</li></ul></div>', "About", "nav"),
        ('<ul class="jeg_menu_footer"><li>About</li></ul>', "About", "footer"),  # a footer's menu is the footer
        ('<footer><ul class="menu"><li>About</li></ul></footer>', "About", "footer"),  # a menu in the page footer
        ('<article><footer class="entry-footer"><p>Filed under</p></footer></article>', "Filed under", "other"),  # an article's own footer
        ('<div class="jeg_post_inline_related"><a>Two years on</a></div>', "Two years on", "related"),
        ('<div class="footer-newsletter"><p>Sign up</p></div>', "Sign up", "newsletter"),  # the more specific word wins
        ('<div id="comments"><div class="comment-author"><p>Ana</p></div></div>', "Ana", "comments"),  # not optional
        ('<div class="jeg_ad jeg_ad_article"><p>Awards night</p></div>', "Awards night", "ad"),
        ('<div class="sidebar-main-content"><p>Main text</p></div>', "Main text", None),  # the main column
        ('<div class="entry-content"><div class="box"><p>Body</p></div></div>', "Body", None),
        ('<div class="pr-4"><p>Padded</p></div>', "Padded", None),  # a utility class, not "PR"
        ("<article><h1>The title</h1></article>", "The title", "optional"),
        ('<div role="navigation"><p>Sections</p></div>', "Sections", "nav"),
    ],
)
def test_markup_cues(html: str, text: str, label: str | None) -> None:
    cue = markup_cue(owner(html, text))
    assert (cue.label if cue else None) == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("7 comments", "comments"),
        ("Comments (7)", "comments"),
        ("댓글 3", "comments"),
        ("12 Kommentare", "comments"),
        ("12 apples", None),
        ("We use cookies to remember your settings.", "cookie"),
        ("© 2025 Northgate Herald Media Ltd.", "footer"),
        ("Facebook X WhatsApp Email", "share"),
        ("Email", None),  # a word alone is not a share row
        ("Corn Exchange | Thursday 20 November | Tickets from £95", "ad"),
        ("The price rose from £23.6 million to £31.2 million in 2024, largely because of steel.", None),  # no day and month
        ("Tickets from 95 € until 12. Juni", "ad"),
    ],
)
def test_text_cues(text: str, label: str | None) -> None:
    cue = text_cue(text, None)
    assert (cue.label if cue else None) == label


@pytest.mark.parametrize(
    ("html", "pieces"),
    [
        ('<p><a class="promo-inline" href="/x">Fair | 14 June<b>BUY</b></a>The council met.</p>', ["Fair | 14 JuneBUY"]),
        ('<p>The council met.<a href="/e?utm_source=site">Expo 2025</a></p>', ["Expo 2025"]),
        ('<p><a rel="sponsored" href="/x">Cruise -20%</a> The council met.</p>', []),  # a space: not glued
        ('<p><a href="/story">Earlier</a>the council met.</p>', []),  # glued, but nothing says ad
        ('<p><span class="event-promo__glue">Expo|12 June</span>The council met.</p>', ["Expo|12 June"]),
    ],
)
def test_glued_ads_are_cut_out(html: str, pieces: list[str]) -> None:
    segments = segment_html(html)
    block, element = segments.blocks[0], segments.owners[0]
    assert [block.text[cut.start : cut.end] for cut in glued_cuts(element, block.text)] == pieces


def test_a_block_is_kept_where_its_words_are_in_reading_order() -> None:
    blocks = ["The council met on Tuesday.", "Share this", "The council met on Tuesday."]
    assert kept_shares(blocks, "The council met on Tuesday.") == [1.0, 0.0, 0.0]  # one copy only
    output = PanelOutput({"a": "The council met on Tuesday.", "b": "Share this", "c": ""}, {})
    assert votes(blocks, output) == [["a"], ["b"], []]


@pytest.fixture(scope="module")
def news_en_12() -> Started:
    page = load_gold(str(FIXTURES)).page("news-en-12")
    with Panel(workers=2) as panel:
        guessed = panel_guess(panel)([SourcePage(page.id, page.html, page.url, "fixtures", "utf-8", "utf-8")])
    return guessed[page.id]


@pytest.mark.extras  # the panel's resiliparse, readability and boilerpy3: the `all` extra
def test_the_guess_of_a_page_with_glued_clutter(news_en_12: Started) -> None:
    state = news_en_12.state
    assert [signature.split("@")[0] for signature in news_en_12.panel] == list(PANEL) and news_en_12.failures == {}
    label: dict[str, str] = {}
    reason: dict[str, str] = {}
    for i, piece in enumerate(state.blocks):  # the first block of each text
        label.setdefault(piece.text.strip(), state.labels[i])
        reason.setdefault(piece.text.strip(), piece.reason)
    assert label["Herald EventsBusiness Awards 2025Northgate | 20 NovGET TICKETS"] == "ad"  # cut off its paragraph
    assert label["Until the permanent defences are finished, the agency will keep temporary flood barriers in storage at its depot in Castlemoor and says it can have them in place along the riverside within eight hours of a severe flood warning."] == "content"
    assert "glued to the text without a space" in reason["Herald EventsBusiness Awards 2025Northgate | 20 NovGET TICKETS"]
    assert label["We value your privacy"] == "cookie"
    assert label["7 comments"] == "comments"
    assert label["Read more: Two years on, Dyer Street families are still fighting their insurers"] == "related"
    body = "Work on the first phase, a 600-metre wall and embankment between the railway viaduct and Mill Lane, is due to start in the spring. The second phase, which includes a new pumping station and flood gates across Canal Wharf, will follow in 2027."
    copies = [i for i, piece in enumerate(state.blocks) if piece.text == body]
    assert [state.labels[i] for i in copies] == ["content", "duplicate"]
    assert state.blocks[copies[0]].reason.startswith("kept by 5 of 5")
    assert state.lang == "en-GB"
    # Spans: the three header bars are three nav spans, as the page's markup groups them.
    starts = [state.blocks[i].text for i in range(len(state.blocks)) if state.labels[i] == "nav" and state.starts[i]]
    assert starts[:3] == ["Skip to content", "The Northgate Herald", "Home"]

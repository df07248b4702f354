"""annotate/blocks.py: a page cut into blocks, the same text the visible text holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanbench.annotate.blocks import segment_html, segment_text
from cleanbench.gold.schema import fold_whitespace
from cleanbench.gold.visible import visible_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        ("<p>One <b>bold</b> line.</p><p>Two</p>", ["One bold line.", "Two"]),
        ("<div>Lead <p>inner</p> tail</div>", ["Lead", "inner", "tail"]),  # a div's text around a child block: three blocks
        ("<ul><li>a</li><li>b</li></ul>", ["a", "b"]),
        ("<table><tr><td>x</td><td>y</td></tr></table>", ["x", "y"]),
        ("<p>Read\n   more:\n<a>the story</a></p>", ["Read more: the story"]),  # source line breaks fold
        ("<pre>line one  \n  indented\n</pre>", ["line one\n  indented"]),  # <pre> keeps its lines
        ("<p>seen</p><script>hidden()</script><noscript><p>copy</p></noscript>", ["seen", "copy"]),
        ("", []),
    ],
)
def test_blocks_of_small_pages(html: str, blocks: list[str]) -> None:
    assert [block.text for block in segment_html(html).blocks] == blocks


def test_a_block_scrolls_to_the_first_block_of_its_element() -> None:
    segments = segment_html("<div>Lead <p>inner</p> tail</div>")
    assert [block.anchor for block in segments.blocks] == [0, 1, 0]
    assert [block.tag for block in segments.blocks] == ["div", "p", "div"]


def test_text_pages_are_cut_at_lines() -> None:
    assert [b.text for b in segment_text("first  line\n\n second\n")] == ["first line", "second"]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.html")), ids=lambda p: p.stem)
def test_every_run_of_blocks_is_in_the_visible_text(path: Path) -> None:
    # The guarantee validate() relies on: a span made of neighbouring blocks joined by spaces is found
    # in the page's visible text once white space is folded (checked here for every run of 3).
    html = path.read_text(encoding="utf-8")
    visible = fold_whitespace(visible_text(html))
    texts = [fold_whitespace(block.text) for block in segment_html(html).blocks]
    assert texts
    for start in range(len(texts)):
        assert " ".join(texts[start : start + 3]) in visible


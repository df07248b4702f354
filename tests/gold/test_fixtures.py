"""The bundled gold set (`fixtures/`): strict validity and the coverage issue 2 asks of it."""

from __future__ import annotations

from collections import Counter

import pytest

from cleanbench.gold.load import GoldSet, load_gold
from cleanbench.gold.schema import NOISE_LABELS, GoldPage, fold_whitespace, validate
from cleanbench.gold.visible import visible_text

CJK = {"zh", "ja", "ko"}
RTL = {"ar", "he", "fa", "ur"}


@pytest.fixture(scope="module")
def bundled() -> GoldSet:
    return load_gold("fixtures")


@pytest.fixture(scope="module")
def pages(bundled: GoldSet) -> list[GoldPage]:
    return list(bundled)


def test_strict_validation_finds_nothing(bundled: GoldSet) -> None:
    report = validate(bundled, set_name="fixtures", strict=True)
    assert [str(finding) for finding in report.findings] == []
    assert report.ok


def test_size_and_languages(pages: list[GoldPage]) -> None:
    langs = {(page.lang or "").split("-")[0] for page in pages}  # primary subtag of BCP-47: zh-CN -> zh
    assert len(pages) >= 30
    assert len(langs) >= 6
    assert langs & CJK, "at least one CJK page"
    assert langs & RTL, "at least one right-to-left page"


def test_page_types_cover_the_issue(pages: list[GoldPage]) -> None:
    types = Counter(page.page_type for page in pages)
    for page_type in ("article", "forum", "product", "documentation", "listing"):
        assert types[page_type] >= 1, page_type


@pytest.mark.parametrize("label", NOISE_LABELS)
def test_every_noise_label_on_three_pages(pages: list[GoldPage], label: str) -> None:
    assert sum(label in page.noise_labels() for page in pages) >= 3


def test_every_page_is_fully_annotated(pages: list[GoldPage]) -> None:
    for page in pages:
        assert page.gold_text, page.id
        assert len(page.with_snippets) >= 3, page.id
        assert len(page.without_snippets) >= 3, page.id
        assert page.noise, page.id


def _seed_shaped(page: GoldPage) -> bool:
    """The shape of ../shared/seed/example-page.txt: body twice, 2+ ads, a related block, a comment counter, a Home link."""
    labels = Counter(span.label for span in page.noise)
    footer = " ".join(span.text for span in page.noise if span.label == "footer")
    return (
        labels["duplicate"] >= 1
        and labels["ad"] >= 2
        and labels["related"] >= 1
        and labels["comments"] >= 1
        and "Home" in footer
    )


def test_six_seed_shaped_news_pages(pages: list[GoldPage]) -> None:
    assert sum(_seed_shaped(page) for page in pages) >= 6


def test_seed_shaped_pages_hold_the_body_twice(pages: list[GoldPage]) -> None:
    for page in filter(_seed_shaped, pages):
        visible = fold_whitespace(visible_text(page.html))
        first_paragraph = fold_whitespace(page.gold_text.split("\n\n")[0])
        assert visible.count(first_paragraph) >= 2, page.id


def test_a_related_block_has_three_teasers(pages: list[GoldPage]) -> None:
    for page in filter(_seed_shaped, pages):
        related = " ".join(span.text for span in page.noise if span.label == "related")
        # Three headlines with a first line each: well over 120 characters in any script (CJK has no spaces).
        assert len(fold_whitespace(related)) >= 120, page.id

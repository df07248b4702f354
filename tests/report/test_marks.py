"""Word marks of the per-page report: tokens keep original offsets; marks follow DESIGN.md's definitions."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import GoldPage, NoiseSpan
from cleanbench.gold.visible import visible_text
from cleanbench.report.marks import PageMarks, PageWords
from cleanbench.report.words import UNICODE, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("Straße ﬁne ＡＢＣ", ["strasse", "fine", "abc"]),  # casefold, NFKC ligature and full-width letters
        ("cafe\u0301 au lait", ["café", "au", "lait"]),  # a combining accent stays in its word
        ("日本語のテキスト", ["日", "本", "語", "の", "テ", "キ", "ス", "ト"]),
        ("한국어 text", ["한", "국", "어", "text"]),
        ("snake_case 42", ["snake_case", "42"]),
        ("", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text).words == expected


@pytest.mark.parametrize(
    "text",
    ["हिन्दी भाषा", "ｶﾞｷﾞ ｱｲ", "㍻ ① ²", "ﬀ ﬃ Ǆ", "e\u0301\u0327 x", "İstanbul ΣΑΣ", "a\u200db", "x\u00ady"],
)
def test_tokens_equal_the_unicode_tokenizer_on_hard_cases(text: str) -> None:
    assert tokens(text).words == UNICODE(text)


def test_tokens_equal_the_unicode_tokenizer_on_the_fixtures() -> None:
    # The piecewise normalisation must give the scorer's exact token sequence (11 languages, 5 scripts).
    for page in load_gold("fixtures"):
        for text in (page.gold_text or "", visible_text(page.html), *(span.text for span in page.noise)):
            assert tokens(text).words == UNICODE(text), page.id


def _spans(text: str) -> list[str]:
    found = tokens(text)
    return [text[start:end] for start, end in zip(found.starts.tolist(), found.ends.tolist(), strict=True)]


def test_token_offsets_point_at_the_original_text() -> None:
    assert _spans("Ａ café, 日本 — ok") == ["Ａ", "café", "日", "本", "ok"]


def test_only_the_lines_that_need_a_normal_form_are_read_piece_by_piece() -> None:
    # Line 2 holds a ligature (NFKC: "fi"), line 3 Japanese: both read piece by piece; lines 1 and 4 as runs.
    text = "Plain words here\nthe ﬁne print\n日本語のテキスト ok\nlast, line"
    assert tokens(text).words == UNICODE(text)
    assert _spans(text) == ["Plain", "words", "here", "the", "ﬁne", "print", "日", "本", "語", "の", "テ", "キ", "ス", "ト", "ok", "last", "line"]


def test_offsets_hold_past_characters_outside_the_first_plane() -> None:
    text = "emoji 😀 then 𝐁old and words"  # U+1D401, a mathematical bold B, is a word character (NFKC: B)
    assert tokens(text).words == UNICODE(text)
    assert _spans(text) == ["emoji", "then", "𝐁old", "and", "words"]


def page(gold: str, **noise: str) -> GoldPage:
    return GoldPage(id="p", html="", gold_text=gold, noise=tuple(NoiseSpan(label, text) for label, text in noise.items()))


def mark_page(gold_page: GoldPage, text: str) -> PageMarks:
    return PageWords(gold_page).mark(text)


def where(mask: np.ndarray) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


BODY = "one two three four five six seven eight"


def test_exact_prediction_has_no_marks() -> None:
    marks = mark_page(page(BODY), BODY)
    assert (where(marks.missing), where(marks.extra), where(marks.duplicate), dict(marks.leak)) == (set(), set(), set(), {})
    assert (marks.precision, marks.recall, marks.f1, marks.duplication) == (1.0, 1.0, 1.0, 0.0)


def test_missing_words_follow_the_aligned_text() -> None:
    marks = mark_page(page("a b a c"), "a c")
    assert where(marks.missing) == {0, 1}  # "a c" aligns with the gold's last two words
    assert (marks.recall, marks.precision) == (0.5, 1.0)
    title_then_body = mark_page(page("the stove smokes into the room"), "stove smokes\n\nthe stove smokes into the room")
    assert where(title_then_body.extra) == {0, 1}  # the title repeats words; the body matches in place
    menu_then_body = mark_page(page("the cat sat on the mat"), "home | the news\nthe cat sat on the mat")
    assert where(menu_then_body.extra) == {0, 1, 2}  # the menu's "the" is extra, not the body's


@pytest.mark.parametrize("seed", range(20))
def test_marks_count_what_the_multiset_overlap_loses(seed: int) -> None:
    rng = random.Random(seed)
    gold = [rng.choice("abcdefg") for _ in range(rng.randint(0, 60))]
    prediction = [rng.choice("abcdefgh") for _ in range(rng.randint(0, 60))]
    marks = mark_page(page(" ".join(gold)), " ".join(prediction))
    overlap = sum((Counter(gold) & Counter(prediction)).values())
    assert marks.missing.sum() == len(gold) - overlap
    assert marks.extra.sum() == len(prediction) - overlap
    assert Counter(gold[i] for i in range(len(gold)) if not marks.missing[i]) == Counter(gold) & Counter(prediction)


def test_body_twice_is_half_duplicated() -> None:
    # DESIGN.md: "A prediction holding the body twice scores about 0.5".
    marks = mark_page(page(BODY), f"{BODY}\n\n{BODY}")
    assert marks.duplication == pytest.approx(4 / 12)  # 8 words: 4 gold 5-grams; the copy adds 4 more of 12 5-grams in all
    assert where(marks.duplicate) == set(range(8, 16))
    long_body = " ".join(f"w{i}" for i in range(200))
    assert mark_page(page(long_body), f"{long_body} {long_body}").duplication == pytest.approx(0.5, abs=0.01)


def test_leak_marks_noise_three_grams_that_are_not_gold_three_grams() -> None:
    gold = "buy the report today"
    marks = mark_page(page(gold, ad="buy the report now and save", nav="home news sport"), "buy the report now and save. home news")
    # "buy the report" is a gold 3-gram: not countable; "the report now", "report now and", "now and save" are.
    assert [(leak.label, leak.found, leak.total) for leak in marks.leaks] == [("ad", 3, 3), ("nav", 0, 1)]
    assert where(marks.leak["ad"]) == {1, 2, 3, 4, 5}
    assert not marks.leak["nav"].any()


def test_failed_extraction_scores_as_empty() -> None:
    marks = mark_page(page(BODY), "")
    assert (marks.precision, marks.recall, marks.f1) == (0.0, 0.0, 0.0)
    assert where(marks.missing) == set(range(8))


def test_page_without_gold_text_has_no_word_scores() -> None:
    snippet_page = GoldPage(id="p", html="", with_snippets=("kept",))
    marks = mark_page(snippet_page, "kept text")
    assert (marks.precision, marks.recall, marks.f1) == (None, None, None)
    assert not marks.extra.any()


def test_a_gold_too_rich_for_integer_five_gram_keys_marks_the_same() -> None:
    # 7,000 distinct words: 7,001**5 passes 2**63, so 5-grams are compared as raw bytes instead.
    body = " ".join(f"w{i}" for i in range(7000))
    marks = mark_page(page(body), f"{body} {body}")
    assert (marks.duplicate_grams, marks.prediction_grams) == (6996, 13996)  # the copy's 5-grams (those across the seam are no gold 5-grams)
    assert where(marks.duplicate) == set(range(7000, 14000))


LONG = " ".join(f"word{i}" for i in range(60))


def test_a_stretch_that_repeats_the_gold_is_a_copy() -> None:
    exact = mark_page(page(LONG), f"Menu\n{LONG}")
    assert [(copy.first, copy.last, copy.exact) for copy in exact.copies] == [(1, 60, True)]
    spaced = mark_page(page(LONG), LONG.replace(" word3", "\n\nword3"))
    assert [(copy.first, copy.last, copy.exact) for copy in spaced.copies] == [(0, 59, False)]
    assert mark_page(page(LONG), LONG.replace(" ", ", ")).copies == ()  # punctuation differs: shown whole
    assert mark_page(page(LONG), " ".join(LONG.split()[:20])).copies == ()  # too short to fold away


def test_marked_words_break_a_copy() -> None:
    marks = mark_page(page(LONG, ad="word30 word31 word32 buy"), LONG)
    assert not marks.leak["ad"].any()  # the ad's 3-grams in the gold do not count
    twice = mark_page(page(LONG), f"{LONG} {LONG}")
    assert [(copy.first, copy.last) for copy in twice.copies] == [(0, 59)]  # the second body is duplicated, not a copy

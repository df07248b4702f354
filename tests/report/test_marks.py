"""Word marks of the per-page report: tokens keep original offsets; marks follow DESIGN.md's definitions."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import GoldPage, NoiseSpan
from cleanbench.gold.visible import visible_text
from cleanbench.report.marks import UNICODE, mark_page, tokens


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
    assert [token.text for token in tokens(text)] == expected


@pytest.mark.parametrize(
    "text",
    ["हिन्दी भाषा", "ｶﾞｷﾞ ｱｲ", "㍻ ① ²", "ﬀ ﬃ Ǆ", "e\u0301\u0327 x", "İstanbul ΣΑΣ", "a\u200db", "x\u00ady"],
)
def test_tokens_equal_the_unicode_tokenizer_on_hard_cases(text: str) -> None:
    assert [token.text for token in tokens(text)] == UNICODE(text)


def test_tokens_equal_the_unicode_tokenizer_on_the_fixtures() -> None:
    # The piecewise normalisation must give the scorer's exact token sequence (11 languages, 5 scripts).
    for page in load_gold("fixtures"):
        for text in (page.gold_text or "", visible_text(page.html), *(span.text for span in page.noise)):
            assert [token.text for token in tokens(text)] == UNICODE(text), page.id


def test_token_offsets_point_at_the_original_text() -> None:
    text = "Ａ café, 日本 — ok"
    assert [text[token.start : token.end] for token in tokens(text)] == ["Ａ", "café", "日", "本", "ok"]


def page(gold: str, **noise: str) -> GoldPage:
    return GoldPage(id="p", html="", gold_text=gold, noise=tuple(NoiseSpan(label, text) for label, text in noise.items()))


BODY = "one two three four five six seven eight"


def test_exact_prediction_has_no_marks() -> None:
    marks = mark_page(page(BODY), BODY)
    assert (marks.missing, marks.extra, marks.duplicate, dict(marks.leak)) == (frozenset(), frozenset(), frozenset(), {})
    assert (marks.precision, marks.recall, marks.f1, marks.duplication) == (1.0, 1.0, 1.0, 0.0)


def test_missing_words_follow_the_aligned_text() -> None:
    marks = mark_page(page("a b a c"), "a c")
    assert marks.missing == frozenset({0, 1})  # "a c" aligns with the gold's last two words
    assert (marks.recall, marks.precision) == (0.5, 1.0)
    title_then_body = mark_page(page("the stove smokes into the room"), "stove smokes\n\nthe stove smokes into the room")
    assert title_then_body.extra == frozenset({0, 1})  # the title repeats words; the body matches in place


@pytest.mark.parametrize("seed", range(20))
def test_marks_count_what_the_multiset_overlap_loses(seed: int) -> None:
    rng = random.Random(seed)
    gold = [rng.choice("abcdefg") for _ in range(rng.randint(0, 60))]
    prediction = [rng.choice("abcdefgh") for _ in range(rng.randint(0, 60))]
    marks = mark_page(page(" ".join(gold)), " ".join(prediction))
    overlap = sum((Counter(gold) & Counter(prediction)).values())
    assert len(marks.missing) == len(gold) - overlap
    assert len(marks.extra) == len(prediction) - overlap
    assert Counter(gold[i] for i in range(len(gold)) if i not in marks.missing) == Counter(gold) & Counter(prediction)


def test_body_twice_is_half_duplicated() -> None:
    # DESIGN.md: "A prediction holding the body twice scores about 0.5".
    marks = mark_page(page(BODY), f"{BODY}\n\n{BODY}")
    assert marks.duplication == pytest.approx(4 / 12)  # 8 words: 4 gold 5-grams; the copy adds 4 more of 12 5-grams in all
    assert marks.duplicate == frozenset(range(8, 16))
    long_body = " ".join(f"w{i}" for i in range(200))
    assert mark_page(page(long_body), f"{long_body} {long_body}").duplication == pytest.approx(0.5, abs=0.01)


def test_leak_marks_noise_three_grams_that_are_not_gold_three_grams() -> None:
    gold = "buy the report today"
    marks = mark_page(page(gold, ad="buy the report now and save", nav="home news sport"), "buy the report now and save. home news")
    # "buy the report" is a gold 3-gram: not countable; "the report now", "report now and", "now and save" are.
    assert [(leak.label, leak.found, leak.total) for leak in marks.leaks] == [("ad", 3, 3), ("nav", 0, 1)]
    assert sorted(marks.leak) == [1, 2, 3, 4, 5]
    assert set(marks.leak.values()) == {("ad",)}


def test_failed_extraction_scores_as_empty() -> None:
    marks = mark_page(page(BODY), "")
    assert (marks.precision, marks.recall, marks.f1) == (0.0, 0.0, 0.0)
    assert marks.missing == frozenset(range(8))


def test_page_without_gold_text_has_no_word_scores() -> None:
    snippet_page = GoldPage(id="p", html="", with_snippets=("kept",))
    marks = mark_page(snippet_page, "kept text")
    assert (marks.precision, marks.recall, marks.f1) == (None, None, None)
    assert marks.extra == frozenset()

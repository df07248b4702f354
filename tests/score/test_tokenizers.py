"""Tokenizers (score/tokenize.py): their tokens on a multilingual table, and the registry."""

from __future__ import annotations

import pytest

from cleanbench.errors import MetricError
from cleanbench.score.tokenize import TOKENIZERS, get_tokenizer


@pytest.mark.parametrize(
    ("name", "text", "tokens"),
    [
        ("unicode", "Hello, World!", ["hello", "world"]),
        ("unicode", "Die STRASSE, die Straße", ["die", "strasse", "die", "strasse"]),  # casefold: ß -> ss
        ("unicode", "ＡＢＣ１２３ ﬁne", ["abc123", "fine"]),  # NFKC: full-width forms, ligature
        ("unicode", "我爱北京", ["我", "爱", "北", "京"]),
        ("unicode", "東京タワーへ", ["東", "京", "タ", "ワ", "ー", "へ"]),
        ("unicode", "한국어 텍스트", ["한", "국", "어", "텍", "스", "트"]),
        ("unicode", "Tokyo東京2025", ["tokyo", "東", "京", "2025"]),
        ("unicode", "مرحبا بالعالم", ["مرحبا", "بالعالم"]),
        ("unicode", "हिन्दी भाषा", ["हिन्दी", "भाषा"]),  # combining vowel signs stay inside the word
        ("unicode", "great 👍 product", ["great", "product"]),
        ("unicode", "", []),
        ("aeb", "Hello, World! 東京", ["Hello", "World", "東京"]),
        ("wcxb", "Hello, WORLD!", ["hello", "world"]),
        ("whitespace", " a  b\tc\r\nd ", ["a", "b", "c", "d"]),
    ],
)
def test_tokens(name: str, text: str, tokens: list[str]) -> None:
    assert get_tokenizer(name)(text) == tokens


@pytest.mark.parametrize(
    ("name", "case", "normalisation"),
    [("unicode", "fold", "NFKC"), ("aeb", "keep", "none"), ("wcxb", "lower", "none"), ("whitespace", "keep", "none")],
)
def test_attributes(name: str, case: str, normalisation: str) -> None:
    tokenizer = TOKENIZERS[name]
    assert (tokenizer.name, tokenizer.case, tokenizer.normalisation) == (name, case, normalisation)


def test_unknown_tokenizer_suggests_the_closest() -> None:
    with pytest.raises(MetricError, match="did you mean 'unicode'"):
        get_tokenizer("unicod")


@pytest.mark.parametrize("text", ["hindi हिन्दी भाषा", "arabic مرحبا بالعالم", "snake_case x2 3.14", "emoji 👍🏽 ok", "straße ǅemal ﬃ"])
def test_the_fast_path_equals_the_full_pattern_without_spaceless_scripts(text: str) -> None:
    # The unicode tokenizer skips its slower pattern when a text holds no Han, Kana or Hangul character.
    from cleanbench.score.tokenize import _UNICODE_TOKEN, _UNICODE_WORD

    assert _UNICODE_WORD.findall(text) == _UNICODE_TOKEN.findall(text)


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII, with_underscores and 42 numbers.",
        "Café déjà vu — naïve “quotes”",
        "STRASSE Straße ǅemal",
        "İstanbul İzmir",
        "ΟΔΟΣ'Α ΣΟΦΙΑ",
        "東京 Tokyo",
        "hindi हिन्दी",  # vowel signs: \\w for the regex module, not for re
        "ok 👍️",  # U+FE0F, a variation selector, likewise
        "ﬁne™ … \u00a0",  # not NFKC: the unicode tokenizer reads it normalised
        "",
    ],
)
@pytest.mark.parametrize("name", ["unicode", "wcxb", "aeb"])
def test_tokens_taken_from_the_aeb_runs_are_the_tokenizers_own(name: str, text: str) -> None:
    from cleanbench.score.tokenize import recased

    tokenizer = TOKENIZERS[name]
    runs = tokenizer.word_runs(text)
    if runs is not None:
        assert recased(TOKENIZERS["aeb"](runs.text), runs.case) == tokenizer(text)


@pytest.mark.parametrize(
    ("name", "text", "runs"),
    [
        ("unicode", "Plain ASCII", ("Plain ASCII", "fold")),
        ("unicode", "Straße “quoted”", ("Straße “quoted”", "fold")),
        ("unicode", "ﬁne™ …", ("fineTM ...", "fold")),  # the runs of its NFKC form
        ("unicode", "hindi हिन्दी", None),
        ("unicode", "東京", None),
        ("wcxb", "Straße", ("Straße", "lower")),
        ("wcxb", "İstanbul", None),
        ("aeb", "İstanbul", ("İstanbul", "keep")),
        ("whitespace", "plain", None),
    ],
)
def test_word_runs(name: str, text: str, runs: tuple[str, str] | None) -> None:
    assert TOKENIZERS[name].word_runs(text) == runs


def test_the_unicode_tokenizer_equals_its_definition_on_every_code_point(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its definition: NFKC, casefold, then the regex module's pattern. Its quick path (re's \w+ runs
    # casefolded one by one, taken when every character folds word by word) must give the same tokens:
    # checked on a text holding every such code point between word and non-word neighbours, once as
    # the tokenizer reads it and once through word_runs, as the metrics read it.
    import sys
    import unicodedata

    from cleanbench.score import tokenize
    from cleanbench.score.tokenize import (
        _UNICODE_TOKEN,
        _casefolds_word_by_word,
        recased,
    )

    # The per-character verdicts this test fills in (about a million) go with it.
    monkeypatch.setattr(tokenize, "_FOLDS_BY_WORD", {chr(code) for code in range(128)})
    monkeypatch.setattr(tokenize, "_FOLDS_OTHERWISE", set())
    every = (chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    quick = [c for c in every if _casefolds_word_by_word(c) and _casefolds_word_by_word(unicodedata.normalize("NFKC", c))]
    assert len(quick) > 900_000  # unassigned code points included: they fold to themselves
    text = "".join(f"{c}a{c} {c}" for c in quick)
    assert _casefolds_word_by_word(unicodedata.normalize("NFKC", text))  # the quick path is taken
    defined = _UNICODE_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())
    assert TOKENIZERS["unicode"](text) == defined
    runs = TOKENIZERS["unicode"].word_runs(text)
    assert runs is not None
    assert recased(TOKENIZERS["aeb"](runs.text), runs.case) == defined


def test_lowercasing_keeps_every_character_a_word_character_or_not() -> None:
    # What wcxb's word_runs rests on: apart from U+0130, lowercasing maps one character to one,
    # and never turns a \w character into a non-\w one or back (checked on every code point).
    import re
    import sys

    word = re.compile(r"\w")
    longer, switched = [], []
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        lower = character.lower()
        if len(lower) != 1:
            longer.append(code)
        elif bool(word.match(character)) != bool(word.match(lower)):
            switched.append(code)
    assert (longer, switched) == ([0x130], [])


@pytest.mark.parametrize("text", ["İstanbul", "ΟΔΟΣ'Α"])
def test_texts_whose_lowercase_moves_or_depends_on_context_are_tokenized_themselves(text: str) -> None:
    from cleanbench.score.tokenize import recased

    wcxb = TOKENIZERS["wcxb"]
    assert wcxb.word_runs(text) is None
    assert recased(TOKENIZERS["aeb"](text), "lower") != wcxb(text)


def test_no_spaceless_script_character_below_u1100_or_in_general_punctuation() -> None:
    # What the unicode tokenizer's quick check (_maybe_spaceless) rests on, over every code point.
    import sys

    from cleanbench.score.tokenize import _SPACELESS_CHARACTER, _maybe_spaceless

    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    found = _SPACELESS_CHARACTER.findall(every)
    assert len(found) > 90_000  # Han alone has more
    assert all(map(_maybe_spaceless, found))


def test_the_quick_scan_passes_exactly_the_common_block_characters_that_fold_word_by_word() -> None:
    import sys
    import unicodedata

    from cleanbench.score.tokenize import (
        _COMMON_BLOCKS,
        _UNICODE_TOKEN,
        _outside_common_blocks,
        _quick,
        recased,
    )

    pattern = _outside_common_blocks()
    passed = {code for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF and pattern.search(chr(code)) is None}
    expected = {code for block in _COMMON_BLOCKS for code in block if _quick(chr(code))}
    assert passed == expected
    assert {0x2019, 0x00A0, 0x2026} <= passed  # curly apostrophe; no-break space and ellipsis (NFKC: " ", "...")
    assert not {0x0301, 0x2122, 0x00BD} & passed  # combining accent; ™ and ½ (NFKC: "TM", "1⁄2": runs change)
    # A text of all of them, between word and non-word neighbours: its runs casefolded are the tokens of
    # its NFKC form, as the unicode tokenizer defines them.
    text = "".join(f"{c}a{c} {c}" for c in map(chr, sorted(passed)))
    assert TOKENIZERS["unicode"].word_runs(text) == (text, "fold")
    assert recased(TOKENIZERS["aeb"](text), "fold") == _UNICODE_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())

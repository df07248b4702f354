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
    ["Plain ASCII, with_underscores and 42 numbers.", "Café déjà vu — naïve “quotes”", "STRASSE Straße", "İstanbul İzmir", "ΟΔΟΣ'Α ΣΟΦΙΑ", "東京 Tokyo", ""],
)
@pytest.mark.parametrize("name", ["unicode", "wcxb"])
def test_tokens_taken_from_the_aeb_runs_are_the_tokenizers_own(name: str, text: str) -> None:
    from cleanbench.score.tokenize import lowercased

    tokenizer = TOKENIZERS[name]
    if tokenizer.lowercases_words(text):
        assert lowercased(TOKENIZERS["aeb"](text)) == tokenizer(text)


def test_lowercasing_keeps_every_character_a_word_character_or_not() -> None:
    # What wcxb's lowercases_words rests on: apart from U+0130, lowercasing maps one character to one,
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
    from cleanbench.score.tokenize import lowercased

    wcxb = TOKENIZERS["wcxb"]
    assert not wcxb.lowercases_words(text)
    assert lowercased(TOKENIZERS["aeb"](text)) != wcxb(text)


def test_no_spaceless_script_character_below_u1100_or_in_general_punctuation() -> None:
    # What the unicode tokenizer's quick check (_maybe_spaceless) rests on, over every code point.
    import sys

    from cleanbench.score.tokenize import _SPACELESS_CHARACTER, _maybe_spaceless

    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    found = _SPACELESS_CHARACTER.findall(every)
    assert len(found) > 90_000  # Han alone has more
    assert all(map(_maybe_spaceless, found))

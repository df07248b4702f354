"""Named tokenizers: objects that turn a text into word tokens, with the attributes a signature records.

Each tokenizer has a `name` (its registry key and its `tok:` field), a `case` rule (`fold`, `lower`,
`keep`) and a `normalisation` (`NFKC` or `none`); the name pins the other two, so a signature needs
only the name and the case. Tokenizers are stateless and safe to share.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cache
from typing import ClassVar, NamedTuple

import regex

from cleanbench.errors import MetricError

# Scripts written without spaces between words: each character is a token of its own.
_SPACELESS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_UNICODE_TOKEN = regex.compile(rf"[{_SPACELESS}]|[\w--[{_SPACELESS}]]+", regex.VERSION1)
# Without a spaceless-script character in the text the pattern above is plain \w+, which runs faster.
_SPACELESS_CHARACTER = regex.compile(rf"[{_SPACELESS}]")
_UNICODE_WORD = regex.compile(r"\w+", regex.VERSION1)
# Zyte's article-extraction-benchmark scorer compiles exactly these flags (only UNICODE matters to \w).
_AEB_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"\w+")


def _maybe_spaceless(character: str) -> bool:
    """False for characters that cannot be Han, Kana or Hangul: all of those lie at U+1100 or above,
    outside General Punctuation (U+2000-U+206F: the quotes and dashes of Latin-script text)."""
    return character >= "\u1100" and not "\u2000" <= character <= "\u206f"


class WordRuns(NamedTuple):
    """A tokenizer's tokens of a text as `\\w+` runs: those of `text`, recased by `case` ("keep", "lower", "fold")."""

    text: str
    case: str


class Tokenizer(ABC):
    """A named text-to-tokens function."""

    name: ClassVar[str]
    case: ClassVar[str]
    normalisation: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def __call__(self, text: str) -> list[str]: ...

    def word_runs(self, text: str) -> WordRuns | None:
        """How this tokenizer's tokens of `text` follow from `\\w+` runs (the `aeb` tokens), if they do.

        A caller that holds the runs of `WordRuns.text` (`text`, or a normal form of it) can then skip
        tokenizing: the tokens are those runs recased by `WordRuns.case` (see `recased`).
        """
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class UnicodeTokenizer(Tokenizer):
    name = "unicode"
    case = "fold"
    normalisation = "NFKC"
    description = "NFKC, casefold, \\w+ runs; each Han, Hiragana, Katakana and Hangul character its own token"

    def word_runs(self, text: str) -> WordRuns | None:
        # Casefolding the NFKC text then splitting it with the regex module's \w gives the runs of re's
        # \w casefolded one by one, when every character folds word by word (_casefolds_word_by_word).
        # Texts in the common blocks need no normal form: NFKC changes none of their runs.
        if _outside_common_blocks().search(text) is None:
            return WordRuns(text, "fold")
        normal = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
        return WordRuns(normal, "fold") if _casefolds_word_by_word(normal) else None

    def __call__(self, text: str) -> list[str]:
        runs = self.word_runs(text)
        if runs is not None:
            return recased(_WORD.findall(runs.text), runs.case)
        folded = unicodedata.normalize("NFKC", text).casefold()
        plain = folded.isascii() or not any(map(_maybe_spaceless, set(folded))) or not _SPACELESS_CHARACTER.search(folded)
        return (_UNICODE_WORD if plain else _UNICODE_TOKEN).findall(folded)


class AebTokenizer(Tokenizer):
    name = "aeb"
    case = "keep"
    normalisation = "none"
    description = "\\w+ runs, case kept (Zyte's article-extraction-benchmark scorer)"

    def word_runs(self, text: str) -> WordRuns | None:
        return WordRuns(text, "keep")

    def __call__(self, text: str) -> list[str]:
        return _AEB_TOKEN.findall(text)


class WcxbTokenizer(Tokenizer):
    name = "wcxb"
    case = "lower"
    normalisation = "none"
    description = "\\w+ runs of the lowercased text (WCXB's scorer)"

    def word_runs(self, text: str) -> WordRuns | None:
        # Lowercasing maps one character to one and keeps whether it is \w (tests check every code
        # point), so the runs stay where they were; but İ becomes two characters, and Σ lowercases by
        # its context (final ς or σ), which a run alone does not show.
        return WordRuns(text, "lower") if "\u0130" not in text and "\u03a3" not in text else None

    def __call__(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


class WhitespaceTokenizer(Tokenizer):
    name = "whitespace"
    case = "keep"
    normalisation = "none"
    description = "str.split(): runs of white space separate tokens (ROUGE-LSum as WCEB scores it)"

    def __call__(self, text: str) -> list[str]:
        return text.split()


def recased(words: Sequence[str], case: str) -> list[str]:
    """`words` as `case` says: "keep", "lower" (`[w.lower() for w in words]`) or "fold" (`str.casefold`).

    Faster than word by word: the words are joined by spaces, recased at once and split again, which
    holds because a word's lowercase or casefold never contains a space (for the words the tokenizers
    give this: tests check every code point).
    """
    if case == "keep" or not words:
        return list(words)
    joined = " ".join(words)
    return (joined.lower() if case == "lower" else joined.casefold()).split(" ")


# Characters c for which casefold(c) is all regex-module \w when c is re's \w, all not \w when it is
# not, and holds no Han, Kana or Hangul character: in a text made of such characters the unicode
# tokenizer's tokens are re's \w+ runs casefolded one by one (casefold is context-free). Filled as
# characters are met; ASCII is known.
_FOLDS_BY_WORD: set[str] = {chr(code) for code in range(128)}
_FOLDS_OTHERWISE: set[str] = set()
# Most texts are written in the blocks below: Latin, Greek, Cyrillic, Armenian, and the punctuation,
# super- and subscripts and currency signs of General Punctuation to Currency Symbols. A text made of
# their characters that fold word by word and keep the runs under NFKC is checked in one C scan.
_COMMON_BLOCKS = (range(0x0590), range(0x2000, 0x20D0))


@cache
def _outside_common_blocks() -> re.Pattern[str]:
    """A pattern for any character other than the common blocks' that fold word by word and keep the runs under NFKC."""
    folding = [code for block in _COMMON_BLOCKS for code in block if _quick(chr(code))]
    runs = []  # consecutive code points as one range of the character class
    for code in folding:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return re.compile("[^" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in runs) + "]")


def _quick(character: str) -> bool:
    """Folds word by word, and NFKC keeps it, or it and its NFKC form are all non-word characters that fold word by word.

    NFKC works character by character in a text without combining marks or conjoining jamo (which do
    not fold word by word), so a text of such characters has the same \\w+ runs as its NFKC form.
    """
    if not _casefolds_word_by_word_alone(character):
        return False
    normal = unicodedata.normalize("NFKC", character)
    if normal == character:
        return True
    return _WORD.match(character) is None and all(_WORD.match(part) is None and _casefolds_word_by_word_alone(part) for part in normal)


def _casefolds_word_by_word_alone(character: str) -> bool:
    folded = character.casefold()
    word = _WORD.match(character) is not None
    return not _SPACELESS_CHARACTER.search(folded) and all((_UNICODE_WORD.match(part) is not None) == word for part in folded)


def _casefolds_word_by_word(text: str) -> bool:
    if _outside_common_blocks().search(text) is None:  # one scan in C, no set of the text's characters
        return True
    characters = set(text)
    if characters <= _FOLDS_BY_WORD:
        return True
    for character in characters - _FOLDS_BY_WORD:
        if character in _FOLDS_OTHERWISE:
            return False
        if not _casefolds_word_by_word_alone(character):
            _FOLDS_OTHERWISE.add(character)
            return False
        _FOLDS_BY_WORD.add(character)
    return True


TOKENIZERS: dict[str, Tokenizer] = {t.name: t for t in (UnicodeTokenizer(), AebTokenizer(), WcxbTokenizer(), WhitespaceTokenizer())}


def get_tokenizer(name: str) -> Tokenizer:
    """The tokenizer registered under `name`; a MetricError with the closest names otherwise."""
    found = TOKENIZERS.get(name)
    if found is None:
        close = difflib.get_close_matches(name, TOKENIZERS, n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise MetricError(f"unknown tokenizer {name!r} (known: {', '.join(TOKENIZERS)}){hint}")
    return found

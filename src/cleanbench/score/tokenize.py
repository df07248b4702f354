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
from typing import ClassVar

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


class Tokenizer(ABC):
    """A named text-to-tokens function."""

    name: ClassVar[str]
    case: ClassVar[str]
    normalisation: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def __call__(self, text: str) -> list[str]: ...

    def case_of_words(self, text: str) -> str | None:
        """How this tokenizer's tokens of `text` follow from the text's `\\w+` runs (the `aeb` tokens).

        "keep": they are the runs; "lower" / "fold": each run lowercased / casefolded (see `recased`);
        None: they do not follow. A caller that holds the runs can then skip tokenizing.
        """
        return None

    def lines(self, text: str) -> list[list[str]]:
        """The tokens of each non-empty line ("\\n"-separated), as ROUGE-LSum reads sentences."""
        return [self(line) for line in text.split("\n") if line]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class UnicodeTokenizer(Tokenizer):
    name = "unicode"
    case = "fold"
    normalisation = "NFKC"
    description = "NFKC, casefold, \\w+ runs; each Han, Hiragana, Katakana and Hangul character its own token"

    def case_of_words(self, text: str) -> str | None:
        # NFKC would change nothing, and casefolding the whole text then splitting it with the regex
        # module's \w gives the runs of re's \w casefolded one by one (_casefolds_word_by_word).
        return "fold" if unicodedata.is_normalized("NFKC", text) and _casefolds_word_by_word(text) else None

    def __call__(self, text: str) -> list[str]:
        normal = unicodedata.normalize("NFKC", text)
        if _casefolds_word_by_word(normal):
            return recased(_WORD.findall(normal), "fold")
        folded = normal.casefold()
        plain = folded.isascii() or not any(map(_maybe_spaceless, set(folded))) or not _SPACELESS_CHARACTER.search(folded)
        return (_UNICODE_WORD if plain else _UNICODE_TOKEN).findall(folded)


class AebTokenizer(Tokenizer):
    name = "aeb"
    case = "keep"
    normalisation = "none"
    description = "\\w+ runs, case kept (Zyte's article-extraction-benchmark scorer)"

    def case_of_words(self, text: str) -> str | None:
        return "keep"

    def __call__(self, text: str) -> list[str]:
        return _AEB_TOKEN.findall(text)


class WcxbTokenizer(Tokenizer):
    name = "wcxb"
    case = "lower"
    normalisation = "none"
    description = "\\w+ runs of the lowercased text (WCXB's scorer)"

    def case_of_words(self, text: str) -> str | None:
        # Lowercasing maps one character to one and keeps whether it is \w (tests check every code
        # point), so the runs stay where they were; but İ becomes two characters, and Σ lowercases by
        # its context (final ς or σ), which a run alone does not show.
        return "lower" if "\u0130" not in text and "\u03a3" not in text else None

    def __call__(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


class WhitespaceTokenizer(Tokenizer):
    name = "whitespace"
    case = "keep"
    normalisation = "none"
    description = "str.split(): runs of white space separate tokens (ROUGE-LSum as WCEB scores it)"

    def __call__(self, text: str) -> list[str]:
        return text.split()

    def lines(self, text: str) -> list[list[str]]:
        return list(map(str.split, filter(None, text.split("\n"))))


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


def _casefolds_word_by_word(text: str) -> bool:
    characters = set(text)
    if characters <= _FOLDS_BY_WORD:
        return True
    for character in characters - _FOLDS_BY_WORD:
        if character in _FOLDS_OTHERWISE:
            return False
        folded = character.casefold()
        word = _WORD.match(character) is not None
        if _SPACELESS_CHARACTER.search(folded) or any((_UNICODE_WORD.match(part) is not None) != word for part in folded):
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

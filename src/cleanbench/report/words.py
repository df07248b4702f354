"""The `unicode` tokenizer's tokens of a text, each with the span of original text it came from.

The report marks words in the original text, so it needs the scorer's exact token sequence (the
`words`, `leak:<label>` and `duplication` metrics read `UNICODE(text)`) and where each token stands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import regex

from cleanbench.score.tokenize import get_tokenizer

UNICODE = get_tokenizer("unicode")
# The scripts the `unicode` tokenizer splits into single characters.
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_HALFWIDTH_SOUND_MARKS = "\uff9e\uff9f"
_PIECE = re.compile(r"cm*|[wm]+")
_WORD = re.compile(r"\w+")
_BMP = 0x10000


@dataclass(frozen=True)
class Tokens:
    """A text's tokens (`words`) and the original character span of each (`starts`, `ends`: int64 arrays).

    Tokens from one piece of text that normalises to several (a ligature, a squared word) share its span.
    """

    words: list[str]
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def tokens(text: str) -> Tokens:
    """The `unicode` tokenizer's tokens of `text` (the sequence equals `UNICODE(text)`) with their spans.

    Most texts need no normal form and fold word by word: their tokens are their `\\w+` runs casefolded
    (`Tokenizer.word_runs`), at the runs' own offsets. Otherwise the tokenizer normalises the text
    (NFKC), which moves offsets; then each line where it does (no token spans a line break) is read
    piece by piece (one spaceless-script character with its following marks, or a run of other word
    characters), so that every token maps back to original offsets.
    """
    runs = _word_runs(text)
    if _plain(text):
        return runs
    words: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    done = 0  # runs before this index are placed
    for start, end in _lines_to_read(text):
        first, last = np.searchsorted(runs.starts, [start, end])
        found = _piecewise(text[start:end])
        words += runs.words[done:first] + found.words
        starts += [runs.starts[done:first], found.starts + start]
        ends += [runs.ends[done:first], found.ends + start]
        done = last
    words += runs.words[done:]
    return Tokens(words, np.concatenate([*starts, runs.starts[done:]]), np.concatenate([*ends, runs.ends[done:]]))


def _plain(text: str) -> bool:
    """True when the tokens of `text` are its own `\\w+` runs casefolded."""
    runs = UNICODE.word_runs(text)
    return runs is not None and runs.text == text


def _lines_to_read(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of the lines of `text` that are not `_plain` (an ASCII line always is)."""
    spans = []
    start = 0
    for line in text.split("\n"):
        if not line.isascii() and not _plain(line):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _word_runs(text: str) -> Tokens:
    """The `\\w+` runs of `text` casefolded, with their offsets (re's \\w is a property of each character).

    The runs come from a mask of word characters; the words, from the text with every other character
    made a space, split (a word character is never white space): in C, faster than a regex.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = np.zeros(len(codes), dtype=bool)
    plane = codes < _BMP
    word[plane] = _bmp_words()[codes[plane]]
    if not plane.all():
        others, where = np.unique(codes[~plane], return_inverse=True)
        word[~plane] = np.array([_WORD.match(chr(code)) is not None for code in others.tolist()])[where]
    edges = np.diff(word.astype(np.int8), prepend=0, append=0)
    spaced = np.where(word, codes, 0x20).astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    # Casefolding is character by character and makes no white space (see `recased`): fold, then split.
    return Tokens(spaced.casefold().split(), np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))


@cache
def _bmp_words() -> np.ndarray:
    """For every code point of the Basic Multilingual Plane, whether re's \\w matches it."""
    word = np.zeros(_BMP, dtype=bool)
    for match in _WORD.finditer("".join(map(chr, range(_BMP)))):
        word[match.start() : match.end()] = True
    return word


@lru_cache(maxsize=8192)
def _char_class(char: str) -> str:
    """`c` a spaceless-script character, `m` a mark that stays with the character before it, `w` another
    character the tokenizer keeps in words, a space for everything else."""
    if _SPACELESS.match(char):
        return "c"
    if unicodedata.combining(char) or char in _HALFWIDTH_SOUND_MARKS:
        return "m"
    return "w" if UNICODE(char) else " "


def _piecewise(text: str) -> Tokens:
    classes = text.translate({ord(char): _char_class(char) for char in set(text)})
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for piece in _PIECE.finditer(classes):
        start, end = piece.span()
        found = _piece_words(text[start:end])
        words += found
        starts += [start] * len(found)
        ends += [end] * len(found)
    return Tokens(words, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


@lru_cache(maxsize=1 << 16)
def _piece_words(piece: str) -> tuple[str, ...]:
    # ASCII word characters need no normalisation, and casefold is lower for them.
    return (piece.lower(),) if piece.isascii() else tuple(UNICODE(piece))

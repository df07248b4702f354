"""Word marks for the per-page report: what a prediction misses, leaks, duplicates and adds.

The marks follow DESIGN.md's definitions on word tokens that keep their character offsets, so the
report shows the original text with spans marked:
- gold side: `missing` = gold word occurrences beyond their count in the prediction (what recall loses);
- prediction side: `extra` = prediction word occurrences beyond their count in the gold (what precision
  loses); `leak` = words covered by a prediction 3-gram that is one of a noise label's 3-grams and not a
  gold 3-gram (the `leak:<label>` numerator); `duplicate` = words covered by a prediction 5-gram occurrence
  beyond that 5-gram's count in the gold (the `duplication` numerator).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

import regex

from cleanbench.gold.schema import NOISE_LABELS, GoldPage, NoiseSpan
from cleanbench.score.tokenize import get_tokenizer

LEAK_N = 3
DUPLICATE_N = 5
UNICODE = get_tokenizer("unicode")
# The scripts the `unicode` tokenizer splits into single characters.
_SPACELESS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_HALFWIDTH_SOUND_MARKS = "\uff9e\uff9f"


class Token(NamedTuple):
    """A normalised word and the span of original text it came from."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=8192)
def _char_class(char: str) -> str:
    """`c` a spaceless-script character, `m` a mark that stays with the character before it, `w` another
    character the tokenizer keeps in words, a space for everything else."""
    if _SPACELESS.match(char):
        return "c"
    if unicodedata.combining(char) or char in _HALFWIDTH_SOUND_MARKS:
        return "m"
    return "w" if UNICODE(char) else " "


_PIECE = re.compile(r"cm*|[wm]+")


def tokens(text: str) -> list[Token]:
    """The `unicode` tokenizer's tokens of `text`, each with the original character span it came from.

    The tokenizer normalises the whole text (NFKC), which moves offsets; here it runs piece by piece
    (one spaceless-script character with its following marks, or a run of other word characters), so
    every token maps back to original offsets; tokens from one piece share its span. The token
    sequence equals `UNICODE(text)` (tested on the bundled fixtures).
    """
    classes = text.translate({ord(char): _char_class(char) for char in set(text)})
    out: list[Token] = []
    for piece in _PIECE.finditer(classes):
        start, end = piece.span()
        words = text[start:end]
        # ASCII word characters need no normalisation, and casefold is lower for them.
        out.extend(Token(word, start, end) for word in ([words.lower()] if words.isascii() else UNICODE(words)))
    return out


@lru_cache(maxsize=256)
def _cached_tokens(text: str) -> tuple[Token, ...]:
    """Tokens of a gold text or noise span, read once per extractor on the same page."""
    return tuple(tokens(text))


def _grams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


@dataclass(frozen=True)
class LeakCount:
    """One noise label on one page: its countable 3-grams and how many of them the prediction holds."""

    label: str
    found: int
    total: int

    @property
    def value(self) -> float:
        return self.found / self.total


@dataclass(frozen=True)
class PageMarks:
    """Marks and counts for one (page, prediction) pair. Mark sets are indexed like the token lists."""

    gold_tokens: tuple[Token, ...]
    prediction_tokens: tuple[Token, ...]
    missing: frozenset[int]  # gold token indexes
    extra: frozenset[int]  # prediction token indexes
    duplicate: frozenset[int]  # prediction token indexes
    leak: Mapping[int, tuple[str, ...]]  # prediction token index -> noise labels, vocabulary order
    leaks: tuple[LeakCount, ...]  # per label present on the page (with countable 3-grams)
    duplicate_grams: int  # prediction 5-gram occurrences beyond their gold count
    prediction_grams: int  # prediction 5-gram occurrences
    has_gold_text: bool

    @property
    def overlap(self) -> int:
        return len(self.gold_tokens) - len(self.missing)

    @property
    def precision(self) -> float | None:
        if not self.has_gold_text:
            return None
        if not self.prediction_tokens:
            return 1.0 if not self.gold_tokens else 0.0
        return self.overlap / len(self.prediction_tokens)

    @property
    def recall(self) -> float | None:
        if not self.has_gold_text:
            return None
        if not self.gold_tokens:
            return 1.0 if not self.prediction_tokens else 0.0
        return self.overlap / len(self.gold_tokens)

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None:
            return None
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    @property
    def duplication(self) -> float:
        return self.duplicate_grams / self.prediction_grams if self.prediction_grams else 0.0


def _unmatched(gold: Sequence[str], prediction: Sequence[str]) -> tuple[frozenset[int], frozenset[int]]:
    """(missing gold indexes, extra prediction indexes) of the multiset overlap, placed where a reader expects.

    Occurrences in the blocks `difflib` aligns match first; the rest match as a multiset, earlier first.
    Either way each word matches min(gold count, prediction count) times, so the marks count exactly what
    the `words` metric's recall and precision lose.
    """
    matcher = SequenceMatcher(None, gold, prediction, autojunk=True)
    gold_left, prediction_left = set(range(len(gold))), set(range(len(prediction)))
    for block in matcher.get_matching_blocks():
        gold_left.difference_update(range(block.a, block.a + block.size))
        prediction_left.difference_update(range(block.b, block.b + block.size))
    # Among the words left over, each matches min(left in gold, left in prediction) times.
    matched = Counter(gold[index] for index in gold_left) & Counter(prediction[index] for index in prediction_left)
    return _beyond(gold, gold_left, matched), _beyond(prediction, prediction_left, matched)


def _beyond(words: Sequence[str], indexes: Iterable[int], allowed: Counter[str]) -> frozenset[int]:
    """The `indexes` whose word occurs, in index order, beyond its `allowed` count."""
    left = Counter(allowed)
    out = set()
    for index in sorted(indexes):
        if left[words[index]] > 0:
            left[words[index]] -= 1
        else:
            out.add(index)
    return frozenset(out)


def _noise_grams(noise: Sequence[NoiseSpan], *, gold: set[tuple[str, ...]]) -> dict[str, set[tuple[str, ...]]]:
    """Per label, the set of 3-grams of its spans (each span on its own) minus the gold's 3-grams."""
    grams: dict[str, set[tuple[str, ...]]] = {}
    for span in noise:
        words = [token.text for token in _cached_tokens(span.text)]
        grams.setdefault(span.label, set()).update(_grams(words, LEAK_N))
    ordered = [label for label in NOISE_LABELS if label in grams] + sorted(set(grams) - set(NOISE_LABELS))
    return {label: grams[label] - gold for label in ordered}


def mark_page(page: GoldPage, prediction_text: str) -> PageMarks:
    """The marks of `prediction_text` (what the scorers see: empty for a failed extraction) against `page`."""
    gold_tokens = _cached_tokens(page.gold_text or "")
    prediction_tokens = tokens(prediction_text)
    gold_words = [token.text for token in gold_tokens]
    words = [token.text for token in prediction_tokens]
    has_gold_text = page.gold_text is not None

    noise = _noise_grams(page.noise, gold=set(_grams(gold_words, LEAK_N)))
    leak: dict[int, list[str]] = {}
    found: dict[str, set[tuple[str, ...]]] = {label: set() for label in noise}
    for start, gram in enumerate(_grams(words, LEAK_N)):
        for label, grams in noise.items():
            if gram in grams:
                found[label].add(gram)
                for index in range(start, start + LEAK_N):
                    labels = leak.setdefault(index, [])
                    if label not in labels:
                        labels.append(label)

    gold_counts = Counter(_grams(gold_words, DUPLICATE_N))
    seen: Counter[tuple[str, ...]] = Counter()
    duplicate: set[int] = set()
    duplicate_grams = 0
    prediction_grams = _grams(words, DUPLICATE_N)
    for start, gram in enumerate(prediction_grams):
        if gram not in gold_counts:
            continue
        seen[gram] += 1
        if seen[gram] > gold_counts[gram]:
            duplicate_grams += 1
            duplicate.update(range(start, start + DUPLICATE_N))

    missing, extra = _unmatched(gold_words, words)
    return PageMarks(
        gold_tokens=gold_tokens,
        prediction_tokens=tuple(prediction_tokens),
        missing=missing,
        extra=extra if has_gold_text else frozenset(),
        duplicate=frozenset(duplicate),
        leak={index: tuple(labels) for index, labels in sorted(leak.items())},
        leaks=tuple(LeakCount(label, len(found[label]), len(grams)) for label, grams in noise.items() if grams),
        duplicate_grams=duplicate_grams,
        prediction_grams=len(prediction_grams),
        has_gold_text=has_gold_text,
    )

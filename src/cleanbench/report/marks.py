"""Word marks for the per-page report: what a prediction misses, leaks, duplicates and adds.

The marks follow DESIGN.md's definitions on the `unicode` tokens of both texts (`report.words`), so
the report shows the original text with words marked:
- gold side: `missing` = gold word occurrences beyond their count in the prediction (what recall loses);
- prediction side: `extra` = prediction word occurrences beyond their count in the gold (what precision
  loses); `leak` = words covered by a prediction 3-gram that is one of a noise label's 3-grams and not a
  gold 3-gram (the `leak:<label>` numerator counts those 3-grams); `duplicate` = words covered by a
  prediction 5-gram occurrence beyond that 5-gram's count in the gold (the `duplication` numerator
  counts those occurrences).
Which occurrences of a repeated word are missing or extra follows an alignment (`report.align`).

Words are integers here: a page's gold and noise words get ids once (`PageWords`), each prediction is
read through them, and an n-gram is one integer (the ids as digits), so that marking a prediction
costs a few numpy passes, not a Python step per word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.report.align import Alignment, align, occurrence_ranks
from cleanbench.report.words import Tokens, tokens

LEAK_N = 3
DUPLICATE_N = 5
COPY_MIN = 30  # words: a shorter stretch of a prediction that repeats the gold is not a `Copy`


class Copy(NamedTuple):
    """A stretch of a prediction that repeats the gold word for word: its first and last prediction
    token, and whether the text between them is the gold's to the character (else to the white space)."""

    first: int
    last: int
    exact: bool


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
    """Marks and counts for one (page, prediction) pair. Masks are boolean arrays, one entry per token."""

    gold: Tokens
    prediction: Tokens
    missing: np.ndarray  # per gold token
    extra: np.ndarray  # per prediction token; none when the page has no gold text
    duplicate: np.ndarray  # per prediction token
    leak: Mapping[str, np.ndarray]  # per label of `leaks`, in vocabulary order: per prediction token
    leaks: tuple[LeakCount, ...]  # per label on the page with countable 3-grams
    copies: tuple[Copy, ...]  # unmarked stretches of COPY_MIN words or more, on the LCS, as the gold reads
    duplicate_grams: int  # prediction 5-gram occurrences beyond their gold count
    prediction_grams: int  # prediction 5-gram occurrences
    has_gold_text: bool

    @property
    def overlap(self) -> int:
        return len(self.gold) - int(self.missing.sum())

    @property
    def precision(self) -> float | None:
        if not self.has_gold_text:
            return None
        if not len(self.prediction):
            return 1.0 if not len(self.gold) else 0.0
        return self.overlap / len(self.prediction)

    @property
    def recall(self) -> float | None:
        if not self.has_gold_text:
            return None
        if not len(self.gold):
            return 1.0 if not len(self.prediction) else 0.0
        return self.overlap / len(self.gold)

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None:
            return None
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    @property
    def duplication(self) -> float:
        return self.duplicate_grams / self.prediction_grams if self.prediction_grams else 0.0


class PageWords:
    """A gold page read once for all its predictions: its tokens, word ids, gold 5-grams and countable noise 3-grams.

    Gold words get ids 0..G-1, words only in noise spans G..V-1, and every other word the id V: a
    prediction word neither text holds matches nothing, and an n-gram holding it matches no n-gram.
    """

    def __init__(self, page: GoldPage) -> None:
        self.page = page
        self.gold = tokens(page.gold_text or "")
        self._vocabulary: dict[str, int] = {}
        self._gold_ids = self._ids(self.gold.words, grow=True)
        self._gold_types = len(self._vocabulary)
        spans = [(span.label, self._ids(tokens(span.text).words, grow=True)) for span in page.noise]
        self._types = len(self._vocabulary) + 1
        self._gold_grams, self._gold_counts = np.unique(self._duplicate_keys(self._gold_ids), return_counts=True)
        gold_leak_grams = _keys(self._gold_ids, n=LEAK_N, base=self._types)
        # Per label, the 3-grams of its spans (each span on its own) that are not gold 3-grams.
        self._noise: dict[str, np.ndarray] = {}
        for label in NOISE_LABELS:
            grams = [_keys(ids, n=LEAK_N, base=self._types) for name, ids in spans if name == label]
            countable = np.setdiff1d(np.concatenate(grams), gold_leak_grams) if grams else gold_leak_grams[:0]
            if len(countable):
                self._noise[label] = countable

    def _ids(self, words: list[str], *, grow: bool = False) -> np.ndarray:
        """Word ids of `words`; with `grow`, new words get new ids, else they all get the unknown id."""
        if grow:
            for word in dict.fromkeys(words):
                self._vocabulary.setdefault(word, len(self._vocabulary))
        return np.fromiter(map(self._vocabulary.get, words, repeat(len(self._vocabulary))), dtype=np.int64, count=len(words))

    def _duplicate_keys(self, ids: np.ndarray) -> np.ndarray:
        """5-gram keys over gold ids only: a word outside the gold is one id, G (no such 5-gram is a gold one)."""
        return _keys(np.minimum(ids, self._gold_types), n=DUPLICATE_N, base=self._gold_types + 1)

    def mark(self, prediction_text: str) -> PageMarks:
        """The marks of `prediction_text` (what the scorers see: empty for a failed extraction) against the page."""
        prediction = tokens(prediction_text)
        ids = self._ids(prediction.words)
        has_gold_text = self.page.gold_text is not None

        leak: dict[str, np.ndarray] = {}
        leaks: list[LeakCount] = []
        grams = _keys(ids, n=LEAK_N, base=self._types)
        for label, countable in self._noise.items():
            hit = np.isin(grams, countable)
            leak[label] = _covered(hit, n=LEAK_N, length=len(prediction))
            leaks.append(LeakCount(label, len(np.unique(grams[hit])), len(countable)))

        grams = self._duplicate_keys(ids)
        where = np.searchsorted(self._gold_grams, grams)
        found = where < len(self._gold_grams)
        found[found] = self._gold_grams[where[found]] == grams[found]
        at = np.flatnonzero(found)  # only gold 5-grams can repeat the gold
        beyond = np.zeros(len(grams), dtype=bool)
        beyond[at[occurrence_ranks(grams[at]) >= self._gold_counts[where[at]]]] = True

        alignment = align(self._gold_ids, prediction=ids, types=self._types)
        duplicate = _covered(beyond, n=DUPLICATE_N, length=len(prediction))
        marked = duplicate | np.logical_or.reduce([*leak.values()], initial=False)
        return PageMarks(
            gold=self.gold,
            prediction=prediction,
            missing=alignment.missing,
            extra=alignment.extra if has_gold_text else np.zeros(len(prediction), dtype=bool),
            duplicate=duplicate,
            leak=leak,
            leaks=tuple(leaks),
            copies=self._copies(alignment, prediction=prediction, text=prediction_text, marked=marked),
            duplicate_grams=int(beyond.sum()),
            prediction_grams=len(grams),
            has_gold_text=has_gold_text,
        )

    def _copies(self, alignment: Alignment, *, prediction: Tokens, text: str, marked: np.ndarray) -> tuple[Copy, ...]:
        """Runs of LCS pairs, consecutive on both sides, of unmarked words, whose texts are the same but for white space."""
        unmarked = ~marked[alignment.prediction_at]
        gold_at, prediction_at = alignment.gold_at[unmarked], alignment.prediction_at[unmarked]
        cuts = np.flatnonzero((np.diff(gold_at) != 1) | (np.diff(prediction_at) != 1)) + 1
        firsts, lasts = np.concatenate(([0], cuts)), np.concatenate((cuts, [len(gold_at)])) - 1
        long = lasts - firsts + 1 >= COPY_MIN
        copies = []
        gold_text = self.page.gold_text or ""
        for first, last in zip(firsts[long].tolist(), lasts[long].tolist(), strict=True):
            mine = text[prediction.starts[prediction_at[first]] : prediction.ends[prediction_at[last]]]
            theirs = gold_text[self.gold.starts[gold_at[first]] : self.gold.ends[gold_at[last]]]
            exact = mine == theirs
            if exact or mine.split() == theirs.split():
                copies.append(Copy(int(prediction_at[first]), int(prediction_at[last]), exact))
        return tuple(copies)


def _keys(ids: np.ndarray, *, n: int, base: int) -> np.ndarray:
    """Each n-gram of `ids` (each below `base`) as one value: the ids as base-`base` digits of an int64
    while base**n fits, else the n ids as raw bytes (compared whole: equal keys are equal n-grams)."""
    windows = sliding_window_view(ids, n) if len(ids) >= n else np.zeros((0, n), dtype=np.int64)
    if base**n >= 2**63:
        return np.ascontiguousarray(windows).view(f"V{8 * n}").ravel()
    keys = windows[:, 0].copy()
    for column in range(1, n):
        keys = keys * base + windows[:, column]
    return keys


def _covered(starts: np.ndarray, *, n: int, length: int) -> np.ndarray:
    """A mask of the `length` words covered by the n-grams whose start positions `starts` marks."""
    depth = np.zeros(length + 1, dtype=np.int64)
    at = np.flatnonzero(starts)
    depth[at] += 1
    depth[at + n] -= 1
    return np.cumsum(depth[:length]) > 0

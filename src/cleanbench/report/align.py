"""Which word occurrences of a gold text and a prediction are left unmatched, placed along a longest common subsequence.

The counts follow the `words` metric: each word matches min(its gold count, its prediction count) times,
so `missing` holds exactly the occurrences recall loses and `extra` those precision loses. Where they
lie follows an alignment: occurrences on one longest common subsequence (LCS) of the two word sequences
match first (rapidfuzz's, bit-parallel in C, on the words as integers: exact, no string hashes), and
the words left over match as a multiset, earlier occurrences first (a paragraph the prediction moved
still matches, and its words are not marked).

Words that only one side holds can never be on an LCS, so they are dropped before aligning: an LCS of
what is left is an LCS of the whole. rapidfuzz keeps a bit matrix of (gold words) x (prediction words)
to trace the LCS back; a pair over `MOST_CELLS` cells is aligned in bands instead (the gold and the
prediction cut into as many equal pieces, piece i against piece i), which bounds memory and time and
only moves marks, never changes their counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

MOST_CELLS = 1 << 30  # a 128 MiB bit matrix
MOST_SYMBOLS = 0x110000 - 0x800 - 1  # distinct words a str can hold, one code point each (surrogates skipped)


@dataclass(frozen=True)
class Alignment:
    """A gold text's and a prediction's words aligned: the pairs on an LCS, and the words left unmatched."""

    gold_at: np.ndarray  # gold positions of the LCS pairs, increasing
    prediction_at: np.ndarray  # their prediction positions, increasing
    missing: np.ndarray  # mask of gold words the prediction lacks (or has fewer times)
    extra: np.ndarray  # mask of prediction words the gold lacks (or has fewer times)


def align(gold: np.ndarray, *, prediction: np.ndarray, types: int) -> Alignment:
    """The alignment of two texts' words, given as ids below `types`."""
    gold_left, prediction_left = np.ones(len(gold), dtype=bool), np.ones(len(prediction), dtype=bool)
    gold_at, prediction_at = _lcs(gold, prediction=prediction, types=types)
    gold_at, prediction_at = _slid(gold_at, prediction_at=prediction_at, gold=gold, prediction=prediction)
    gold_left[gold_at] = prediction_left[prediction_at] = False
    # Among the words left over, each matches min(left in gold, left in prediction) times.
    allowed = np.minimum(np.bincount(gold[gold_left], minlength=types), np.bincount(prediction[prediction_left], minlength=types))
    missing, extra = _beyond(gold, left=gold_left, allowed=allowed), _beyond(prediction, left=prediction_left, allowed=allowed)
    return Alignment(gold_at, prediction_at, missing, extra)


def occurrence_ranks(values: np.ndarray) -> np.ndarray:
    """For each value, how many equal values come before it (0 for a first occurrence)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values)) - np.searchsorted(ordered, ordered)
    return ranks


def _lcs(gold: np.ndarray, *, prediction: np.ndarray, types: int) -> tuple[np.ndarray, np.ndarray]:
    """The gold and prediction positions of the pairs on an LCS of two sequences of word ids (below `types`)."""
    shared = (np.bincount(gold, minlength=types) > 0) & (np.bincount(prediction, minlength=types) > 0)
    symbol = np.cumsum(shared) * shared  # words on both sides as 1, 2, ...; the others 0, dropped
    gold_at, prediction_at = np.flatnonzero(symbol[gold]), np.flatnonzero(symbol[prediction])
    # rapidfuzz reads a str fastest (a list, it hashes item by item); more symbols than code points take lists.
    as_text = int(shared.sum()) <= MOST_SYMBOLS
    bands = _bands(len(gold_at) * len(prediction_at))
    gold_cuts = np.linspace(0, len(gold_at), bands + 1).astype(int)
    prediction_cuts = np.linspace(0, len(prediction_at), bands + 1).astype(int)
    gold_pairs, prediction_pairs = [gold_at[:0]], [prediction_at[:0]]
    for band in range(bands):
        gold_band = gold_at[gold_cuts[band] : gold_cuts[band + 1]]
        prediction_band = prediction_at[prediction_cuts[band] : prediction_cuts[band + 1]]
        first, second = symbol[gold[gold_band]], symbol[prediction[prediction_band]]
        opcodes = Indel.opcodes(*((_text(first), _text(second)) if as_text else (first.tolist(), second.tolist()))).as_list()
        blocks = np.array([opcode[1:4] for opcode in opcodes if opcode[0] == "equal"], dtype=np.int64).reshape(-1, 3)
        gold_pairs.append(gold_band[_ranges(blocks[:, 0], ends=blocks[:, 1])])
        prediction_pairs.append(prediction_band[_ranges(blocks[:, 2], ends=blocks[:, 2] + blocks[:, 1] - blocks[:, 0])])
    return np.concatenate(gold_pairs), np.concatenate(prediction_pairs)


def _text(symbols: np.ndarray) -> str:
    """Symbols from 1 to MOST_SYMBOLS as a str of one code point each, the surrogates skipped."""
    codes = symbols + 0x800 * (symbols >= 0xD800)
    return codes.astype("<u4").tobytes().decode("utf-32-le")


def _ranges(starts: np.ndarray, *, ends: np.ndarray) -> np.ndarray:
    """The concatenation of range(start, end) for each pair (ends > starts)."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return np.arange(int(lengths.sum())) + offsets


def _slid(gold_at: np.ndarray, *, prediction_at: np.ndarray, gold: np.ndarray, prediction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The LCS pairs, each pair that is next to the following pair on one side only moved next to it on the other
    side too, where the same word stands there: still an LCS, in fewer and longer runs.

    rapidfuzz traces its LCS back from the ends, matching a repeated word at its earliest place: gold
    "a b a c" against "a c" matches the first "a", and a prediction's "the" in a menu takes the match from
    the "the" of the body that follows it. Moving such a match next to the following one marks the
    unmatched copy instead, where a reader expects it.
    """
    gold_at, prediction_at = gold_at.copy(), prediction_at.copy()
    for moving, fixed, words in ((prediction_at, gold_at, prediction), (gold_at, prediction_at, gold)):
        after = moving[1:] - 1  # the place next to the following pair
        move = np.flatnonzero((fixed[1:] - fixed[:-1] == 1) & (after > moving[:-1]))
        move = move[words[after[move]] == words[moving[move]]]
        moving[move] = after[move]
    return gold_at, prediction_at


def _bands(cells: int) -> int:
    """How many bands keep each band under MOST_CELLS (a band's cells shrink with the square of the bands)."""
    bands = 1
    while cells > MOST_CELLS * bands * bands:
        bands += 1
    return bands


def _beyond(ids: np.ndarray, *, left: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """A mask of the positions in `left` whose word occurs there, in position order, beyond its `allowed` count."""
    beyond = left & (allowed[ids] == 0)  # most words left over match nothing: no need to count their occurrences
    counted = np.flatnonzero(left & ~beyond)
    beyond[counted[occurrence_ranks(ids[counted]) >= allowed[ids[counted]]]] = True
    return beyond

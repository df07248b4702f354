"""ROUGE-LSum's summary-level LCS hit count, exactly as the `rouge-score` package counts it, but fast.

rouge-score (`rouge_scorer._summary_level_lcs`) takes, for each gold line, the union of the gold
positions on one longest common subsequence (LCS) with every predicted line, then counts the union's
tokens in gold order, each token only while both texts still have an unused copy of it (which comes
to: each token counts min(its copies in all unions, its copies in the prediction)). Which LCS its
backtracking picks changes the union (gold "a b" against predicted "b a" gives "a", not "b"), so an
arbitrary LCS alignment (rapidfuzz's, for one) does not reproduce its numbers. Its rule, walking back
from the ends of gold line r and predicted line c: equal last tokens match; else drop c's last token
when that keeps the LCS of the prefixes strictly above the one without r's last token; else drop r's.

Each distinct predicted token is first written as one character (a code point in order of first
appearance), so that a line is a str that rapidfuzz, sets and numpy handle in C; gold tokens absent
from the prediction match nothing and are dropped from the gold lines. The LCS table of one gold line
against all predicted lines at once is held as bit-parallel rows (Hyyrö's LCS bit vectors, one Python
integer per gold token, the predicted lines laid end to end with a guard bit between them to stop
carries), and the backtracking rule runs on all predicted lines at once with a few integer operations
per gold token. Gold lines that need no backtracking are picked out first: those found as a run of
one predicted line, and (by rapidfuzz's LCS lengths) those that a predicted line holds as a subsequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from cleanbench.errors import MetricError
from cleanbench.score.distinct import distinct

_REVERSED_BYTE = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
_REVERSED_BITS = np.frombuffer(_REVERSED_BYTE, dtype=np.uint8)
_GUARD = "\x00"  # between the predicted lines laid end to end
# Each distinct predicted token is written as one character, so that a line is a str: rapidfuzz, sets
# and counting then work on whole lines in C. "\n" ends a line; "\x00" stands for a gold token that
# the prediction lacks; the other code points are tokens (surrogates skipped).
_LINE_END, _ABSENT = "\n", "\x00"
_MOST_SYMBOLS = 0x110000 - 2 - 0x800
_MASK_BLOCK_BYTES = 1 << 24  # the byte table that token masks are built in, at most (a page's masks may be more)


class LcsHits(NamedTuple):
    """rouge-score's summary-level LCS hits of a prediction, and both texts' token counts."""

    hits: int
    gold: int
    predicted: int


def summary_lcs_hits(gold: str, prediction: str) -> LcsHits:
    """rouge-score's summary-level LCS hits: "\n"-separated lines as sentences, `str.split()` tokens."""
    # Both texts' tokens in one split each, a separator token (a character neither text holds) in
    # place of each line break; then every token as its symbol, and lines again by splitting on "\n".
    separator = _unused_character(gold, prediction)
    predicted = prediction.replace("\n", f" {separator} ").split()
    _, ids = distinct([separator, *predicted, *gold.replace("\n", f" {separator} ").split()])
    # Type 0 is the separator; the prediction's other types come next; a type first met in the gold is absent.
    known = int(ids[: len(predicted) + 1].max()) + 1
    if known - 1 > _MOST_SYMBOLS:
        raise MetricError(f"rouge-lsum: the prediction has {known - 1:,} distinct tokens, more than the {_MOST_SYMBOLS:,} it can score")
    codes = ids + (ids >= 0x0A) + 0x800 * (ids >= 0xD7FF)  # type k > 0 as the k-th symbol code point
    codes[ids == 0] = ord(_LINE_END)
    codes[ids >= known] = ord(_ABSENT)
    pred_symbols, gold_symbols = _text(codes[1 : len(predicted) + 1]), _text(codes[len(predicted) + 1 :])
    counts = LcsHits(0, len(gold_symbols) - gold_symbols.count(_LINE_END), len(pred_symbols) - pred_symbols.count(_LINE_END))
    if not counts.gold or not counts.predicted:
        return counts
    pred_lines = list(filter(None, pred_symbols.split(_LINE_END)))
    # The union of each gold line, as symbols. A gold line that a predicted line holds whole (as a run
    # of it, or as a subsequence: rapidfuzz's LCS length says), once its tokens absent from the
    # prediction are dropped, is its own union whatever the LCS choice; the others need rouge-score's
    # backtracking.
    pred_joined = _LINE_END.join(pred_lines)
    union: list[str] = []
    open_lines = []
    for line in gold_symbols.split(_LINE_END):
        present = line.replace(_ABSENT, "") if _ABSENT in line else line  # absent tokens match nothing
        if present in pred_joined:  # in one predicted line: "\n" is in no gold line
            union.append(present)
        else:
            open_lines.append(present)
    if open_lines:
        longest = process.cdist(open_lines, pred_lines, scorer=LCSseq.similarity, dtype="int32").max(axis=1).tolist()
        backtrack = []
        for present, best in zip(open_lines, longest):
            (union if best == len(present) else backtrack).append(present)
        if backtrack:
            lines = _PredictedLines(pred_lines, needed=set("".join(backtrack)))
            union.extend(map(lines.union_lcs, backtrack))
    # rouge-score walks the unions in gold order and counts a token while both texts have a copy left.
    # Copies of different tokens never interact and a union never holds more copies of a token than the
    # gold does, so each token adds min(copies in the unions, copies in the prediction).
    counted, available = _symbol_counts("".join(union)), _symbol_counts(pred_symbols)
    return counts._replace(hits=int(np.minimum(counted, available[: len(counted)]).sum()))


def _unused_character(*texts: str) -> str:
    """The first character that is not white space and that none of `texts` holds."""
    for character in map(chr, range(0x110000)):
        if not character.isspace() and not any(character in text for text in texts):
            return character
    raise MetricError("rouge-lsum: the texts hold every character, so lines cannot be marked")


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32).tobytes().decode("utf-32-le")


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _symbol_counts(text: str) -> np.ndarray:
    return np.bincount(_codes(text))


class _PredictedLines:
    """The predicted lines as one bit string: bit 0 a guard, then each line's tokens and a guard after it.

    Forward (LCS rows) bit q is a position in that string; the backtracking works on the string
    reversed (bit q becomes `width - 1 - q`), so that "the nearest candidate at or before the current
    column of each line" becomes "the lowest set bit at or above a bound", which borrows can isolate.
    Token masks are built for the `needed` tokens only.
    """

    def __init__(self, lines: list[str], *, needed: set[str]) -> None:
        laid_out = _codes(_GUARD + _GUARD.join(lines) + _GUARD)
        guards = np.flatnonzero(laid_out == 0).tolist()
        position = len(laid_out)
        self._bytes = (position + 7) // 8
        self._width = self._bytes * 8
        self._forward, self._reversed = _masks(laid_out, needed, width=self._width)
        guard_bits = _bits(guards, self._bytes)
        self._tokens = ((1 << position) - 1) & ~guard_bits
        self._guards_reversed = self._reverse(guard_bits)
        # Bound of each line: its last column (just below the guard after it); finished: the guard
        # before it (both in the reversed layout).
        self._start = _bits([self._width - g for g in guards[1:]], self._bytes)
        self._finished = _bits([self._width - 1 - g for g in guards[:-1]], self._bytes)

    def _reverse(self, value: int) -> int:
        return int.from_bytes(value.to_bytes(self._bytes, "big").translate(_REVERSED_BYTE), "little")

    def union_lcs(self, line: str) -> str:
        """The tokens of `line` (all present in the predicted lines) on the union of rouge-score's LCSs."""
        tokens, size = self._tokens, self._bytes
        row = tokens  # all ones: no column adds to the LCS yet
        steps = []
        for forward in map(self._forward.__getitem__, line):
            match = forward & row
            after = (row + match) | (row ^ match)  # carries stop at the guard above each line
            # Columns where this row's LCS exceeds the previous row's: from each moved zero up to the
            # bit its carry set (for Hyyrö's vectors, a zero bit is a column that adds one to the LCS).
            # That is (after & ~row) - (row & ~after), written with the changed bits x: x - 2 (row & x).
            changed = row ^ after
            steps.append(changed - ((row & changed) << 1))
            row = after & tokens
        # Every row reversed at once (the last row first): big-endian bytes with their bits reversed, read
        # as little-endian, put bit q at width - 1 - q.
        flipped = b"".join([step.to_bytes(size, "big") for step in reversed(steps)]).translate(_REVERSED_BYTE)
        steps_reversed = [int.from_bytes(flipped[offset : offset + size], "little") for offset in range(0, len(flipped), size)]
        guards, finished = self._guards_reversed, self._finished
        bound = self._start
        matches = []  # from the last token back
        for step, match in zip(steps_reversed, map(self._reversed.__getitem__, reversed(line))):
            candidates = ((match | ~step) & (guards - bound)) | guards
            hit = candidates & ~(candidates - bound)  # lowest candidate at or above each line's bound
            matched = hit & match
            matches.append(matched)
            bound = (matched << 1) | (hit ^ matched)
            if bound == finished:
                break
        return "".join([token for token, matched in zip(reversed(line), matches) if matched])[::-1]


def _masks(laid_out: np.ndarray, needed: set[str], *, width: int) -> tuple[dict[str, int], dict[str, int]]:
    """For each needed token, the bits of its positions in the layout: forward, and reversed (bit q at width - 1 - q)."""
    forward, reversed_ = {}, {}
    size = width // 8
    tokens = sorted(needed)
    block = max(1, _MASK_BLOCK_BYTES // size)  # tokens per byte table
    for first in range(0, len(tokens), block):
        chosen = tokens[first : first + block]
        wanted = np.fromiter(map(ord, chosen), dtype=np.uint32, count=len(chosen))
        row = np.searchsorted(wanted, laid_out)  # each position's row among the chosen tokens, if it is one
        positions = np.flatnonzero(wanted[np.minimum(row, len(wanted) - 1)] == laid_out)
        # Each position sets its own bit of a byte, so summing the bits is or-ing them.
        cells = row[positions] * size + (positions >> 3)
        table = np.bincount(cells, weights=np.left_shift(1, positions & 7), minlength=len(chosen) * size).astype(np.uint8).reshape(len(chosen), size)
        ahead = table.tobytes()
        behind = _REVERSED_BITS[table[:, ::-1]].tobytes()  # bytes in reverse order, bits reversed
        for offset, token in zip(range(0, len(ahead), size), chosen):
            forward[token] = int.from_bytes(ahead[offset : offset + size], "little")
            reversed_[token] = int.from_bytes(behind[offset : offset + size], "little")
    return forward, reversed_


def _bits(positions: Sequence[int], size: int) -> int:
    """An integer with the given bits set, built through a byte array (linear in its size)."""
    buffer = bytearray(size)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")

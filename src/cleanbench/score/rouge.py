"""ROUGE-LSum's summary-level LCS hit count, exactly as the `rouge-score` package counts it, but fast.

rouge-score (`rouge_scorer._summary_level_lcs`) takes, for each gold line, the union of the gold
positions on one longest common subsequence (LCS) with every predicted line, then counts the union's
tokens in gold order, each token only while both texts still have an unused copy of it. Which LCS its
backtracking picks changes the union (gold "a b" against predicted "b a" gives "a", not "b"), so an
arbitrary LCS alignment (rapidfuzz's, for one) does not reproduce its numbers. Its rule, walking back
from the ends of gold line r and predicted line c: equal last tokens match; else drop c's last token
when that keeps the LCS of the prefixes strictly above the one without r's last token; else drop r's.

Here the LCS table of one gold line against all predicted lines at once is held as bit-parallel rows
(Hyyrö's LCS bit vectors, one Python integer per gold token, the predicted lines laid end to end with
a guard bit between them to stop carries), and the backtracking rule runs on all predicted lines at
once with a few integer operations per gold token. rapidfuzz's LCS lengths pick out the gold lines
that need no backtracking: those contained whole in some predicted line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

_REVERSED_BYTE = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))


def summary_lcs_hits(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> int:
    """rouge-score's summary-level LCS hits of tokenized gold lines against tokenized predicted lines."""
    vocabulary: dict[str, int] = {}
    gold_ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in line] for line in gold]
    pred_ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in line] for line in pred if line]
    gold_left = Counter(token for line in gold_ids for token in line)
    pred_left = Counter(token for line in pred_ids for token in line)
    if not gold_left or not pred_left:
        return 0
    lines = _PredictedLines(pred_ids)
    longest = process.cdist(gold_ids, pred_ids, scorer=LCSseq.similarity, dtype="int32").max(axis=1)
    hits = 0
    for line, best in zip(gold_ids, longest.tolist()):
        if best == 0:
            continue
        union = line if best == len(line) else lines.union_lcs([token for token in line if token in pred_left])
        for token in union:
            if pred_left[token] > 0 and gold_left[token] > 0:
                hits += 1
                pred_left[token] -= 1
                gold_left[token] -= 1
    return hits


class _PredictedLines:
    """The predicted lines as one bit string: bit 0 a guard, then each line's tokens and a guard after it.

    Forward (LCS rows) bit q is a position in that string; the backtracking works on the string
    reversed (bit q becomes `width - 1 - q`), so that "the nearest candidate at or before the current
    column of each line" becomes "the lowest set bit at or above a bound", which borrows can isolate.
    """

    def __init__(self, lines: list[list[int]]) -> None:
        positions: dict[int, list[int]] = {}
        guards = [0]
        last_columns = []
        position = 1
        for line in lines:
            for offset, token in enumerate(line):
                positions.setdefault(token, []).append(position + offset)
            position += len(line)
            last_columns.append(position - 1)
            guards.append(position)
            position += 1
        self._bytes = (position + 7) // 8
        self._width = self._bytes * 8
        self._positions = positions
        self._masks: dict[int, tuple[int, int]] = {}
        guard_bits = _bits(guards, self._bytes)
        self._tokens = _bits(range(position), self._bytes) & ~guard_bits
        self._guards_reversed = self._reverse(guard_bits)
        # Bound of each line: its last column; finished: the guard above it (reversed layout).
        self._start = _bits([self._width - 1 - q for q in last_columns], self._bytes)
        self._finished = _bits([self._width - 1 - g for g in guards[:-1]], self._bytes)

    def _reverse(self, value: int) -> int:
        return int.from_bytes(value.to_bytes(self._bytes, "little").translate(_REVERSED_BYTE)[::-1], "little")

    def _mask(self, token: int) -> tuple[int, int]:
        """Bits where the predicted lines hold `token`: forward and reversed layout."""
        found = self._masks.get(token)
        if found is None:
            forward = _bits(self._positions[token], self._bytes)
            found = self._masks[token] = (forward, self._reverse(forward))
        return found

    def union_lcs(self, line: list[int]) -> list[int]:
        """The tokens of `line` (all present in the predicted lines) on the union of rouge-score's LCSs."""
        tokens = self._tokens
        row = tokens  # all ones: no column adds to the LCS yet
        steps_reversed = []
        for token in line:
            match = self._mask(token)[0] & row
            summed = row + match  # carries stop at the guard above each line
            after = summed | (row - match)
            # Columns where this row's LCS exceeds the previous row's: from each moved zero up to the
            # bit its carry set (for Hyyrö's vectors, a zero bit is a column that adds one to the LCS).
            steps_reversed.append(self._reverse((after & ~row) - (row & ~after)))
            row = after & tokens
        guards = self._guards_reversed
        bound = self._start
        kept = [False] * len(line)
        for index in range(len(line) - 1, -1, -1):
            match = self._mask(line[index])[1]
            candidates = ((match | ~steps_reversed[index]) & (guards - bound)) | guards
            hit = candidates & ~(candidates - bound)  # lowest candidate at or above each line's bound
            matched = hit & match
            kept[index] = matched != 0
            bound = (matched << 1) | (hit & ~match)
            if bound == self._finished:
                break
        return [token for token, keep in zip(line, kept) if keep]


def _bits(positions: Sequence[int] | range, size: int) -> int:
    """An integer with the given bits set, built through a byte array (linear in its size)."""
    buffer = bytearray(size)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")

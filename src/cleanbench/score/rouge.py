"""ROUGE-LSum's summary-level LCS hit count, exactly as the `rouge-score` package counts it, but fast.

rouge-score (`rouge_scorer._summary_level_lcs`) takes, for each gold line, the union of the gold
positions on one longest common subsequence (LCS) with every predicted line, then counts the union's
tokens in gold order, each token only while both texts still have an unused copy of it (which comes
to: each token counts min(its copies in all unions, its copies in the prediction)). Which LCS its
backtracking picks changes the union (gold "a b" against predicted "b a" gives "a", not "b"), so an
arbitrary LCS alignment (rapidfuzz's, for one) does not reproduce its numbers. Its rule, walking back
from the ends of gold line r and predicted line c: equal last tokens match; else drop c's last token
when that keeps the LCS of the prefixes strictly above the one without r's last token; else drop r's.

Here the LCS table of one gold line against all predicted lines at once is held as bit-parallel rows
(Hyyrö's LCS bit vectors, one Python integer per gold token, the predicted lines laid end to end with
a guard bit between them to stop carries), and the backtracking rule runs on all predicted lines at
once with a few integer operations per gold token. Gold lines that need no backtracking are picked
out first: those equal to a predicted line, and (by rapidfuzz's LCS lengths) those that a predicted
line holds as a subsequence once tokens absent from the prediction are dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import partial
from itertools import chain, count
from operator import is_not

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

_REVERSED_BYTE = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
_is_id = partial(is_not, None)  # a token found in the predicted vocabulary
_ONE = 1


def summary_lcs_hits(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> int:
    """rouge-score's summary-level LCS hits of tokenized gold lines against tokenized predicted lines."""
    pred_lines = [line for line in pred if line]
    pred_counts = Counter(chain.from_iterable(pred_lines))
    vocabulary = dict(zip(pred_counts, count()))
    # The union of each gold line, as token ids. A gold line that a predicted line holds whole (equal,
    # or as a subsequence once its tokens absent from the prediction are dropped: rapidfuzz's LCS length
    # says) is its own union, whatever the LCS choice; the others need rouge-score's backtracking.
    whole = set(map(tuple, pred_lines))
    union: list[int] = []
    open_lines = []
    for line in gold:
        if tuple(line) in whole:
            union.extend(map(vocabulary.__getitem__, line))
        else:
            ids = list(filter(_is_id, map(vocabulary.get, line)))
            if ids:
                open_lines.append(ids)
    if open_lines:
        pred_ids = [list(map(vocabulary.__getitem__, line)) for line in pred_lines]
        longest = process.cdist(open_lines, pred_ids, scorer=LCSseq.similarity, dtype="int32").max(axis=1).tolist()
        backtrack = [ids for ids, best in zip(open_lines, longest) if best < len(ids)]
        for ids, best in zip(open_lines, longest):
            if best == len(ids):
                union.extend(ids)
        if backtrack:
            lines = _PredictedLines(pred_ids, needed={token for ids in backtrack for token in ids})
            for ids in backtrack:
                union.extend(lines.union_lcs(ids))
    # rouge-score walks the unions in gold order and counts a token while both texts have a copy left.
    # Copies of different tokens never interact and a union never holds more copies of a token than the
    # gold does, so each token adds min(copies in the unions, copies in the prediction).
    totals = list(pred_counts.values())
    counted = Counter(union)
    return sum(map(min, counted.values(), map(totals.__getitem__, counted.keys())))


class _PredictedLines:
    """The predicted lines as one bit string: bit 0 a guard, then each line's tokens and a guard after it.

    Forward (LCS rows) bit q is a position in that string; the backtracking works on the string
    reversed (bit q becomes `width - 1 - q`), so that "the nearest candidate at or before the current
    column of each line" becomes "the lowest set bit at or above a bound", which borrows can isolate.
    Token masks are built for the `needed` tokens only.
    """

    def __init__(self, lines: list[list[int]], *, needed: set[int]) -> None:
        positions: dict[int, list[int]] = {token: [] for token in needed}
        guard = -1
        laid_out = [guard]
        for line in lines:
            laid_out.extend(line)
            laid_out.append(guard)
        guards = []
        for position, token in enumerate(laid_out):
            if token in needed:
                positions[token].append(position)
            elif token == guard:
                guards.append(position)
        position = len(laid_out)
        self._bytes = (position + 7) // 8
        self._width = self._bytes * 8
        self._positions = positions
        self._masks: dict[int, tuple[int, int]] = {}
        guard_bits = _bits(guards, self._bytes)
        self._tokens = ((1 << position) - 1) & ~guard_bits
        self._guards_reversed = self._reverse(guard_bits)
        # Bound of each line: its last column (just below the guard after it); finished: the guard
        # before it (both in the reversed layout).
        self._start = _bits([self._width - g for g in guards[1:]], self._bytes)
        self._finished = _bits([self._width - 1 - g for g in guards[:-1]], self._bytes)

    def _reverse(self, value: int) -> int:
        return int.from_bytes(value.to_bytes(self._bytes, "little").translate(_REVERSED_BYTE)[::-1], "little")

    def _mask(self, token: int) -> tuple[int, int]:
        """Bits where the predicted lines hold `token`: forward and reversed layout."""
        found = self._masks.get(token)
        if found is None:
            positions = self._positions[token]  # a few, mostly: a sum of powers of two beats a byte array
            forward = sum(map(_ONE.__lshift__, positions))
            reverse = sum(map(_ONE.__lshift__, map((self._width - 1).__sub__, positions)))
            found = self._masks[token] = (forward, reverse)
        return found

    def union_lcs(self, line: list[int]) -> list[int]:
        """The tokens of `line` (all present in the predicted lines) on the union of rouge-score's LCSs."""
        masks = [self._mask(token) for token in line]
        tokens, size = self._tokens, self._bytes
        row = tokens  # all ones: no column adds to the LCS yet
        steps = []
        for forward, _ in masks:
            match = forward & row
            after = (row + match) | (row - match)  # carries stop at the guard above each line
            # Columns where this row's LCS exceeds the previous row's: from each moved zero up to the
            # bit its carry set (for Hyyrö's vectors, a zero bit is a column that adds one to the LCS).
            steps.append((after & ~row) - (row & ~after))
            row = after & tokens
        # Every row reversed at once: laid end to end and bit-reversed, the last row comes first.
        flipped = b"".join([step.to_bytes(size, "little") for step in steps]).translate(_REVERSED_BYTE)[::-1]
        steps_reversed = [int.from_bytes(flipped[offset : offset + size], "little") for offset in range(0, len(flipped), size)]
        guards, finished = self._guards_reversed, self._finished
        bound = self._start
        kept = [False] * len(line)
        for index, step, (_, match) in zip(range(len(line) - 1, -1, -1), steps_reversed, reversed(masks)):
            candidates = ((match | ~step) & (guards - bound)) | guards
            hit = candidates & ~(candidates - bound)  # lowest candidate at or above each line's bound
            matched = hit & match
            kept[index] = matched != 0
            bound = (matched << 1) | (hit ^ matched)
            if bound == finished:
                break
        return [token for token, keep in zip(line, kept) if keep]


def _bits(positions: Sequence[int], size: int) -> int:
    """An integer with the given bits set, built through a byte array (linear in its size)."""
    buffer = bytearray(size)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")

"""The word alignment behind the missing and extra marks: an LCS (rapidfuzz), then a multiset match of the rest."""

from __future__ import annotations

import random
from collections import Counter
from difflib import SequenceMatcher

import numpy as np
import pytest

from cleanbench.report import align as align_module
from cleanbench.report.align import Alignment, align


def _ids(gold: list[str], prediction: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    vocabulary = {word: i for i, word in enumerate(dict.fromkeys([*gold, *prediction]))}
    return (
        np.array([vocabulary[word] for word in gold], dtype=np.int64),
        np.array([vocabulary[word] for word in prediction], dtype=np.int64),
        len(vocabulary),
    )


def _aligned(gold: list[str], prediction: list[str]) -> Alignment:
    gold_ids, prediction_ids, types = _ids(gold, prediction)
    return align(gold_ids, prediction=prediction_ids, types=types)


def _lcs_length(gold: list[str], prediction: list[str]) -> int:
    """The textbook dynamic programme."""
    row = [0] * (len(prediction) + 1)
    for word in gold:
        previous = 0
        for j, other in enumerate(prediction, start=1):
            previous, row[j] = row[j], previous + 1 if word == other else max(row[j], row[j - 1])
    return row[-1]


def _difflib_marks(gold: list[str], prediction: list[str], pairs: list[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """The report's marks before rapidfuzz (difflib's matching blocks, then the rest as a multiset, earlier first),
    from the given matched pairs."""
    gold_left = set(range(len(gold))) - {g for g, _ in pairs}
    prediction_left = set(range(len(prediction))) - {p for _, p in pairs}
    matched = Counter(gold[i] for i in gold_left) & Counter(prediction[i] for i in prediction_left)

    def beyond(words: list[str], indexes: set[int]) -> set[int]:
        left, out = Counter(matched), set()
        for index in sorted(indexes):
            if left[words[index]] > 0:
                left[words[index]] -= 1
            else:
                out.add(index)
        return out

    return beyond(gold, gold_left), beyond(prediction, prediction_left)


def _difflib_pairs(gold: list[str], prediction: list[str]) -> list[tuple[int, int]]:
    blocks = SequenceMatcher(None, gold, prediction, autojunk=True).get_matching_blocks()
    return [(block.a + k, block.b + k) for block in blocks for k in range(block.size)]


def _random_texts(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    gold = [rng.choice("abcdefghij") for _ in range(rng.randint(0, 40))]
    prediction = list(gold)
    for _ in range(rng.randint(0, 6)):  # an extractor's kinds of change: words dropped, clutter added
        if prediction and rng.random() < 0.5:
            at = rng.randrange(len(prediction))
            del prediction[at : at + rng.randint(1, 5)]
        else:
            at = rng.randint(0, len(prediction))
            prediction[at:at] = [rng.choice("abcdefghijklm") for _ in range(rng.randint(1, 5))]
    return gold, prediction


def test_pairs_are_a_longest_common_subsequence() -> None:
    for seed in range(300):
        gold, prediction = _random_texts(seed)
        aligned = _aligned(gold, prediction)
        pairs = list(zip(aligned.gold_at.tolist(), aligned.prediction_at.tolist(), strict=True))
        assert all(gold[g] == prediction[p] for g, p in pairs)
        assert all(np.diff(aligned.gold_at) > 0) and all(np.diff(aligned.prediction_at) > 0)
        assert len(pairs) == _lcs_length(gold, prediction), seed


def test_marks_equal_difflibs_where_both_take_the_same_lcs() -> None:
    same = 0
    for seed in range(300):
        gold, prediction = _random_texts(seed)
        aligned = _aligned(gold, prediction)
        pairs = sorted(zip(aligned.gold_at.tolist(), aligned.prediction_at.tolist(), strict=True))
        if _difflib_pairs(gold, prediction) != pairs:
            continue  # difflib's blocks are no LCS here, or another one: the marks may differ in place, not in number
        same += 1
        missing, extra = _difflib_marks(gold, prediction, pairs)
        assert (set(np.flatnonzero(aligned.missing).tolist()), set(np.flatnonzero(aligned.extra).tolist())) == (missing, extra)
    assert same > 200  # 238 of 300: the common case: most extractions are the gold with pieces dropped and clutter added


@pytest.mark.parametrize("seed", range(30))
def test_counts_are_the_multiset_overlap_even_in_bands(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pair too large for one bit matrix is aligned band by band: the pairs stay a common subsequence
    # and the counts stay exact; only where the marks fall may change.
    monkeypatch.setattr(align_module, "MOST_CELLS", 64)
    gold, prediction = _random_texts(seed)
    aligned = _aligned(gold, prediction)
    assert all(gold[g] == prediction[p] for g, p in zip(aligned.gold_at.tolist(), aligned.prediction_at.tolist(), strict=True))
    assert all(np.diff(aligned.gold_at) > 0) and all(np.diff(aligned.prediction_at) > 0)
    overlap = sum((Counter(gold) & Counter(prediction)).values())
    assert (aligned.missing.sum(), aligned.extra.sum()) == (len(gold) - overlap, len(prediction) - overlap)


def test_more_distinct_words_than_code_points_align_as_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    gold, prediction = _random_texts(7)
    as_text = _aligned(gold, prediction)
    monkeypatch.setattr(align_module, "MOST_SYMBOLS", 1)
    as_lists = _aligned(gold, prediction)
    for field in ("gold_at", "prediction_at", "missing", "extra"):
        assert np.array_equal(getattr(as_text, field), getattr(as_lists, field)), field


def test_empty_sides() -> None:
    for gold, prediction in (([], []), (["a", "b"], []), ([], ["a"])):
        aligned = _aligned(gold, prediction)
        assert (aligned.missing.sum(), aligned.extra.sum()) == (len(gold), len(prediction))

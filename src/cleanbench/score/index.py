r"""The token index every word metric shares: a text's tokens once, as integer digits in a gold text's
vocabulary, and its word n-grams as sorted integer keys.

Word metrics (words, aeb, wcxb, duplication, leak) read the same texts again and again: a page's gold
text by every metric and every extractor. Each text is tokenized once (memoised), its distinct tokens
found once (`distinct`), and tokenizers whose tokens are the text's `\w+` runs recased
(`Tokenizer.word_runs`) share one index. The memos hold a few dozen recent texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import count, repeat

import numpy as np

from cleanbench.score.distinct import distinct
from cleanbench.score.tokenize import TOKENIZERS, Tokenizer, WordRuns, recased


@lru_cache(maxsize=64)
def text_tokens(tokenizer: Tokenizer, text: str) -> Sequence[str]:
    """Memoised tokens (shared: never modified): a page's gold text is read by several metrics and extractors.

    A tokenizer whose tokens of `text` are `aeb` tokens recased takes them from there.
    """
    words = TOKENIZERS["aeb"]
    if tokenizer is not words:
        runs = tokenizer.word_runs(text)
        if runs is not None:
            return recased(text_tokens(words, runs.text), runs.case)
    return tokenizer(text)


@lru_cache(maxsize=64)
def ngram_set(tokenizer: Tokenizer, text: str, n: int) -> frozenset[tuple[str, ...]]:
    found = text_tokens(tokenizer, text)
    return frozenset(zip(*(found[i:] for i in range(n))))


class _Words:
    """A text's `\\w+` runs (the `aeb` tokens) as distinct types, in order of first appearance, and type ids.

    Tokenizers whose tokens are such runs recased (`Tokenizer.word_runs`) encode a text through
    its types: each type is recased and looked up once, and the tokens follow by a numpy gather.
    """

    def __init__(self, text: str) -> None:
        self.types, self.ids = distinct(text_tokens(TOKENIZERS["aeb"], text))


@lru_cache(maxsize=64)
def _words(text: str) -> _Words:
    return _Words(text)


class GoldIndex:
    """A gold text's tokens as integer digits, its word n-grams as sorted integer keys, and the same for other texts.

    A token's digit is its id in the gold vocabulary + 1; a token outside the gold vocabulary gets the
    digit B - 1, B = the gold vocabulary size + 2, so an n-gram holding one never meets a gold n-gram.
    An n-gram's key is the base-B number of its digits; with `short` (AEB's rule) a text of 1..n-1
    tokens is one shorter n-gram, padded with 0 digits. Keys are int64 while B**n fits, Python
    integers beyond (slower, same numbers).
    """

    def __init__(self, types: Sequence[str], ids: np.ndarray) -> None:
        """From the gold's token types (equal types allowed) and each token's type id."""
        self.vocabulary = dict(zip(dict.fromkeys(types), count()))
        self.base = len(self.vocabulary) + 2
        self.digits = self.encode(types)[ids]
        self._grams: dict[tuple[int, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._words: np.ndarray | None = None

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """The digits of tokens."""
        return np.fromiter(map(self.vocabulary.get, tokens, repeat(self.base - 2)), dtype=np.int64, count=len(tokens)) + 1

    def grams(self, digits: np.ndarray, n: int, *, short: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct n-gram keys of a text's digits and how often each occurs."""
        if self.base**n >= 2**63:
            digits = digits.astype(object)
        if len(digits) < n:
            padded = [sum(int(d) * self.base ** (n - 1 - i) for i, d in enumerate(digits))] if short and len(digits) else []
            return np.unique(np.asarray(padded, dtype=digits.dtype), return_counts=True)
        keys = digits[: len(digits) - n + 1]
        for offset in range(1, n):
            keys = keys * self.base + digits[offset : len(digits) - n + 1 + offset]
        return np.unique(keys, return_counts=True)

    def _shared(self, digits: np.ndarray, n: int, short: bool) -> tuple[np.ndarray, np.ndarray]:
        """The gold's counts and the text's counts of the n-grams both hold."""
        if (n, short) not in self._grams:
            self._grams[n, short] = self.grams(self.digits, n, short=short)
        gold_keys, gold_counts = self._grams[n, short]
        keys, counts = self.grams(digits, n, short=short)
        if not len(keys) or not len(gold_keys):
            return gold_counts[:0], counts[:0]
        where = np.minimum(np.searchsorted(gold_keys, keys), len(gold_keys) - 1)
        shared = gold_keys[where] == keys
        return gold_counts[where[shared]], counts[shared]

    def overlap(self, digits: np.ndarray, n: int, *, short: bool = False) -> int:
        """Size of the multiset intersection of the gold's n-grams with those of a text."""
        if n == 1:  # single words: counting by digit needs no sort
            if self._words is None:
                self._words = np.bincount(self.digits, minlength=self.base)
            return int(np.minimum(self._words, np.bincount(digits, minlength=self.base)).sum())
        gold, other = self._shared(digits, n, short)
        return int(np.minimum(gold, other).sum())

    def excess(self, digits: np.ndarray, n: int) -> int:
        """Occurrences of gold n-grams in a text beyond their count in the gold."""
        gold, other = self._shared(digits, n, False)
        return int(np.maximum(other - gold, 0).sum())


def gram_count(tokens: int, n: int, *, short: bool = False) -> int:
    """How many n-grams a text of `tokens` tokens has (with `short`, 1..n-1 tokens make one)."""
    return max(tokens - n + 1, 0) or int(short and tokens > 0)


@lru_cache(maxsize=64)
def _runs(tokenizer: Tokenizer, text: str) -> WordRuns | None:
    """The tokenizer's `word_runs`, with "fold" said as "lower" where the two agree on the text's words:
    the unicode and wcxb tokenizers then share one index of a text (the common case)."""
    runs = tokenizer.word_runs(text)
    if runs is not None and runs.case == "fold":
        joined = " ".join(_words(runs.text).types)
        if joined.casefold() == joined.lower():
            return WordRuns(runs.text, "lower")
    return runs


@lru_cache(maxsize=64)
def gold_index(tokenizer: Tokenizer, gold_text: str) -> GoldIndex:
    runs = _runs(tokenizer, gold_text)
    if runs is None:
        return GoldIndex(*distinct(text_tokens(tokenizer, gold_text)))
    return _runs_index(runs)


@lru_cache(maxsize=64)
def _runs_index(runs: WordRuns) -> GoldIndex:
    words = _words(runs.text)
    return GoldIndex(recased(words.types, runs.case), words.ids)


@lru_cache(maxsize=64)
def encoded(tokenizer: Tokenizer, gold_text: str, text: str) -> np.ndarray:
    """A text's digits in a gold text's vocabulary (words and duplication read the same ones)."""
    index = gold_index(tokenizer, gold_text)
    runs = _runs(tokenizer, text)
    if runs is None:
        return index.encode(text_tokens(tokenizer, text))
    return _encoded_runs(index, runs)


@lru_cache(maxsize=64)
def _encoded_runs(index: GoldIndex, runs: WordRuns) -> np.ndarray:
    words = _words(runs.text)
    return index.encode(recased(words.types, runs.case))[words.ids]

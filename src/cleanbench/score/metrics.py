"""The metrics (DESIGN.md "Metrics (exact)"): pure functions of (prediction text, GoldPage) to counts.

`Metric` fixes the steps, sacrebleu style: `page_counts` checks that the page has what the metric
`requires` (None when it does not: the page is skipped and counted), then the subclass's `count` hook
returns the page's `Counts`. Counts add up field by field, so a set's counts are the sum of its pages'
and every reported number is a function of summed counts (`Counts.scores_from`, which works on plain
numbers and on numpy arrays of bootstrap resamples alike). Per-page counts round-trip through JSON.

Per-page numbers that a set averages (macro precision, a page's leak share, ...) are stored as sums
over pages next to the page count, so that `sum(counts)` still holds everything needed.
"""

from __future__ import annotations

import difflib
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import count, repeat
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from cleanbench import __version__
from cleanbench.errors import MetricError
from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.score.distinct import distinct
from cleanbench.score.rouge import summary_lcs_hits
from cleanbench.score.signature import Signature
from cleanbench.score.tokenize import TOKENIZERS, Tokenizer, WordRuns, recased

if TYPE_CHECKING:
    from cleanbench.score.aggregate import Bootstrap

CountsT = TypeVar("CountsT", bound="Counts")
Number = Any  # a float, or a numpy array of floats (one per bootstrap resample)


@dataclass(frozen=True)
class Value:
    """A number a metric reports: its name ("f1", "value", ...) and how pages are pooled into it."""

    name: str
    aggregation: str  # "macro" (mean of per-page numbers), "micro" (pooled counts), "f1-of-means"


@dataclass(frozen=True)
class Counts:
    """Base class of the per-metric count records: numeric fields that add up field by field."""

    VALUES: ClassVar[tuple[Value, ...]] = ()

    def __add__(self: CountsT, other: CountsT) -> CountsT:
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __radd__(self: CountsT, other: object) -> CountsT:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def to_json(self) -> dict[str, int | float]:
        return {name: getattr(self, name) for name in self.field_names()}

    @classmethod
    def from_json(cls: type[CountsT], raw: Any, *, where: str) -> CountsT:
        """Rebuild from `to_json()`'s form; a MetricError naming `where` and the field when malformed."""
        if not isinstance(raw, Mapping):
            raise MetricError(f"{where}: expected an object of {cls.__name__} fields, got {type(raw).__name__}")
        names = cls.field_names()
        unknown = sorted(set(raw) - set(names))
        if unknown:
            raise MetricError(f"{where}: field {unknown[0]!r}: not a {cls.__name__} field ({', '.join(names)})")
        values: dict[str, int | float] = {}
        for f in fields(cls):
            value = raw.get(f.name)
            wanted = int if f.type in ("int", int) else float
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (wanted is int and not isinstance(value, int)):
                raise MetricError(f"{where}: field {f.name!r}: expected {'an integer' if wanted is int else 'a number'}, got {value!r}")
            values[f.name] = wanted(value)
        return cls(**values)

    def scores(self) -> dict[str, float | None]:
        """The reported numbers of these counts; None where undefined (no page to average over)."""
        return {name: _plain(value) for name, value in self.scores_from(self.to_json()).items()}

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        """The reported numbers from summed fields (numbers, or arrays of resampled sums); NaN where undefined."""
        raise NotImplementedError


@dataclass(frozen=True)
class OverlapCounts(Counts):
    """Token overlap of a prediction with the gold: per-page P/R/F1 sums (macro) and pooled counts (micro)."""

    pages: int
    precision_sum: float
    recall_sum: float
    f1_sum: float
    overlap: int
    predicted: int
    gold: int

    VALUES = (
        Value("f1", "macro"),
        Value("precision", "macro"),
        Value("recall", "macro"),
        Value("micro_f1", "micro"),
        Value("micro_precision", "micro"),
        Value("micro_recall", "micro"),
    )

    @classmethod
    def page(cls, *, precision: float, recall: float, f1: float, overlap: int, predicted: int, gold: int) -> OverlapCounts:
        return cls(1, precision, recall, f1, overlap, predicted, gold)

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        pages = sums["pages"]
        return {
            "f1": _ratio(sums["f1_sum"], pages),
            "precision": _ratio(sums["precision_sum"], pages),
            "recall": _ratio(sums["recall_sum"], pages),
            "micro_f1": _ratio(2 * np.asarray(sums["overlap"], dtype=float), np.asarray(sums["predicted"]) + np.asarray(sums["gold"])),
            "micro_precision": _ratio(sums["overlap"], sums["predicted"]),
            "micro_recall": _ratio(sums["overlap"], sums["gold"]),
        }


@dataclass(frozen=True)
class AebCounts(Counts):
    """Zyte's AEB scorer: per-page shingle precision and recall (where defined) and exact matches."""

    pages: int
    exact: int
    precision_sum: float
    precision_pages: int
    recall_sum: float
    recall_pages: int

    VALUES = (
        Value("f1", "f1-of-means"),
        Value("precision", "macro"),
        Value("recall", "macro"),
        Value("accuracy", "macro"),
    )

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        precision = _ratio(sums["precision_sum"], sums["precision_pages"])
        recall = _ratio(sums["recall_sum"], sums["recall_pages"])
        return {
            "f1": _f1(precision, recall),
            "precision": precision,
            "recall": recall,
            "accuracy": _ratio(sums["exact"], sums["pages"]),
        }


@dataclass(frozen=True)
class SnippetCounts(Counts):
    """trafilatura's snippet scorer: `with` snippets found (tp) or missed (fn), `without` found (fp) or absent (tn)."""

    tp: int
    fn: int
    fp: int
    tn: int

    VALUES = (
        Value("f1", "micro"),
        Value("precision", "micro"),
        Value("recall", "micro"),
        Value("accuracy", "micro"),
    )

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        tp, fn, fp, tn = (np.asarray(sums[name], dtype=float) for name in ("tp", "fn", "fp", "tn"))
        return {
            "f1": _ratio(2 * tp, 2 * tp + fp + fn),
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "accuracy": _ratio(tp + tn, tp + fn + fp + tn),
        }


@dataclass(frozen=True)
class ShareCounts(Counts):
    """A share per page (leak, duplication): the sum of page shares (macro) and pooled part/whole (micro)."""

    pages: int
    share_sum: float
    part: int
    whole: int

    VALUES = (Value("value", "macro"), Value("micro", "micro"))

    @classmethod
    def scores_from(cls, sums: Mapping[str, Number]) -> dict[str, Number]:
        return {"value": _ratio(sums["share_sum"], sums["pages"]), "micro": _ratio(sums["part"], sums["whole"])}


def _ratio(numerator: Number, denominator: Number) -> Number:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _f1(precision: Number, recall: Number) -> Number:
    total = precision + recall
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 2 * precision * recall / total, np.where(np.isnan(total), np.nan, 0.0))


def _plain(value: Number) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


# --- metrics --------------------------------------------------------------------------------------


class Metric(ABC):
    """One metric. Subclasses set the class attributes and implement `count`."""

    name: str
    higher_is_better: ClassVar[bool] = True
    # Gold fields the metric needs; a page is scored when it has at least one of them
    # (gold_text: not None; with, without: non-empty; noise: a span with the metric's label).
    requires: ClassVar[tuple[str, ...]] = ()
    counts_type: ClassVar[type[Counts]]
    tokenizer: ClassVar[Tokenizer | None] = None
    normalisation: ClassVar[str] = "none"  # of the text, for a metric without a tokenizer

    @property
    def values(self) -> tuple[Value, ...]:
        return self.counts_type.VALUES

    def applies(self, page: GoldPage) -> bool:
        """Whether the page has what the metric needs."""
        if not self.requires:
            return True
        present = {
            "gold_text": page.gold_text is not None,
            "with": bool(page.with_snippets),
            "without": bool(page.without_snippets),
            "noise": bool(page.noise),
        }
        return any(present[name] for name in self.requires)

    def page_counts(self, text: str, page: GoldPage) -> Counts | None:
        """The page's counts for a prediction `text`; None when the page lacks what the metric needs."""
        if not self.applies(page):
            return None
        return self.count(text, page)

    @abstractmethod
    def count(self, text: str, page: GoldPage) -> Counts | None:
        """The counts of a page that has the required fields (None: nothing to measure on it)."""

    def counts_from_json(self, raw: Any, *, where: str) -> Counts:
        return self.counts_type.from_json(raw, where=where)

    def value(self, name: str) -> Value:
        for value in self.values:
            if value.name == name:
                return value
        raise MetricError(f"metric {self.name!r} reports no value {name!r} (values: {', '.join(v.name for v in self.values)})")

    def signature(
        self,
        value: str | None = None,
        *,
        bootstrap: Bootstrap,
        gold_digest: str | None = None,
        extractor: str | None = None,
    ) -> Signature:
        """The signature of one reported value (the first, the headline, by default)."""
        reported = self.value(value) if value is not None else self.values[0]
        tokenizer = self.tokenizer
        return Signature(
            metric=self.name,
            tokenizer=tokenizer.name if tokenizer else "none",
            case=tokenizer.case if tokenizer else "keep",
            normalisation=tokenizer.normalisation if tokenizer else self.normalisation,
            aggregation=reported.aggregation,
            resamples=bootstrap.resamples,
            seed=bootstrap.seed,
            version=__version__,
            gold_digest=gold_digest,
            extractor=extractor,
        )

    def __repr__(self) -> str:
        return f"<metric {self.name}>"


class WordsMetric(Metric):
    """Multiset overlap of `unicode` word tokens: P, R, F1 per page (macro) and pooled (micro)."""

    name = "words"
    requires = ("gold_text",)
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["unicode"]

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(self.tokenizer, text, page.gold_text or "")


class WcxbMetric(Metric):
    """WCXB's word F1; a page without gold text is scored against an empty gold, as WCXB's evaluate.py does."""

    name = "wcxb"
    requires = ()
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["wcxb"]

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(self.tokenizer, text, page.gold_text or "")


def _overlap(tokenizer: Tokenizer, text: str, gold_text: str) -> OverlapCounts:
    """Multiset word overlap; both empty: 1, one of them empty: 0 (WCXB's and DESIGN.md's rule)."""
    gold = _gold_index(tokenizer, gold_text)
    pred, total = _encoded(tokenizer, gold_text, text), len(gold.digits)
    if not len(pred) or not total:
        both = float(not len(pred) and not total)
        return OverlapCounts.page(precision=both, recall=both, f1=both, overlap=0, predicted=len(pred), gold=total)
    overlap = gold.overlap(pred, 1)
    precision, recall = overlap / len(pred), overlap / total
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return OverlapCounts.page(precision=precision, recall=recall, f1=f1, overlap=overlap, predicted=len(pred), gold=total)


class AebMetric(Metric):
    """Zyte's article-extraction-benchmark scorer, step for step (its evaluate.py)."""

    name = "aeb"
    requires = ("gold_text",)
    counts_type = AebCounts
    tokenizer = TOKENIZERS["aeb"]
    shingle_size: ClassVar[int] = 4

    def count(self, text: str, page: GoldPage) -> AebCounts:
        true_tokens = _tokens(self.tokenizer, page.gold_text or "")
        pred_tokens = _tokens(self.tokenizer, text)
        true = _gold_index(self.tokenizer, page.gold_text or "")
        pred = _encoded(self.tokenizer, page.gold_text or "", text)
        # Zyte sums min, excess and shortfall over the union of shingles: the same integers as these.
        tp = float(true.overlap(pred, self.shingle_size, short=True))
        fp = float(_gram_count(len(pred), self.shingle_size, short=True)) - tp
        fn = float(_gram_count(len(true.digits), self.shingle_size, short=True)) - tp
        total = tp + fp + fn
        if total > 0:  # normalised so that each page weighs the same
            tp, fp, fn = tp / total, fp / total, fn / total
        has_precision, has_recall = tp + fp > 0, tp + fn > 0
        return AebCounts(
            pages=1,
            exact=int(true_tokens == pred_tokens),
            precision_sum=tp / (tp + fp) if has_precision else 0.0,
            precision_pages=int(has_precision),
            recall_sum=tp / (tp + fn) if has_recall else 0.0,
            recall_pages=int(has_recall),
        )


class SnippetsMetric(Metric):
    """trafilatura's with/without scorer: whitespace runs folded to one space, case-sensitive substring."""

    name = "snippets"
    requires = ("with", "without")
    counts_type = SnippetCounts
    normalisation = "whitespace-fold"

    def count(self, text: str, page: GoldPage) -> SnippetCounts:
        output = _fold_whitespace(text)
        found = sum(_fold_whitespace(snippet) in output for snippet in page.with_snippets)
        leaked = sum(_fold_whitespace(snippet) in output for snippet in page.without_snippets)
        return SnippetCounts(tp=found, fn=len(page.with_snippets) - found, fp=leaked, tn=len(page.without_snippets) - leaked)


def _fold_whitespace(text: str) -> str:
    """`re.sub(r"\\s+", " ", text)`, faster: \\s and str.split() know the same white space."""
    folded = " ".join(text.split())
    if text[:1].isspace():
        folded = " " + folded
    if text[-1:].isspace() and folded.strip():
        folded += " "
    return folded


class RougeLsumMetric(Metric):
    """ROUGE-LSum as rouge-score's rougeLsum computes it: lines as sentences, whitespace tokens."""

    name = "rouge-lsum"
    requires = ("gold_text",)
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["whitespace"]

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        hits, gold_total, pred_total = summary_lcs_hits(page.gold_text or "", text)
        # rouge-score's own arithmetic, so that page scores are the same floats (0 when either side is empty).
        precision = hits / pred_total if pred_total and gold_total else 0.0
        recall = hits / gold_total if pred_total and gold_total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        return OverlapCounts.page(precision=precision, recall=recall, f1=f1, overlap=hits, predicted=pred_total, gold=gold_total)


class LeakMetric(Metric):
    """Share of a noise label's word 3-grams (less those in the gold text) that the prediction holds."""

    higher_is_better = False
    requires = ("noise",)
    counts_type = ShareCounts
    tokenizer = TOKENIZERS["unicode"]
    ngram: ClassVar[int] = 3

    def __init__(self, label: str) -> None:
        if label not in NOISE_LABELS:
            raise MetricError(f"leak:{label}: unknown noise label {label!r} (labels: {', '.join(NOISE_LABELS)})")
        self.label = label
        self.name = f"leak:{label}"

    def applies(self, page: GoldPage) -> bool:
        return any(span.label == self.label for span in page.noise)

    def count(self, text: str, page: GoldPage) -> ShareCounts | None:
        noise: set[tuple[str, ...]] = set()
        for span in page.noise:
            if span.label == self.label:
                noise.update(_ngram_set(self.tokenizer, span.text, self.ngram))
        noise.difference_update(_ngram_set(self.tokenizer, page.gold_text or "", self.ngram))
        if not noise:
            return None  # every span of the label is gold text: nothing on this page can leak
        leaked = len(noise & _ngram_set(self.tokenizer, text, self.ngram))
        return ShareCounts(pages=1, share_sum=leaked / len(noise), part=leaked, whole=len(noise))


class DuplicationMetric(Metric):
    """Share of the prediction's word 5-grams that repeat gold content beyond its count in the gold."""

    name = "duplication"
    higher_is_better = False
    requires = ("gold_text",)
    counts_type = ShareCounts
    tokenizer = TOKENIZERS["unicode"]
    ngram: ClassVar[int] = 5

    def count(self, text: str, page: GoldPage) -> ShareCounts:
        gold = _gold_index(self.tokenizer, page.gold_text or "")
        pred = _encoded(self.tokenizer, page.gold_text or "", text)
        total = _gram_count(len(pred), self.ngram)
        excess = gold.excess(pred, self.ngram)
        return ShareCounts(pages=1, share_sum=excess / total if total else 0.0, part=excess, whole=total)


@lru_cache(maxsize=64)
def _tokens(tokenizer: Tokenizer, text: str) -> Sequence[str]:
    """Memoised tokens (shared: never modified): a page's gold text is read by several metrics and extractors.

    A tokenizer whose tokens of `text` are `aeb` tokens recased takes them from there.
    """
    words = TOKENIZERS["aeb"]
    if tokenizer is not words:
        runs = tokenizer.word_runs(text)
        if runs is not None:
            return recased(_tokens(words, runs.text), runs.case)
    return tokenizer(text)


@lru_cache(maxsize=64)
def _ngram_set(tokenizer: Tokenizer, text: str, n: int) -> frozenset[tuple[str, ...]]:
    tokens = _tokens(tokenizer, text)
    return frozenset(zip(*(tokens[i:] for i in range(n))))


class _Words:
    """A text's `\\w+` runs (the `aeb` tokens) as distinct types, in order of first appearance, and type ids.

    Tokenizers whose tokens are such runs recased (`Tokenizer.word_runs`) encode a text through
    its types: each type is recased and looked up once, and the tokens follow by a numpy gather.
    """

    def __init__(self, text: str) -> None:
        self.types, self.ids = distinct(_tokens(TOKENIZERS["aeb"], text))


@lru_cache(maxsize=64)
def _words(text: str) -> _Words:
    return _Words(text)


class _GoldIndex:
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


def _gram_count(tokens: int, n: int, *, short: bool = False) -> int:
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
def _gold_index(tokenizer: Tokenizer, gold_text: str) -> _GoldIndex:
    runs = _runs(tokenizer, gold_text)
    if runs is None:
        return _GoldIndex(*distinct(_tokens(tokenizer, gold_text)))
    return _runs_index(runs)


@lru_cache(maxsize=64)
def _runs_index(runs: WordRuns) -> _GoldIndex:
    words = _words(runs.text)
    return _GoldIndex(recased(words.types, runs.case), words.ids)


@lru_cache(maxsize=64)
def _encoded(tokenizer: Tokenizer, gold_text: str, text: str) -> np.ndarray:
    """A text's digits in a gold text's vocabulary (words and duplication read the same ones)."""
    index = _gold_index(tokenizer, gold_text)
    runs = _runs(tokenizer, text)
    if runs is None:
        return index.encode(_tokens(tokenizer, text))
    return _encoded_runs(index, runs)


@lru_cache(maxsize=64)
def _encoded_runs(index: _GoldIndex, runs: WordRuns) -> np.ndarray:
    words = _words(runs.text)
    return index.encode(recased(words.types, runs.case))[words.ids]


# --- registry -------------------------------------------------------------------------------------

_METRICS: dict[str, type[Metric]] = {
    cls.name: cls for cls in (WordsMetric, AebMetric, WcxbMetric, SnippetsMetric, RougeLsumMetric, DuplicationMetric)
}
METRIC_NAMES: tuple[str, ...] = (*_METRICS, *(f"leak:{label}" for label in NOISE_LABELS))
DEFAULT_METRICS: tuple[str, ...] = ("words", "snippets")  # `cleanbench score` without --metrics
LEAK_ALL = "leak:*"


def get_metric(name: str) -> Metric:
    """The metric registered under `name` (`leak:<label>` for each noise label); did-you-mean errors."""
    if name in _METRICS:
        return _METRICS[name]()
    prefix, _, label = name.partition(":")
    if prefix == "leak" and label in NOISE_LABELS:
        return LeakMetric(label)
    close = difflib.get_close_matches(name, [*METRIC_NAMES, LEAK_ALL], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise MetricError(f"unknown metric {name!r} (metrics: {', '.join(_METRICS)}, leak:<label>, {LEAK_ALL}){hint}")


def resolve_metrics(names: Iterable[str]) -> list[Metric]:
    """Metrics by name, in order, without repeats; `leak:*` stands for every `leak:<label>`."""
    expanded: list[str] = []
    for name in names:
        if name == LEAK_ALL:
            expanded.extend(f"leak:{label}" for label in NOISE_LABELS)
        else:
            expanded.append(name)
    seen: dict[str, Metric] = {}
    for name in expanded:
        if name not in seen:
            seen[name] = get_metric(name)
    if not seen:
        raise MetricError("no metric given")
    return list(seen.values())

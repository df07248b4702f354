"""The metrics (DESIGN.md "Metrics (exact)"): pure functions of (prediction text, GoldPage) to counts.

`Metric` fixes the steps, sacrebleu style: `page_counts` checks that the page has what the metric
`requires` (None when it does not: the page is skipped and counted), then the subclass's `count` hook
returns the page's `Counts`. Counts add up field by field, so a set's counts are the sum of its pages'
and every reported number is a function of summed counts (`Counts.scores`, which works on plain
numbers and on numpy arrays of bootstrap resamples alike). Per-page counts round-trip through JSON.

Per-page numbers that a set averages (macro precision, a page's leak share, ...) are stored as sums
over pages next to the page count, so that `sum(counts)` still holds everything needed.
"""

from __future__ import annotations

import difflib
import math
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from cleanbench import __version__
from cleanbench.errors import MetricError
from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.score.rouge import summary_lcs_hits
from cleanbench.score.signature import Signature
from cleanbench.score.tokenize import TOKENIZERS, Tokenizer

if TYPE_CHECKING:
    from cleanbench.score.aggregate import Bootstrap

CountsT = TypeVar("CountsT", bound="Counts")
Number = Any  # a float, or a numpy array of floats (one per bootstrap resample)
_WHITESPACE_RUN = re.compile(r"\s+")


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
    description: ClassVar[str] = ""

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

    def zero(self) -> Counts:
        return self.counts_type(**{name: 0 for name in self.counts_type.field_names()})

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
            normalisation=tokenizer.normalisation if tokenizer else self._normalisation(),
            aggregation=reported.aggregation,
            resamples=bootstrap.resamples,
            seed=bootstrap.seed,
            version=__version__,
            gold_digest=gold_digest,
            extractor=extractor,
        )

    def _normalisation(self) -> str:
        return "none"

    def __repr__(self) -> str:
        return f"<metric {self.name}>"


class WordsMetric(Metric):
    name = "words"
    requires = ("gold_text",)
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["unicode"]
    description = "multiset word overlap (unicode tokens): P, R, F1 per page (macro) and pooled (micro)"

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(_tokens(self.tokenizer, text), _tokens(self.tokenizer, page.gold_text or ""))


class WcxbMetric(Metric):
    """WCXB's word F1; a page without gold text is scored against an empty gold, as WCXB's evaluate.py does."""

    name = "wcxb"
    requires = ()
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["wcxb"]
    description = "WCXB's word F1: \\w+ lowercased, multiset overlap, mean per page"

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(_tokens(self.tokenizer, text), _tokens(self.tokenizer, page.gold_text or ""))


def _overlap(pred: tuple[str, ...], gold: tuple[str, ...]) -> OverlapCounts:
    """Multiset overlap; both empty: 1, one of them empty: 0 (WCXB's and DESIGN.md's rule)."""
    if not pred or not gold:
        both = float(not pred and not gold)
        return OverlapCounts.page(precision=both, recall=both, f1=both, overlap=0, predicted=len(pred), gold=len(gold))
    overlap = sum((Counter(pred) & Counter(gold)).values())
    precision, recall = overlap / len(pred), overlap / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return OverlapCounts.page(precision=precision, recall=recall, f1=f1, overlap=overlap, predicted=len(pred), gold=len(gold))


class AebMetric(Metric):
    """Zyte's article-extraction-benchmark scorer, step for step (its evaluate.py)."""

    name = "aeb"
    requires = ("gold_text",)
    counts_type = AebCounts
    tokenizer = TOKENIZERS["aeb"]
    description = "Zyte AEB: 4-gram shingles, per-page normalised P/R, F1 of the means, exact-match accuracy"
    shingle_size: ClassVar[int] = 4

    def count(self, text: str, page: GoldPage) -> AebCounts:
        true_tokens = _tokens(self.tokenizer, page.gold_text or "")
        pred_tokens = _tokens(self.tokenizer, text)
        true = _aeb_gold_shingles(self.tokenizer, page.gold_text or "", self.shingle_size)
        pred_keys, pred_counts = true.count(pred_tokens)
        # Zyte sums min, excess and shortfall over the union of shingles: the same integers as these.
        tp = float(true.overlap(pred_keys, pred_counts))
        fp = float(pred_counts.sum()) - tp
        fn = float(true.total) - tp
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


class _Shingles:
    """A gold text's AEB shingles as sorted integer keys with counts, and the encoder of predicted texts.

    AEB's shingles are every run of `size` tokens; a text of 1..size-1 tokens is one shorter shingle.
    A shingle is encoded as the base-B number of its token ids + 1 (0 pads a shorter one), B = the gold
    vocabulary size + 2; a predicted token outside the gold vocabulary gets the id B - 2, so shingles
    holding one never meet a gold key. Keys are int64 while B**size fits, Python integers beyond.
    """

    def __init__(self, tokens: tuple[str, ...], size: int) -> None:
        self.size = size
        self.vocabulary: dict[str, int] = {}
        for token in tokens:
            self.vocabulary.setdefault(token, len(self.vocabulary))
        self.base = len(self.vocabulary) + 2
        self.dtype: Any = np.int64 if self.base**size < 2**63 else object
        self.keys, self.counts = self.count(tokens)
        self.total = int(self.counts.sum())

    def count(self, tokens: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct shingle keys of `tokens` and how often each occurs."""
        digits = np.fromiter(map(self.vocabulary.get, tokens, repeat(len(self.vocabulary))), dtype=self.dtype, count=len(tokens)) + 1
        if len(tokens) < self.size:
            keys = np.asarray([sum(int(d) * self.base ** (self.size - 1 - i) for i, d in enumerate(digits))] if len(tokens) else [], dtype=self.dtype)
        else:
            keys = np.zeros(len(tokens) - self.size + 1, dtype=self.dtype)
            for offset in range(self.size):
                keys = keys * self.base + digits[offset : len(digits) - self.size + 1 + offset]
        return np.unique(keys, return_counts=True)

    def overlap(self, keys: np.ndarray, counts: np.ndarray) -> int:
        """Size of the multiset intersection of these shingles with (keys, counts)."""
        if not len(keys) or not len(self.keys):
            return 0
        where = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        shared = self.keys[where] == keys
        return int(np.minimum(self.counts[where[shared]], counts[shared]).sum())


@lru_cache(maxsize=64)
def _aeb_gold_shingles(tokenizer: Tokenizer, text: str, size: int) -> _Shingles:
    return _Shingles(_tokens(tokenizer, text), size)


class SnippetsMetric(Metric):
    """trafilatura's with/without scorer: whitespace runs folded to one space, case-sensitive substring."""

    name = "snippets"
    requires = ("with", "without")
    counts_type = SnippetCounts
    description = "trafilatura's snippet scorer: with found / without absent, summed over the set"

    def count(self, text: str, page: GoldPage) -> SnippetCounts:
        output = _WHITESPACE_RUN.sub(" ", text)
        found = sum(_WHITESPACE_RUN.sub(" ", snippet) in output for snippet in page.with_snippets)
        leaked = sum(_WHITESPACE_RUN.sub(" ", snippet) in output for snippet in page.without_snippets)
        return SnippetCounts(tp=found, fn=len(page.with_snippets) - found, fp=leaked, tn=len(page.without_snippets) - leaked)

    def _normalisation(self) -> str:
        return "whitespace-fold"


class RougeLsumMetric(Metric):
    """ROUGE-LSum as rouge-score's rougeLsum computes it: lines as sentences, whitespace tokens."""

    name = "rouge-lsum"
    requires = ("gold_text",)
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["whitespace"]
    description = "ROUGE-LSum P/R/F1 (rouge-score's rougeLsum, lines as sentences, whitespace tokens)"

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        gold = [list(_tokens(self.tokenizer, line)) for line in (page.gold_text or "").split("\n") if line]
        pred = [list(_tokens(self.tokenizer, line)) for line in text.split("\n") if line]
        gold_total, pred_total = sum(map(len, gold)), sum(map(len, pred))
        hits = summary_lcs_hits(gold, pred) if gold_total and pred_total else 0
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
        self.description = f"share of the {label!r} noise 3-grams (less gold 3-grams) found in the prediction"

    def applies(self, page: GoldPage) -> bool:
        return any(span.label == self.label for span in page.noise)

    def count(self, text: str, page: GoldPage) -> ShareCounts | None:
        noise: set[tuple[str, ...]] = set()
        for span in page.noise:
            if span.label == self.label:
                noise.update(_ngram_counts(self.tokenizer, span.text, self.ngram))
        noise.difference_update(_ngram_counts(self.tokenizer, page.gold_text or "", self.ngram))
        if not noise:
            return None  # every span of the label is gold text: nothing on this page can leak
        leaked = len(noise & _ngram_counts(self.tokenizer, text, self.ngram).keys())
        return ShareCounts(pages=1, share_sum=leaked / len(noise), part=leaked, whole=len(noise))


class DuplicationMetric(Metric):
    """Share of the prediction's word 5-grams that repeat gold content beyond its count in the gold."""

    name = "duplication"
    higher_is_better = False
    requires = ("gold_text",)
    counts_type = ShareCounts
    tokenizer = TOKENIZERS["unicode"]
    description = "share of predicted 5-grams repeating gold content beyond its count in the gold"
    ngram: ClassVar[int] = 5

    def count(self, text: str, page: GoldPage) -> ShareCounts:
        pred = _ngram_counts(self.tokenizer, text, self.ngram)
        gold = _ngram_counts(self.tokenizer, page.gold_text or "", self.ngram)
        total = sum(pred.values())
        excess = sum(max(0, count - gold[gram]) for gram, count in pred.items() if gram in gold)
        return ShareCounts(pages=1, share_sum=excess / total if total else 0.0, part=excess, whole=total)


@lru_cache(maxsize=64)
def _tokens(tokenizer: Tokenizer, text: str) -> tuple[str, ...]:
    """Memoised tokens: a page's gold text is read by several metrics and several extractors in a row."""
    return tuple(tokenizer(text))


@lru_cache(maxsize=64)
def _ngram_counts(tokenizer: Tokenizer, text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _tokens(tokenizer, text)
    return Counter(zip(*(tokens[i:] for i in range(n))))


# --- registry -------------------------------------------------------------------------------------

_METRICS: dict[str, type[Metric]] = {
    cls.name: cls for cls in (WordsMetric, AebMetric, WcxbMetric, SnippetsMetric, RougeLsumMetric, DuplicationMetric)
}
METRIC_NAMES: tuple[str, ...] = (*_METRICS, *(f"leak:{label}" for label in NOISE_LABELS))
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

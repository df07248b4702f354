"""The `Metric` base class: a metric declares what it is, and the steps are fixed here (sacrebleu style).

`page_counts` checks that the page has what the metric `requires` (None when it does not: the page is
skipped and counted), then the subclass's `count` hook returns the page's `Counts`. Everything else a
caller needs to know of a metric is one of its own attributes, never a list kept elsewhere: the value a
leaderboard heads with (`headline`), whether it scores content retention and may head a leaderboard
(`retention`), whether `run` tries it when no metrics are named (`default`), whether `leak:*` stands for
it (`wildcard`), and the parameters that decide its numbers (`params`), which its signature carries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from cleanbench import __version__
from cleanbench.errors import MetricError
from cleanbench.gold.schema import GoldPage
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts, Value
from cleanbench.score.signature import MetricKey, Signature
from cleanbench.score.tokenize import Tokenizer


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
    retention: ClassVar[bool] = False  # scores content kept: may head a leaderboard
    default: ClassVar[bool] = False  # tried by `run` when no metrics are named (kept where a page has what it needs)
    wildcard: ClassVar[bool] = False  # `leak:*` stands for it

    @property
    def values(self) -> tuple[Value, ...]:
        return self.counts_type.VALUES

    @property
    def headline(self) -> str:
        """The value a leaderboard shows first and sorts by: the first the counts report."""
        return self.values[0].name

    @property
    def params(self) -> Mapping[str, Any]:
        """Parameters that decide the numbers beyond the tokenizer (n-gram sizes, ...): part of the signature."""
        return {}

    def key(self, value: str | None = None) -> MetricKey:
        """The key of one of its values (the headline by default): `words.f1`, `leak:ad.value`."""
        return MetricKey(self.name, self.value(value or self.headline).name)

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
        clustered: bool = False,
    ) -> Signature:
        """The signature of one reported value (the headline by default), built from the metric's own attributes."""
        reported = self.value(value or self.headline)
        tokenizer = self.tokenizer
        return Signature(
            metric=self.name,
            value=reported.name,
            tokenizer=tokenizer.name if tokenizer else "none",
            case=tokenizer.case if tokenizer else "keep",
            normalisation=tokenizer.normalisation if tokenizer else self.normalisation,
            params=tuple(sorted((name, str(param)) for name, param in self.params.items())),
            aggregation=reported.aggregation,
            resamples=bootstrap.resamples,
            confidence=bootstrap.confidence,
            clustered=clustered,
            seed=bootstrap.seed,
            version=__version__,
            gold_digest=gold_digest,
            extractor=extractor,
        )

    def __repr__(self) -> str:
        return f"<metric {self.name}>"

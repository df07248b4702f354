"""Clutter metrics: how much of each labelled kind of clutter leaks into a prediction, and how much of
the body it holds twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cleanbench.errors import MetricError
from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.score.counts import ShareCounts
from cleanbench.score.index import encoded, gold_index, gram_count, ngram_set
from cleanbench.score.metrics.base import Metric
from cleanbench.score.tokenize import TOKENIZERS


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

    @property
    def default(self) -> bool:  # type: ignore[override]
        """A `duplicate` span repeats the gold text, so its leak is always empty: `duplication` scores that clutter."""
        return self.label != "duplicate"

    @property
    def wildcard(self) -> bool:  # type: ignore[override]
        return self.label != "duplicate"

    @property
    def params(self) -> Mapping[str, Any]:
        return {"n": self.ngram}

    def applies(self, page: GoldPage) -> bool:
        return any(span.label == self.label for span in page.noise)

    def count(self, text: str, page: GoldPage) -> ShareCounts | None:
        noise: set[tuple[str, ...]] = set()
        for span in page.noise:
            if span.label == self.label:
                noise.update(ngram_set(self.tokenizer, span.text, self.ngram))
        noise.difference_update(ngram_set(self.tokenizer, page.gold_text or "", self.ngram))
        if not noise:
            return None  # every span of the label is gold text: nothing on this page can leak
        leaked = len(noise & ngram_set(self.tokenizer, text, self.ngram))
        return ShareCounts(pages=1, share_sum=leaked / len(noise), part=leaked, whole=len(noise))


class DuplicationMetric(Metric):
    """Share of the prediction's word 5-grams that repeat gold content beyond its count in the gold."""

    name = "duplication"
    higher_is_better = False
    requires = ("gold_text",)
    counts_type = ShareCounts
    tokenizer = TOKENIZERS["unicode"]
    default = True
    ngram: ClassVar[int] = 5

    @property
    def params(self) -> Mapping[str, Any]:
        return {"n": self.ngram}

    def count(self, text: str, page: GoldPage) -> ShareCounts:
        gold = gold_index(self.tokenizer, page.gold_text or "")
        pred = encoded(self.tokenizer, page.gold_text or "", text)
        total = gram_count(len(pred), self.ngram)
        excess = gold.excess(pred, self.ngram)
        return ShareCounts(pages=1, share_sum=excess / total if total else 0.0, part=excess, whole=total)

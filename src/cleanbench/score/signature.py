"""`Signature` (what produced a score, built from the objects that computed it) and `MetricKey`.

String form (DESIGN.md, extended so that every value says how it was made):
`metric:words.f1|tok:unicode|case:fold|agg:macro|ci:boot1000|conf:0.95|seed:12345|v:0.1.0`, with the
metric's own parameters after the case (`n:3` for a leak, `shingle:4` for aeb), `ci:boot1000-cluster`
when whole clusters of derived pages were resampled, then `|gold:<first 12 hex digits of the gold
digest>` and `|ext:<name@version{options}>` when known. The tokenizer name pins its normalisation,
so `normalisation` is recorded in the JSON form only. Two numbers are comparable when their
signatures are equal, gold and extractor parts aside.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cleanbench.errors import MetricError

GOLD_DIGEST_SHOWN = 12


@dataclass(frozen=True, order=True)
class MetricKey:
    """One reported number of a metric: `words.f1`, `leak:ad.value`, `snippets.accuracy`."""

    metric: str
    value: str

    @classmethod
    def parse(cls, text: str) -> MetricKey:
        """`metric.value`; the value is what follows the last dot (metric names hold no dot)."""
        metric, dot, value = text.rpartition(".")
        if not dot or not metric or not value:
            raise MetricError(f"{text!r} is not a metric key: expected metric.value (words.f1, leak:ad.value)")
        return cls(metric, value)

    def __str__(self) -> str:
        return f"{self.metric}.{self.value}"


@dataclass(frozen=True)
class Signature:
    metric: str
    value: str
    tokenizer: str  # a tokenizer name, or "none"
    case: str  # "fold", "lower", "keep"
    normalisation: str  # "NFKC", "whitespace-fold", "none"
    params: tuple[tuple[str, str], ...]  # the metric's own parameters, sorted: (("n", "3"),)
    aggregation: str  # "macro", "micro", "f1-of-means"
    resamples: int
    confidence: float
    clustered: bool
    seed: int
    version: str  # cleanbench's
    gold_digest: str | None = None
    extractor: str | None = None  # name@version{options}

    def __str__(self) -> str:
        parts = [f"metric:{self.metric}.{self.value}", f"tok:{self.tokenizer}", f"case:{self.case}"]
        parts += [f"{name}:{param}" for name, param in self.params]
        parts += [
            f"agg:{self.aggregation}",
            f"ci:boot{self.resamples}{'-cluster' if self.clustered else ''}",
            f"conf:{self.confidence:g}",
            f"seed:{self.seed}",
            f"v:{self.version}",
        ]
        if self.gold_digest:
            parts.append(f"gold:{self.gold_digest[:GOLD_DIGEST_SHOWN]}")
        if self.extractor:
            parts.append(f"ext:{self.extractor}")
        return "|".join(parts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

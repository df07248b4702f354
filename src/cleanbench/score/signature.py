"""`Signature`: what produced a score, built from the objects that computed it.

String form (DESIGN.md): `metric:words|tok:unicode|case:fold|agg:macro|ci:boot1000|seed:12345|v:0.1.0`,
then `|gold:<first 12 hex digits of the gold digest>` and `|ext:<name@version{options}>` when known.
The tokenizer name pins its normalisation, so `normalisation` is recorded in the JSON form only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GOLD_DIGEST_SHOWN = 12


@dataclass(frozen=True)
class Signature:
    metric: str
    tokenizer: str  # a tokenizer name, or "none"
    case: str  # "fold", "lower", "keep"
    normalisation: str  # "NFKC", "whitespace-fold", "none"
    aggregation: str  # "macro", "micro", "f1-of-means"
    resamples: int
    seed: int
    version: str  # cleanbench's
    gold_digest: str | None = None
    extractor: str | None = None  # name@version{options}

    def __str__(self) -> str:
        parts = [
            f"metric:{self.metric}",
            f"tok:{self.tokenizer}",
            f"case:{self.case}",
            f"agg:{self.aggregation}",
            f"ci:boot{self.resamples}",
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

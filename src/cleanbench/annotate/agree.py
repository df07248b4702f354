"""How well two annotations of the same pages agree (`cleanbench data agree A.jsonl B.jsonl`).

Over the pages both sets hold (matched by id; their HTML must be the same):
- gold text: words F1 of one gold text against the other (the `words` metric, symmetric), mean over pages;
- noise spans, per label: words F1 of the two annotators' spans of that label, mean over the pages
  where either used the label;
- blocks: each page cut into blocks (`annotate.blocks`), each block labelled under each annotation
  (`annotate.project`: the span covering at least half of it), and Cohen's kappa over all blocks pooled;
- the pages that disagree most: by the share of their blocks labelled differently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cleanbench import __version__
from cleanbench.annotate.blocks import SEGMENTATION, segment_html, segment_text
from cleanbench.annotate.project import project
from cleanbench.annotate.state import LABELS
from cleanbench.errors import GoldError
from cleanbench.gold.schema import NOISE_LABELS, GoldPage
from cleanbench.score.metrics.retention import WordsMetric

_WORDS = WordsMetric()


@dataclass(frozen=True)
class PageAgreement:
    """One page: words F1 of the gold texts, per-label F1 of the noise spans, blocks labelled alike."""

    page_id: str
    words_f1: float | None
    labels_f1: dict[str, float]
    blocks: int
    same_blocks: int

    @property
    def block_agreement(self) -> float:
        return self.same_blocks / self.blocks if self.blocks else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "page_id": self.page_id,
            "words_f1": self.words_f1,
            "labels_f1": self.labels_f1,
            "blocks": self.blocks,
            "same_blocks": self.same_blocks,
            "block_agreement": self.block_agreement,
        }


@dataclass(frozen=True)
class Agreement:
    """Two annotations compared; `signature` says how."""

    pages: tuple[PageAgreement, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    confusion: dict[tuple[str, str], int]
    signature: str

    @property
    def words_f1(self) -> float | None:
        values = [page.words_f1 for page in self.pages if page.words_f1 is not None]
        return sum(values) / len(values) if values else None

    def label_f1(self, label: str) -> tuple[float | None, int]:
        """The mean F1 of a label's spans over the pages where either annotation used it, and how many."""
        values = [page.labels_f1[label] for page in self.pages if label in page.labels_f1]
        return (sum(values) / len(values) if values else None), len(values)

    @property
    def blocks(self) -> int:
        return sum(self.confusion.values())

    @property
    def observed(self) -> float | None:
        return sum(n for (a, b), n in self.confusion.items() if a == b) / self.blocks if self.blocks else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa over all blocks: (observed - expected) / (1 - expected)."""
        total = self.blocks
        if not total:
            return None
        row: Counter[str] = Counter()
        column: Counter[str] = Counter()
        for (a, b), n in self.confusion.items():
            row[a] += n
            column[b] += n
        expected = sum(row[label] * column[label] for label in row) / total**2
        observed = self.observed or 0.0
        if expected >= 1.0:
            return 1.0 if observed >= 1.0 else 0.0
        return (observed - expected) / (1.0 - expected)

    def most_disagreeing(self, count: int) -> list[PageAgreement]:
        return sorted(self.pages, key=lambda page: (page.block_agreement, page.words_f1 if page.words_f1 is not None else 1.0, page.page_id))[:count]

    def to_json(self, *, top: int) -> dict[str, Any]:
        return {
            "signature": self.signature,
            "pages": len(self.pages),
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "words_f1": self.words_f1,
            "labels_f1": {label: {"f1": f1, "pages": n} for label in NOISE_LABELS for f1, n in [self.label_f1(label)] if n},
            "blocks": self.blocks,
            "observed_agreement": self.observed,
            "kappa": self.kappa,
            "most_disagreeing": [page.to_json() for page in self.most_disagreeing(top)],
        }


def agree(a: Iterable[GoldPage], b: Iterable[GoldPage], *, digests: tuple[str, str]) -> Agreement:
    """Compare two annotations of the same pages; `digests` are the two sets' digests (for the signature)."""
    first = {page.id: page for page in a}
    second = {page.id: page for page in b}
    shared = [page_id for page_id in first if page_id in second]
    pages: list[PageAgreement] = []
    confusion: Counter[tuple[str, str]] = Counter()
    for page_id in shared:
        one, other = first[page_id], second[page_id]
        if (one.html or one.text) != (other.html or other.text):
            raise GoldError(f"page {page_id!r}: the two annotations hold different pages (their HTML or text differ)")
        texts = [block.text for block in (segment_text(one.text) if one.is_text else segment_html(one.html).blocks)]
        sources = list(range(len(texts)))
        labels_a, labels_b = project(texts, sources, one), project(texts, sources, other)
        confusion.update(zip(labels_a, labels_b))
        pages.append(
            PageAgreement(
                page_id=page_id,
                words_f1=_f1(one.gold_text, other.gold_text) if one.gold_text is not None and other.gold_text is not None else None,
                labels_f1={label: _f1(_spans(one, label), _spans(other, label)) for label in NOISE_LABELS if _spans(one, label) or _spans(other, label)},
                blocks=len(texts),
                same_blocks=sum(x == y for x, y in zip(labels_a, labels_b)),
            )
        )
    signature = (
        f"agree|seg:{SEGMENTATION}|labels:{len(LABELS)}|tok:{_WORDS.tokenizer.name}|case:{_WORDS.tokenizer.case}"
        f"|v:{__version__}|a:{digests[0][:12]}|b:{digests[1][:12]}"
    )
    return Agreement(
        pages=tuple(pages),
        only_a=tuple(sorted(set(first) - set(second))),
        only_b=tuple(sorted(set(second) - set(first))),
        confusion=dict(confusion),
        signature=signature,
    )


def _spans(page: GoldPage, label: str) -> str:
    return "\n".join(span.text for span in page.noise if span.label == label)


def _f1(text: str, other: str) -> float:
    """Words F1 of two texts (symmetric): the `words` metric with one of them as the gold."""
    return float(_WORDS.count(text, GoldPage(id="agree", html="", gold_text=other)).f1_sum)

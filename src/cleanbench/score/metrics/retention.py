"""Content-retention metrics: how much of the gold a prediction keeps (words, aeb, wcxb, snippets, rouge-lsum)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cleanbench.gold.schema import GoldPage
from cleanbench.score.counts import AebCounts, OverlapCounts, SnippetCounts
from cleanbench.score.index import encoded, gold_index, gram_count, text_tokens
from cleanbench.score.metrics.base import Metric
from cleanbench.score.rouge import summary_lcs_hits
from cleanbench.score.tokenize import TOKENIZERS, Tokenizer


class WordsMetric(Metric):
    """Multiset overlap of `unicode` word tokens: P, R, F1 per page (macro) and pooled (micro)."""

    name = "words"
    requires = ("gold_text",)
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["unicode"]
    retention = True
    default = True

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(self.tokenizer, text, page.gold_text or "")


class WcxbMetric(Metric):
    """WCXB's word F1; a page without gold text is scored against an empty gold, as WCXB's evaluate.py does."""

    name = "wcxb"
    requires = ()
    counts_type = OverlapCounts
    tokenizer = TOKENIZERS["wcxb"]
    retention = True

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        return _overlap(self.tokenizer, text, page.gold_text or "")


def _overlap(tokenizer: Tokenizer, text: str, gold_text: str) -> OverlapCounts:
    """Multiset word overlap; both empty: 1, one of them empty: 0 (WCXB's and DESIGN.md's rule)."""
    gold = gold_index(tokenizer, gold_text)
    pred, total = encoded(tokenizer, gold_text, text), len(gold.digits)
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
    retention = True
    shingle_size: ClassVar[int] = 4

    @property
    def params(self) -> Mapping[str, Any]:
        return {"shingle": self.shingle_size}

    def count(self, text: str, page: GoldPage) -> AebCounts:
        true_tokens = text_tokens(self.tokenizer, page.gold_text or "")
        pred_tokens = text_tokens(self.tokenizer, text)
        true = gold_index(self.tokenizer, page.gold_text or "")
        pred = encoded(self.tokenizer, page.gold_text or "", text)
        # Zyte sums min, excess and shortfall over the union of shingles: the same integers as these.
        tp = float(true.overlap(pred, self.shingle_size, short=True))
        fp = float(gram_count(len(pred), self.shingle_size, short=True)) - tp
        fn = float(gram_count(len(true.digits), self.shingle_size, short=True)) - tp
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
    retention = True
    default = True

    def count(self, text: str, page: GoldPage) -> SnippetCounts:
        output = fold_snippet_whitespace(text)
        found = sum(fold_snippet_whitespace(snippet) in output for snippet in page.with_snippets)
        leaked = sum(fold_snippet_whitespace(snippet) in output for snippet in page.without_snippets)
        return SnippetCounts(tp=found, fn=len(page.with_snippets) - found, fp=leaked, tn=len(page.without_snippets) - leaked)


def fold_snippet_whitespace(text: str) -> str:
    """trafilatura's snippet comparison form, `re.sub(r"\\s+", " ", text)` (faster: \\s and str.split() know the
    same white space): runs fold to one space and a leading or trailing run stays. The one rule for
    snippets everywhere (the HTML report marks them by it): it reproduces trafilatura's 0.9261."""
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
    retention = True

    def count(self, text: str, page: GoldPage) -> OverlapCounts:
        hits, gold_total, pred_total = summary_lcs_hits(page.gold_text or "", text)
        # rouge-score's own arithmetic, so that page scores are the same floats (0 when either side is empty).
        precision = hits / pred_total if pred_total and gold_total else 0.0
        recall = hits / gold_total if pred_total and gold_total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        return OverlapCounts.page(precision=precision, recall=recall, f1=f1, overlap=hits, predicted=pred_total, gold=gold_total)

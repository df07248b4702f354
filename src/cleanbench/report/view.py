"""One extractor on one gold page, as the report shows it: the prediction, its marks, its snippets found."""

from __future__ import annotations

from dataclasses import dataclass

from cleanbench.gold.schema import fold_whitespace
from cleanbench.prediction import Prediction
from cleanbench.report.marks import PageMarks, PageWords


@dataclass(frozen=True)
class View:
    """One extractor on one page: its prediction (None when missing) and the marks against the gold."""

    extractor: str
    prediction: Prediction | None
    marks: PageMarks
    with_found: tuple[bool, ...]
    without_found: tuple[bool, ...]

    @property
    def status(self) -> str:
        return self.prediction.status if self.prediction else "missing"

    @property
    def anchor(self) -> str:
        return f"x-{self.extractor}"

    @property
    def text(self) -> str:
        """What the scorers see: the text of an `ok` prediction, else the empty string."""
        return self.prediction.scored_text if self.prediction else ""

    def headline(self) -> tuple[str, float | None]:
        """A short per-page score for the grid and its quality in [0, 1] (None when there is nothing to score)."""
        if self.marks.has_gold_text:
            return number(self.marks.f1), self.marks.f1
        if self.with_found:
            return f"with {sum(self.with_found)}/{len(self.with_found)}", sum(self.with_found) / len(self.with_found)
        return "", None


def make_view(extractor: str, *, words: PageWords, prediction: Prediction | None) -> View:
    """The view of `prediction` (None: the run has none for the page) against the page `words` reads."""
    text = prediction.scored_text if prediction else ""
    folded = fold_whitespace(text)
    page = words.page
    return View(
        extractor=extractor,
        prediction=prediction,
        marks=words.mark(text),
        with_found=tuple(fold_whitespace(snippet) in folded for snippet in page.with_snippets),
        without_found=tuple(fold_whitespace(snippet) in folded for snippet in page.without_snippets),
    )


def number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"

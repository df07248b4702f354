"""Baselines that bound every leaderboard: `everything` (all visible text), `nothing`, and `gold`."""

from __future__ import annotations

from typing import ClassVar

from cleanbench import __version__
from cleanbench.errors import ExtractorError
from cleanbench.extractors.base import Adapter
from cleanbench.gold.schema import GoldPage
from cleanbench.gold.visible import visible_text

# The rows that bound a leaderboard, with what each one is; they are shown but never ranked.
BOUNDS: dict[str, str] = {"gold": "the gold text itself", "everything": "all visible text", "nothing": "no text"}


class Baseline(Adapter):
    """A baseline is part of cleanbench: its version is cleanbench's."""

    license = "MIT (cleanbench)"

    def version(self) -> str | None:
        return __version__


class Everything(Baseline):
    """All visible text of the page (`cleanbench.gold.visible.visible_text`): the recall ceiling."""

    name = "everything"

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return visible_text(html)


class Nothing(Baseline):
    """The empty string for every page: the floor."""

    name = "nothing"

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return ""


class Gold(Baseline):
    """The page's own gold: a sanity row that must score perfectly.

    `extract_page(page)` returns `gold_text`, or when a page has none its `with` snippets joined by
    blank lines. The runner calls it instead of `extract` because `uses_gold` is set.
    """

    name = "gold"
    uses_gold: ClassVar[bool] = True

    def extract_page(self, page: GoldPage) -> str:
        if page.gold_text is not None:
            return page.gold_text
        return "\n\n".join(page.with_snippets)

    def extract(self, html: str, *, url: str | None = None, lang: str | None = None) -> str:
        raise ExtractorError("gold: needs the gold page, not its HTML: call extract_page(page) (the runner does when uses_gold is set)")

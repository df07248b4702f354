"""Baselines that bound every leaderboard: `everything` (all visible text), `nothing`, and `gold`."""

from __future__ import annotations

from cleanbench import __version__
from cleanbench.errors import ExtractorError
from cleanbench.extractors.base import Adapter
from cleanbench.gold.visible import visible_text
from cleanbench.stages.base import PageInput

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

    It reads the gold page itself (`reads_gold`: the runner attaches it to the page it sends): its
    `gold_text`, or when a page has none its `with` snippets joined by blank lines.
    """

    name = "gold"
    reads_gold = True

    def process(self, page: PageInput) -> str:
        if page.gold is None:
            raise ExtractorError("gold: needs the gold page (the runner attaches it for a stage that reads_gold)")
        if page.gold.gold_text is not None:
            return page.gold.gold_text
        return "\n\n".join(page.gold.with_snippets)

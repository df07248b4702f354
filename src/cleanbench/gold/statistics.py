"""What a gold set holds, counted: pages, text pages, gold text and snippets, languages, page types,
noise labels (pages carrying each), and sites (DESIGN.md's site rule) with their page counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cleanbench.gold.rules import page_site
from cleanbench.gold.schema import GoldPage


@dataclass(frozen=True)
class GoldStatistics:
    pages: int
    text_pages: int
    with_gold_text: int
    with_snippets: int
    languages: Mapping[str, int]  # by primary subtag (en-GB counts as en), most pages first
    page_types: Mapping[str, int]
    noise_labels: Mapping[str, int]  # pages carrying each label
    sites: Mapping[str, int]  # sites of two pages or more

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "text_pages": self.text_pages,
            "pages_with_gold_text": self.with_gold_text,
            "pages_without_gold_text": self.pages - self.with_gold_text,
            "pages_with_snippets": self.with_snippets,
            "languages": dict(self.languages),
            "page_types": dict(self.page_types),
            "noise_labels": dict(self.noise_labels),
            "sites": dict(self.sites),
        }


def gold_statistics(pages: Iterable[GoldPage], *, text_pages: int) -> GoldStatistics:
    """Count a set's annotations (pages read without their HTML; `text_pages` counted apart)."""
    langs: Counter[str] = Counter()
    types: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    count = with_gold_text = with_snippets = 0
    for page in pages:
        count += 1
        langs[page.lang.split("-", 1)[0].lower() if page.lang else "unknown"] += 1
        types[page.page_type or "unknown"] += 1
        labels.update(page.noise_labels())
        site = page_site(meta=page.meta, url=page.url)
        if site:
            sites[site] += 1
        with_gold_text += page.gold_text is not None
        with_snippets += bool(page.with_snippets or page.without_snippets)
    return GoldStatistics(
        pages=count,
        text_pages=text_pages,
        with_gold_text=with_gold_text,
        with_snippets=with_snippets,
        languages=_ranked(langs),
        page_types=_ranked(types),
        noise_labels=_ranked(labels),
        sites=_ranked(Counter({site: n for site, n in sites.items() if n > 1})),
    )


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

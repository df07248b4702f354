"""Extractors for end-to-end tests: the gold text, whole or with paragraphs dropped, under one name.

`FullCopy` and `DropsParagraphs` share the name `variant` and differ in their options, as two
configurations of one tool would: a regression gate and `compare` must tell them apart.
"""

from __future__ import annotations

from typing import ClassVar

from cleanbench.gold.schema import GoldPage


class FullCopy:
    name = "variant"
    package = None
    options: ClassVar[dict[str, object]] = {"keep": "all"}
    uses_gold = True

    def extract(self, html: str, *, url: str | None = None) -> str:
        raise NotImplementedError("needs the gold page")

    def extract_page(self, page: GoldPage) -> str:
        return page.gold_text or ""


class DropsParagraphs(FullCopy):
    """Keeps every other paragraph on pages whose id sorts in the first half: a partial regression."""

    options: ClassVar[dict[str, object]] = {"keep": "every other paragraph on news pages"}

    def extract_page(self, page: GoldPage) -> str:
        paragraphs = (page.gold_text or "").split("\n\n")
        if page.id.startswith("news-"):
            paragraphs = paragraphs[::2]
        return "\n\n".join(paragraphs)

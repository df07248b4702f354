"""Stages for end-to-end tests: the gold text, whole or with paragraphs dropped, under one name.

`FullCopy` and `DropsParagraphs` share the name `variant` and differ in their options, as two
configurations of one tool would: a regression gate and `compare` must tell them apart. They read the
gold page (`reads_gold`), as the `gold` bound does.
"""

from __future__ import annotations

from typing import ClassVar

from cleanbench.stages.base import PageInput


class FullCopy:
    name = "variant"
    package = None
    options: ClassVar[dict[str, object]] = {"keep": "all"}
    reads_gold = True

    def process(self, page: PageInput) -> str:
        assert page.gold is not None
        return page.gold.gold_text or ""


class DropsParagraphs(FullCopy):
    """Keeps every other paragraph on pages whose id sorts in the first half: a partial regression."""

    options: ClassVar[dict[str, object]] = {"keep": "every other paragraph on news pages"}

    def process(self, page: PageInput) -> str:
        assert page.gold is not None
        paragraphs = (page.gold.gold_text or "").split("\n\n")
        if page.id.startswith("news-"):
            paragraphs = paragraphs[::2]
        return "\n\n".join(paragraphs)

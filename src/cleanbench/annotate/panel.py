"""The agreement panel: five main-content extractors run on a page (in the sandbox), and which of its
blocks each one keeps.

A block is kept by an extractor when at least half of its word tokens (`unicode` tokenizer) are
matched in the extractor's output, aligned in reading order (so that of two copies of a paragraph
only the one the extractor took counts). The bounds (`everything`, `nothing`, `gold`) never vote.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleanbench.annotate.sources import SourcePage
from cleanbench.gold.rules import page_language, page_site
from cleanbench.run.sandbox import Job, Limits, Sandbox
from cleanbench.score.tokenize import TOKENIZERS
from cleanbench.stages.base import PageInput, stage_signature
from cleanbench.stages.registry import resolve

PANEL: tuple[str, ...] = ("trafilatura", "resiliparse", "readability", "justext", "boilerpy3")
VOTES_NEEDED = 3
"""A block is guessed content when at least this many of the panel's five extractors keep it."""
KEPT_SHARE = 0.5
_TOKENIZER = TOKENIZERS["unicode"]


@dataclass(frozen=True)
class PanelOutput:
    """What the panel made of one page: each extractor's text, or why it has none."""

    texts: dict[str, str]
    failures: dict[str, str]


class Panel:
    """The panel's extractors in one sandbox, kept for a whole annotation session. Close it when done."""

    def __init__(self, *, workers: int, limits: Limits | None = None, names: Sequence[str] = PANEL) -> None:
        self.names = tuple(names)
        self.signatures = tuple(stage_signature(resolve(name)) for name in self.names)
        self._sandbox = Sandbox(workers=workers, limits=limits)
        self._stages = {name: self._sandbox.add_stage(name) for name in self.names}

    def run(self, pages: Sequence[SourcePage]) -> dict[str, PanelOutput]:
        """Every extractor of the panel on every page, keyed by page id."""
        texts: dict[str, dict[str, str]] = {page.id: {} for page in pages}
        failures: dict[str, dict[str, str]] = {page.id: {} for page in pages}
        jobs = list(self._jobs(pages))
        for outcome in self._sandbox.run(job for job, _, _ in jobs):
            _, page_id, name = jobs[outcome.key]
            if outcome.status in ("ok", "empty"):
                texts[page_id][name] = outcome.text
            else:
                failures[page_id][name] = f"{outcome.status}: {outcome.error or ''}".strip(": ")
        return {page.id: PanelOutput(texts[page.id], failures[page.id]) for page in pages}

    def _jobs(self, pages: Sequence[SourcePage]) -> Iterator[tuple[Job, str, str]]:
        key = 0
        for page in pages:
            language = page_language(lang=None, html=page.html)
            given = PageInput(
                page.id,
                html=page.html,
                url=page.url,
                lang=language.tag,
                lang_source=language.source,
                site=page_site(meta=None, url=page.url),
            )
            for name in self.names:
                yield Job(key, self._stages[name], given), page.id, name
                key += 1

    def close(self) -> None:
        self._sandbox.close()

    def __enter__(self) -> Panel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def kept_shares(blocks: Sequence[str], output: str) -> list[float]:
    """For each block, the share of its tokens that the output holds, aligned in reading order."""
    owners: list[int] = []
    tokens: list[str] = []
    for index, text in enumerate(blocks):
        words = _TOKENIZER(text)
        tokens.extend(words)
        owners.extend([index] * len(words))
    matched = [0] * len(blocks)
    if tokens and output:
        matcher = difflib.SequenceMatcher(None, tokens, _TOKENIZER(output))
        for match in matcher.get_matching_blocks():
            for position in range(match.a, match.a + match.size):
                matched[owners[position]] += 1
    sizes = [0] * len(blocks)
    for owner in owners:
        sizes[owner] += 1
    return [matched[i] / sizes[i] if sizes[i] else 0.0 for i in range(len(blocks))]


def votes(blocks: Sequence[str], output: PanelOutput) -> list[list[str]]:
    """For each block, the extractors that keep it (at least `KEPT_SHARE` of its tokens)."""
    keepers: list[list[str]] = [[] for _ in blocks]
    for name, text in output.texts.items():
        for index, share in enumerate(kept_shares(blocks, text)):
            if share >= KEPT_SHARE:
                keepers[index].append(name)
    return keepers

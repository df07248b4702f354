"""The pre-filled guess of a page: a label for each block, with its reason, before any click.

In order, the first that applies:
1. glued clutter: an ad run into a paragraph without a space is cut off and labelled ad;
2. a second copy: a block whose text (4 words or more) repeats an earlier block guessed content is
   `duplicate`;
3. a clutter cue from the markup (a class, id, tag or role naming the clutter), then from the text
   (`annotate.cues`);
4. the panel: content when at least 3 of the 5 extractors keep the block (optional where the markup
   says byline, caption or title; a weak "other" cue such as `<aside>` gives way to the panel);
5. otherwise: nav for a short run of link text, related for a longer one, else other.
A new span starts where the label changes, where the cue's element changes, and at each optional block.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.etree

from cleanbench.annotate.blocks import Segments, segment_html
from cleanbench.annotate.cues import (
    WEAK,
    Cue,
    content_region,
    glued_cuts,
    link_share,
    markup_cue,
    text_cue,
)
from cleanbench.annotate.panel import VOTES_NEEDED, Panel, PanelOutput, votes
from cleanbench.annotate.sources import SourcePage
from cleanbench.annotate.state import CONTENT, OPTIONAL, PageState, Piece
from cleanbench.gold.rules import declared_lang
from cleanbench.score.tokenize import TOKENIZERS

SHORT_LINK_WORDS = 4
"""A block of link text this short is guessed nav; a longer one, a related teaser."""
LINK_SHARE = 0.6
_MIN_COPY_WORDS = 8
_TOKENIZER = TOKENIZERS["unicode"]
_TEXT_TAGS = frozenset({"p", "li", "td", "th", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})


@dataclass(frozen=True)
class Started:
    """A page's guess: its state, and what made it (the panel's signatures, the extractors that failed)."""

    state: PageState
    panel: tuple[str, ...]
    failures: dict[str, str]


Guess = Callable[[Sequence[SourcePage]], dict[str, Started]]
"""Guesses for a batch of pages, by page id."""


def panel_guess(panel: Panel) -> Guess:
    """The guess of pages by `panel`'s extractors and the cues."""

    def guess(pages: Sequence[SourcePage]) -> dict[str, Started]:
        outputs = panel.run(pages)
        return {
            page.id: Started(
                guess_page(segment_html(page.html), outputs[page.id], panel=panel.names, html=page.html),
                panel.signatures,
                dict(outputs[page.id].failures),
            )
            for page in pages
        }

    return guess


@dataclass(frozen=True)
class _Candidate:
    text: str
    source: int
    anchor: int
    tag: str
    owner: lxml.etree._Element
    cut: Cue | None  # the cue of a piece cut out as glued clutter


def guess_page(segments: Segments, output: PanelOutput, *, panel: Sequence[str], html: str) -> PageState:
    """The guessed state of a page from its segments and what the panel's extractors kept of it."""
    candidates = _pieces(segments)
    keepers = votes([c.text for c in candidates], output)
    ran = len(output.texts)
    facts = [_facts(candidate, kept=len(keepers[index])) for index, candidate in enumerate(candidates)]
    voted_regions = {id(fact.region) for fact in facts if fact.region is not None and fact.voted}
    labels: list[str] = []
    reasons: list[str] = []
    groups: list[lxml.etree._Element | None] = []
    seen: dict[str, int] = {}
    for index, (candidate, fact) in enumerate(zip(candidates, facts)):
        kept = keepers[index]
        tally = f"kept by {len(kept)} of {ran}" + (f" ({', '.join(kept)})" if kept else "")
        in_voted_region = fact.region is not None and id(fact.region) in voted_regions
        label, reason, group = _decide(candidate, fact, in_voted_region=in_voted_region, labels=labels, seen=seen, index=index)
        first = seen.get(" ".join(candidate.text.split()).casefold(), index)
        if label == "duplicate" and labels[first] != CONTENT:  # of two copies, the first is the body
            labels[first] = CONTENT
            reasons[first] = f"the first of two copies (block {index + 1} is the second); {reasons[first].rpartition('; ')[2]}"
        labels.append(label)
        reasons.append(f"{reason}; {tally}" if reason else tally)
        groups.append(group)
    starts = [
        index == 0 or label != labels[index - 1] or label == OPTIONAL or groups[index] is not groups[index - 1]
        for index, label in enumerate(labels)
    ]
    for index in range(1, len(candidates)):  # pieces of one segment with one label stay one span
        if candidates[index].source == candidates[index - 1].source and labels[index] == labels[index - 1]:
            starts[index] = False
    declared = declared_lang(html)
    missing = [name for name in panel if name not in output.texts]
    if missing:
        reasons = [f"{reason}; did not run: {', '.join(missing)}" for reason in reasons]
    return PageState(
        blocks=tuple(Piece(c.text, c.source, c.anchor, c.tag, reason) for c, reason in zip(candidates, reasons)),
        labels=tuple(labels),
        starts=tuple(starts),
        guesses=tuple(labels),
        lang=declared.replace("_", "-") if declared else None,
    )


@dataclass(frozen=True)
class _Facts:
    """What the guess knows of a piece before it decides: its cues, its votes, its content region."""

    markup: Cue | None
    text: Cue | None
    kept: int
    region: lxml.etree._Element | None

    @property
    def voted(self) -> bool:
        """Kept by enough extractors, with no clutter cue against it."""
        weak_text = self.text is None or self.text.label == "ad"
        return self.kept >= VOTES_NEEDED and (self.markup is None or self.markup.label in (OPTIONAL, WEAK)) and weak_text


def _facts(candidate: _Candidate, *, kept: int) -> _Facts:
    markup = markup_cue(candidate.owner)
    text = text_cue(candidate.text, candidate.owner)
    return _Facts(markup, text, kept, content_region(candidate.owner))


def _pieces(segments: Segments) -> list[_Candidate]:
    """The segments, with glued clutter cut off into pieces of its own."""
    pieces: list[_Candidate] = []
    for index, (block, owner) in enumerate(zip(segments.blocks, segments.owners)):
        cuts = glued_cuts(owner, block.text)
        bounds = sorted({0, len(block.text), *(k for cut in cuts for k in (cut.start, cut.end))})
        for start, end in itertools.pairwise(bounds):
            text = block.text[start:end]
            if not text.strip():
                continue
            cue = next((cut.cue for cut in cuts if cut.start == start and cut.end == end), None)
            pieces.append(_Candidate(text, index, block.anchor, block.tag, owner, cue))
    return pieces


def _decide(
    candidate: _Candidate, fact: _Facts, *, in_voted_region: bool, labels: list[str], seen: dict[str, int], index: int
) -> tuple[str, str, lxml.etree._Element | None]:
    if candidate.cut is not None:
        return candidate.cut.label, candidate.cut.reason, candidate.cut.group
    folded = " ".join(candidate.text.split()).casefold()
    first = seen.setdefault(folded, index)
    if first != index and labels[first] in (CONTENT, WEAK) and len(_TOKENIZER(folded)) >= _MIN_COPY_WORDS:
        return "duplicate", f"the same text as block {first + 1} (a second copy)", None
    markup, cue = fact.markup, fact.text
    if markup is not None and markup.label not in (OPTIONAL, WEAK):
        return markup.label, markup.reason, markup.group
    if cue is not None and (cue.label != "ad" or fact.kept < VOTES_NEEDED):  # a date and a price: weak
        return cue.label, cue.reason, None
    if markup is not None and (markup.label == OPTIONAL or fact.kept < VOTES_NEEDED):
        return markup.label, markup.reason, markup.group
    if fact.kept >= VOTES_NEEDED:
        return CONTENT, "", None
    if in_voted_region and candidate.tag in _TEXT_TAGS:
        return CONTENT, f"a <{candidate.tag}> in the content region the extractors keep", None
    words = len(candidate.text.split())
    if link_share(candidate.owner, candidate.text) >= LINK_SHARE:
        if words <= SHORT_LINK_WORDS:
            return "nav", "a short run of link text", None
        return "related", "a longer run of link text (a teaser)", None
    return WEAK, "no cue, and too few extractors keep it", None

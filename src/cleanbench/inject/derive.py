"""One source page to its derived pages: the clean copy and one page per kind (or per variant), with labels and provenance.

Every random choice comes from `random.Random(f"{seed}:{source id}:{kind}")`, so a page's clutter does
not depend on which other kinds or pages were asked for; variants are assigned round-robin over the
source pages from a seeded offset per kind.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleanbench import __version__
from cleanbench.gold.rules import page_language, page_site
from cleanbench.gold.schema import ID_PATTERN, fold_whitespace
from cleanbench.inject import html as html_inject
from cleanbench.inject.clutter import HTML_VARIANTS, TEXT_VARIANTS, Clutter, build, paragraphs, phrases_for
from cleanbench.inject.text import insert_lines

PLACEMENTS: dict[tuple[str, str], str] = {
    ("ad", "inline"): "inside", ("ad", "sidebar"): "before", ("related", "inside"): "inside",
    ("newsletter", "inline"): "inside", ("cookie", "banner"): "top", ("share", "top"): "before",
    ("nav", "header"): "top", ("footer", "footer"): "end",
}
_TEASERS = 3
_MIN_WITHOUT = 12  # characters: a shorter `without` snippet would too often occur in some page's gold text


@dataclass(frozen=True)
class Request:
    """What to derive: kinds, seed, every variant or one each, and where the pages come from (for meta)."""

    kinds: tuple[str, ...]
    seed: int
    all_variants: bool
    source: Mapping[str, Any]  # spec, name, digest


@dataclass(frozen=True)
class Teaser:
    page_id: str
    headline: str
    excerpt: str


def teaser(page_id: str, gold_text: str) -> Teaser | None:
    """A related-article teaser from a page's gold text: a headline and a truncated excerpt; None when too short."""
    found = [p for p in paragraphs(gold_text) if len(p) >= 40]
    if not found:
        return None
    text = " ".join(found[:2])
    words = text.split()
    if len(words) >= 14:
        return Teaser(page_id, " ".join(words[:8]), " ".join(words[8:34]) + " …")
    if len(text) >= 40:  # scripts written without spaces (zh, ja): cut by characters
        return Teaser(page_id, text[:16], text[16:90] + "…")
    return None


def variants_for(kind: str, *, index: int, request: Request, is_text: bool) -> tuple[str, ...]:
    known = (TEXT_VARIANTS if is_text else HTML_VARIANTS)[kind]
    if request.all_variants:
        return known
    offset = random.Random(f"{request.seed}:{kind}").randrange(len(known))
    return (known[(index + offset) % len(known)],)


def derive(row: Mapping[str, Any], *, index: int, request: Request, teasers: Sequence[Teaser]) -> tuple[list[dict[str, Any]], Counter[str]]:
    """The derived records of one source row (Arrow layout, meta as JSON), and skipped (kind: reason) counts."""
    skipped: Counter[str] = Counter()
    is_text = row.get("text") is not None
    language = page_language(lang=row.get("lang"), html=None if is_text else row.get("html"))
    used, _ = phrases_for(language.primary)
    source_meta = json.loads(row["meta"]) if isinstance(row.get("meta"), str) and row["meta"] else dict(row.get("meta") or {})
    gold_text = row.get("gold_text") or ""
    gold_paragraphs = paragraphs(gold_text)
    base = {**row, "meta": source_meta}
    provenance = {"source": {**request.source, "page_id": row["id"]}, "seed": request.seed, "cleanbench": __version__,
                  "lang": {"page": language.tag, "from": language.source, "clutter": used}}
    records = [_record(base, page_id=f"{row['id']}.clean", derived={**provenance, "kind": "clean"})]
    if not ID_PATTERN.fullmatch(records[0]["id"]):
        return [], Counter({"*: id too long for a derived id": 1})
    anchor = None
    if not is_text:
        anchor = html_inject.locate(row.get("html") or "", gold_paragraphs)
        if anchor is None:
            return records, Counter({f"{kind}: page cannot be parsed": 1 for kind in request.kinds})
    site = page_site(meta=source_meta, url=row.get("url"))
    kept_spans = _visible_spans(row, is_text=is_text)
    pending: list[tuple[str, Clutter, str]] = []
    for kind in request.kinds:
        chosen = variants_for(kind, index=index, request=request, is_text=is_text)
        for variant in chosen:
            rng = random.Random(f"{request.seed}:{row['id']}:{kind}" + (f":{variant}" if request.all_variants else ""))
            if kind == "duplicate" and not gold_paragraphs:
                skipped[f"{kind}: no gold text to copy"] += 1
                continue
            related: list[tuple[str, str]] = []
            if kind == "related":
                related = _pick_teasers(row["id"], teasers, rng=rng, gold_paragraphs=gold_paragraphs)
                if not related:
                    skipped[f"{kind}: no other page's gold text"] += 1
                    continue
            clutter = build(kind, variant, rng=rng, language=used, gold_text=gold_text, related=related, site=site)
            page_id = f"{row['id']}.{kind}" + (f"-{variant}" if request.all_variants else "")
            pending.append((page_id, clutter, PLACEMENTS.get((kind, variant), "after")))
    if is_text:
        pages = [insert_lines(row["text"], clutter, gold_paragraphs=gold_paragraphs) for _, clutter, _ in pending]
    elif kept_spans:  # the page has noise spans of its own: check each insertion keeps them whole
        pages = [_into_html(anchor, clutter, placement=placement, spans=kept_spans) for _, clutter, placement in pending]
    else:
        pages = html_inject.slot_pages(anchor, [(clutter, placement) for _, clutter, placement in pending])
    for (page_id, clutter, _), (page, where) in zip(pending, pages):
        derived = {**provenance, "kind": clutter.kind, "variant": clutter.variant, "placement": where}
        if clutter.hidden is not None:
            derived["hidden_copy"] = {"where": where, "field": "articleBody", "visible": False}
        records.append(_record({**base, ("text" if is_text else "html"): page}, page_id=page_id, derived=derived, clutter=clutter))
    return records, skipped


def _visible_spans(row: Mapping[str, Any], *, is_text: bool) -> list[str]:
    """The source page's own noise spans that its visible text shows (folded): an insertion must not split one."""
    spans = [fold_whitespace(span["text"]) for span in row.get("noise") or []]
    if is_text or not spans:
        return []
    from cleanbench.gold.visible import visible_text

    visible = fold_whitespace(visible_text(row.get("html") or ""))
    return [span for span in spans if span in visible]


def _into_html(anchor: html_inject.Anchor, clutter: Clutter, *, placement: str, spans: list[str]) -> tuple[str, str]:
    """The page with the clutter inserted; when that would split one of the page's own noise spans (the
    container found was a copy of the body, say), the clutter goes to the end of the body instead."""
    undo, where = html_inject.insert(anchor, clutter, placement=placement)
    page = html_inject.serialise(anchor)
    undo()
    if spans and clutter.hidden is None:
        from cleanbench.gold.visible import visible_text

        visible = fold_whitespace(visible_text(page))
        if not all(span in visible for span in spans):
            fallback = html_inject.Anchor(anchor.root, anchor.body, anchor.body, [])
            undo, where = html_inject.insert(fallback, clutter, placement="end")
            page = html_inject.serialise(anchor)
            undo()
    return page, where


def _pick_teasers(page_id: str, teasers: Sequence[Teaser], *, rng: random.Random, gold_paragraphs: list[str]) -> list[tuple[str, str]]:
    """Teasers of other pages (never this one), none of which holds a whole paragraph of this page's gold."""
    if len(teasers) < 2:
        return []
    own = [fold_whitespace(p) for p in gold_paragraphs if len(p.split()) >= 8]
    picked: list[tuple[str, str]] = []
    for position in rng.sample(range(len(teasers)), k=min(len(teasers), _TEASERS + 3)):
        found = teasers[position]
        block = fold_whitespace(f"{found.headline} {found.excerpt}")
        if found.page_id == page_id or any(p in block for p in own):
            continue
        picked.append((found.headline, found.excerpt))
        if len(picked) == _TEASERS:
            break
    return picked


def _record(base: Mapping[str, Any], *, page_id: str, derived: dict[str, Any], clutter: Clutter | None = None) -> dict[str, Any]:
    record = dict(base)
    record["id"] = page_id
    noise = list(record.get("noise") or [])
    without = list(record.get("without") or [])
    if clutter is not None and clutter.hidden is None:
        noise += [{"label": label, "text": text} for label, text in clutter.spans]
        snippet = _without_snippet(clutter, gold_text=record.get("gold_text") or "", keep=record.get("with") or [])
        if snippet is not None and snippet not in without:
            without.append(snippet)
    record["noise"], record["without"] = noise, without
    meta = {**base["meta"], "derived": derived}
    site = page_site(meta=base["meta"], url=base.get("url"))
    if site is not None:  # the copies of one kind form a site of their own, as the source pages did: a cross-page
        meta["site"] = f"{site} [{derived['kind']}]"  # cleaner must not see a body repeated on 10 pages of one site
    record["meta"] = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return record


def _without_snippet(clutter: Clutter, *, gold_text: str, keep: Sequence[str]) -> str | None:
    """The longest line of the clutter that is in neither the gold text nor a `with` snippet (none for duplicates)."""
    if clutter.kind == "duplicate":
        return None
    gold = fold_whitespace(gold_text)
    kept = [fold_whitespace(s) for s in keep]
    candidates = [clutter.glued] if clutter.glued else sorted(clutter.lines(), key=lambda line: (-len(line), line))
    for line in candidates:
        folded = fold_whitespace(line)
        if len(folded) >= _MIN_WITHOUT and folded not in gold and not any(folded in s for s in kept):
            return folded
    return None

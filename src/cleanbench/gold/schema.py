"""The gold page record, its vocabulary, and `validate()`.

A `GoldPage` is one annotated web page (DESIGN.md "Gold page schema"). Records cross module
boundaries as plain dicts with the field names of the schema (`with`, `without`, ...); in Python the
two snippet lists are `with_snippets` / `without_snippets` because `with` is a keyword.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanbench.errors import GoldError

NOISE_LABELS: tuple[str, ...] = (
    "duplicate",
    "ad",
    "related",
    "comments",
    "nav",
    "cookie",
    "newsletter",
    "share",
    "footer",
    "other",
)
PAGE_TYPES: tuple[str, ...] = (
    "article",
    "forum",
    "product",
    "collection",
    "listing",
    "documentation",
    "service",
    "other",
)
ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")
RECORD_FIELDS: tuple[str, ...] = (
    "id",
    "html",
    "text",
    "url",
    "lang",
    "page_type",
    "gold_text",
    "with",
    "without",
    "noise",
    "optional",
    "meta",
)


def fold_whitespace(text: str) -> str:
    """Runs of white space to one space, stripped: the comparison form of snippets and spans.

    `re.sub(r"\\s+", " ", text).strip()`, twice as fast: \\s and str.split() know the same white space.
    """
    return " ".join(text.split())


@dataclass(frozen=True)
class NoiseSpan:
    """A piece of clutter on a page, with its label from `NOISE_LABELS`."""

    label: str
    text: str


@dataclass(frozen=True)
class GoldPage:
    """One gold-annotated page. Build it from a record with `GoldPage.from_record`.

    `gold_text` None: no full-text gold (score the snippets only). An empty `gold_text`: the page has no
    main content, so a correct extraction is empty (WCXB annotates such pages).
    """

    id: str
    html: str  # "" for a text page
    url: str | None = None
    lang: str | None = None
    page_type: str | None = None
    gold_text: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    noise: tuple[NoiseSpan, ...] = ()
    optional: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None  # a text page: its lines, "\n" between them (then html is "")

    @property
    def is_text(self) -> bool:
        return self.text is not None

    def visible(self) -> str:
        """What a reader sees of the page: the visible text of its HTML, or its text."""
        if self.text is not None:
            return self.text
        from cleanbench.gold.visible import visible_text

        return visible_text(self.html)

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, where: str = "") -> GoldPage:
        """Check a record's structure and build a page from it.

        `where` names the record in errors ("fixtures/news-07.json", "pages.jsonl:12"); the message
        always names the field, e.g. ``fixtures/news-07.json: field 'with'[2]: empty snippet``.
        """
        where = where or f"page {record.get('id')!r}"
        unknown = sorted(set(record) - set(RECORD_FIELDS))
        if unknown:
            raise GoldError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(RECORD_FIELDS)})")
        page_id = record.get("id")
        if not isinstance(page_id, str) or not ID_PATTERN.fullmatch(page_id):
            raise GoldError(f"{where}: field 'id': {page_id!r} is not [A-Za-z0-9._-]{{1,128}}")
        html, text = record.get("html"), record.get("text")
        if text is not None and not isinstance(text, str):
            raise GoldError(f"{where}: field 'text': expected a string or null, got {type(text).__name__}")
        if text is not None and html:
            raise GoldError(f"{where}: fields 'html' and 'text': a page has one of them, not both")
        if text is None and not isinstance(html, str):
            raise GoldError(f"{where}: field 'html': expected a string, got {type(html).__name__} (a text page has 'text' instead)")
        for name in ("url", "lang", "page_type", "gold_text"):
            value = record.get(name)
            if value is not None and not isinstance(value, str):
                raise GoldError(f"{where}: field {name!r}: expected a string or null, got {type(value).__name__}")
        page_type = record.get("page_type")
        if page_type is not None and page_type not in PAGE_TYPES:
            raise GoldError(f"{where}: field 'page_type': unknown page type {page_type!r} (known: {', '.join(PAGE_TYPES)})")
        snippets = {name: _snippet_list(record.get(name), name=name, where=where) for name in ("with", "without", "optional")}
        gold_text = record.get("gold_text")
        if gold_text is None and not snippets["with"]:
            raise GoldError(f"{where}: fields 'gold_text' and 'with': a page needs gold_text or at least one 'with' snippet")
        noise = _noise_list(record.get("noise"), where=where)
        meta = record.get("meta") or {}
        if isinstance(meta, str):
            try:
                meta = json.loads(meta) if meta.strip() else {}
            except (ValueError, RecursionError):
                raise GoldError(f"{where}: field 'meta': a string that is not a JSON object") from None
        if not isinstance(meta, Mapping):
            raise GoldError(f"{where}: field 'meta': expected an object, got {type(meta).__name__}")
        return cls(
            id=page_id,
            html=html if isinstance(html, str) else "",
            text=text,
            url=record.get("url"),
            lang=record.get("lang"),
            page_type=page_type,
            gold_text=gold_text,
            with_snippets=snippets["with"],
            without_snippets=snippets["without"],
            noise=noise,
            optional=snippets["optional"],
            meta=dict(meta),
        )

    def to_record(self) -> dict[str, Any]:
        """The record form, with the schema's field names (`with`, `without`)."""
        return {
            "id": self.id,
            "html": None if self.text is not None else self.html,
            "text": self.text,
            "url": self.url,
            "lang": self.lang,
            "page_type": self.page_type,
            "gold_text": self.gold_text,
            "with": list(self.with_snippets),
            "without": list(self.without_snippets),
            "noise": [{"label": span.label, "text": span.text} for span in self.noise],
            "optional": list(self.optional),
            "meta": dict(self.meta),
        }

    def noise_labels(self) -> tuple[str, ...]:
        """The distinct noise labels on this page, in vocabulary order."""
        present = {span.label for span in self.noise}
        return tuple(label for label in NOISE_LABELS if label in present)


def _snippet_list(value: object, *, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise GoldError(f"{where}: field {name!r}: expected a list of strings, got {type(value).__name__}")
    items = list(value)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise GoldError(f"{where}: field {name!r}[{index}]: expected a string, got {type(item).__name__}")
        if not item.strip():
            raise GoldError(f"{where}: field {name!r}[{index}]: empty snippet")
    return tuple(items)


def _noise_list(value: object, *, where: str) -> tuple[NoiseSpan, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, Mapping)) or not isinstance(value, Iterable):
        raise GoldError(f"{where}: field 'noise': expected a list of {{label, text}}, got {type(value).__name__}")
    spans = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping) or set(item) != {"label", "text"}:
            raise GoldError(f"{where}: field 'noise'[{index}]: expected exactly the keys 'label' and 'text'")
        label, text = item["label"], item["text"]
        if label not in NOISE_LABELS:
            raise GoldError(f"{where}: field 'noise'[{index}]: unknown noise label {label!r} (known: {', '.join(NOISE_LABELS)})")
        if not isinstance(text, str) or not text.strip():
            raise GoldError(f"{where}: field 'noise'[{index}]: empty text")
        spans.append(NoiseSpan(label=label, text=text))
    return tuple(spans)


@dataclass(frozen=True)
class Finding:
    """One doubtful-gold observation made by `validate()`."""

    page_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.page_id}: field {self.field}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """What `validate()` found: pages checked and doubtful-gold findings (errors or warnings)."""

    set_name: str
    pages: int
    findings: tuple[Finding, ...]
    strict: bool

    @property
    def ok(self) -> bool:
        return not (self.strict and self.findings)


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_WHOLE_PARAGRAPH_WORDS = 8  # shorter ones are mostly headings, which tables of contents and nav repeat


def _paragraph_findings(page: GoldPage, *, paragraphs: list[str], visible: str) -> list[Finding]:
    """A gold paragraph the page does not show (a typo, text from another page), and a `lang` that is not BCP-47."""
    from cleanbench.gold.rules import is_bcp47

    # White space is left out of this comparison: pages often join inline elements without any
    # ("day.<a>#Tag</a>"), where an annotator wrote a space.
    unspaced = "".join(visible.split())
    found = [
        Finding(page.id, "'gold_text'", f"paragraph {number} not found in the page's visible text: {paragraph[:60]!r}")
        for number, paragraph in enumerate(paragraphs, start=1)
        if "".join(paragraph.split()) not in unspaced
    ]
    if page.lang is not None and not is_bcp47(page.lang):
        found.append(Finding(page.id, "'lang'", f"{page.lang!r} is not a BCP-47 language tag (e.g. 'de', 'pt-BR', 'zh-Hant')"))
    return found


def validate(pages: Iterable[GoldPage], *, set_name: str, strict: bool) -> ValidationReport:
    """Check a set's pages beyond their structure.

    Always an error (raised): duplicate ids. Doubtful gold: an empty `gold_text`; a gold paragraph not
    found in the page's visible text; a `without` snippet that occurs inside `gold_text` or a `with`
    snippet; a `with`/`without` snippet or noise span not found in the page's visible text; a `with`
    snippet not found in `gold_text`; a noise span other than `duplicate` that holds a whole gold
    paragraph of 8 words or more; a `lang` that is not a BCP-47 tag. With `strict` (our own
    fixtures) the report is not ok when anything was found; otherwise (an imported public set) findings
    are counted warnings. Comparisons are on whitespace-folded text, case kept.
    """
    seen: set[str] = set()
    findings: list[Finding] = []
    count = 0
    for page in pages:
        count += 1
        if page.id in seen:
            raise GoldError(f"{set_name}: page {page.id!r}: field 'id': duplicate id")
        seen.add(page.id)
        visible = fold_whitespace(page.visible())
        gold = fold_whitespace(page.gold_text or "")
        paragraphs = [fold_whitespace(p) for p in _BLANK_LINE.split(page.gold_text or "") if p.strip()]
        if page.gold_text is not None and not gold:
            findings.append(Finding(page.id, "'gold_text'", "empty: the gold says the page has no main content"))
        with_folded = [fold_whitespace(s) for s in page.with_snippets]
        for index, snippet in enumerate(with_folded):
            if snippet not in visible:
                findings.append(Finding(page.id, f"'with'[{index}]", f"snippet not found in the page's visible text: {snippet[:60]!r}"))
            if gold and snippet not in gold:
                findings.append(Finding(page.id, f"'with'[{index}]", f"snippet not found in gold_text: {snippet[:60]!r}"))
        for index, raw in enumerate(page.without_snippets):
            snippet = fold_whitespace(raw)
            if snippet not in visible:
                findings.append(Finding(page.id, f"'without'[{index}]", f"snippet not found in the page's visible text: {snippet[:60]!r}"))
            if gold and snippet in gold:
                findings.append(Finding(page.id, f"'without'[{index}]", f"snippet occurs inside gold_text: {snippet[:60]!r}"))
            elif any(snippet in kept for kept in with_folded):
                findings.append(Finding(page.id, f"'without'[{index}]", f"snippet occurs inside a 'with' snippet: {snippet[:60]!r}"))
        for index, span in enumerate(page.noise):
            folded = fold_whitespace(span.text)
            if folded not in visible:
                findings.append(Finding(page.id, f"'noise'[{index}]", f"{span.label} span not found in the page's visible text: {span.text[:60]!r}"))
            held = next((p for p in paragraphs if len(p.split()) >= _WHOLE_PARAGRAPH_WORDS and p in folded), None)
            if span.label != "duplicate" and held is not None:
                findings.append(Finding(page.id, f"'noise'[{index}]", f"{span.label} span holds a whole gold paragraph (only a 'duplicate' span may): {held[:60]!r}"))
        findings.extend(_paragraph_findings(page, paragraphs=paragraphs, visible=visible))
    return ValidationReport(set_name=set_name, pages=count, findings=tuple(findings), strict=strict)

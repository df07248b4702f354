"""Clutter blocks: what each kind and variant inserts, as plain values (a wrapper and its child blocks).

A `Clutter` is independent of where it goes: `html.py` renders it as elements, `text.py` as lines. Each
child is a block (its own line of visible text), so that the inserted words keep their order and
spacing in what a reader (and the `everything` bound) sees. The noise spans are the children's texts,
one span per block of clutter, with its label; a `duplicate` copy is a span of the gold text itself.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleanbench.inject.phrases import FALLBACK, PHRASES

KINDS: tuple[str, ...] = ("duplicate", "ad", "related", "comments", "cookie", "newsletter", "share", "nav", "footer")
HTML_VARIANTS: dict[str, tuple[str, ...]] = {
    "duplicate": ("print", "noscript", "amp", "reader", "jsonld", "continue"),
    "ad": ("inline", "after", "sidebar", "glued"),
    "related": ("inside", "after"),
    "comments": ("counter", "thread"),
    "cookie": ("banner",),
    "newsletter": ("inline", "after"),
    "share": ("top", "bottom"),
    "nav": ("header",),
    "footer": ("footer",),
}
TEXT_VARIANTS: dict[str, tuple[str, ...]] = {
    "duplicate": ("repeat",),
    "ad": ("inline", "after", "glued"),
    "related": ("inside", "after"),
    "comments": ("counter", "thread"),
    "cookie": ("top",),
    "newsletter": ("inline", "after"),
    "share": ("top", "bottom"),
    "nav": ("top",),
    "footer": ("bottom",),
}
HIDDEN_VARIANTS = frozenset({("duplicate", "jsonld")})  # copies that are not visible text: recorded in meta only
_CURRENCY = {"en": "${}", "de": "{} €", "fr": "{} €", "es": "{} €", "it": "{} €", "pt": "{} €", "nl": "€ {}",
             "ru": "{} ₽", "zh": "¥{}", "ja": "{}円", "ar": "{} $", "he": "₪{}"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARAGRAPH_SPLIT = re.compile(r"\n[^\S\n]*\n")


@dataclass(frozen=True)
class Clutter:
    """One block of clutter: a wrapper element (`tag`, `attrs`) around child blocks (`children`: tag, text).

    `spans`: (label, text) noise spans of its visible text; `glued`: text glued to the start of the next
    body paragraph instead of a block; `hidden`: a copy that is not visible text (recorded in meta)."""

    kind: str
    variant: str
    tag: str
    attrs: tuple[tuple[str, str], ...]
    children: tuple[tuple[str, str], ...]
    spans: tuple[tuple[str, str], ...]
    glued: str | None = None
    hidden: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [text for _, text in self.children]


def clean_text(text: str) -> str:
    """Text safe to put in an element (no control characters, which XML trees refuse)."""
    return _CONTROL.sub(" ", text)


def paragraphs(gold_text: str) -> list[str]:
    return [clean_text(p.strip()) for p in _PARAGRAPH_SPLIT.split(gold_text) if p.strip()]


def phrases_for(language: str) -> tuple[str, dict]:
    """The language whose phrases are used (the page's, else English) and the phrases."""
    used = language if language in PHRASES else FALLBACK
    return used, PHRASES[used]


def build(kind: str, variant: str, *, rng: random.Random, language: str, gold_text: str | None,
          related: Sequence[tuple[str, str]] = (), site: str | None = None) -> Clutter:
    """The clutter of `kind` and `variant` in `language`; `related`: (headline, excerpt) teasers of other pages."""
    used, words = phrases_for(language)
    maker = _MAKERS[kind]
    return maker(variant, rng=rng, words=words, used=used, gold_text=gold_text or "", related=related, site=site or "example.org")


def _block(kind: str, variant: str, tag: str, css: str, children: list[tuple[str, str]], **extra: str) -> Clutter:
    attrs = (("class", css), *((k.replace("_", "-"), v) for k, v in extra.items()))
    return Clutter(kind, variant, tag, attrs, tuple(children), ((kind, "\n".join(t for _, t in children)),))


def _duplicate(variant: str, *, gold_text: str, words: dict, **_: object) -> Clutter:
    body = [("p", p) for p in paragraphs(gold_text)]
    copy = "\n".join(text for _, text in body)
    spans: tuple[tuple[str, str], ...] = (("duplicate", copy),)
    if variant in ("print", "repeat"):
        return Clutter("duplicate", variant, "div", (("class", "print-only article-print"), ("style", "display:none")), tuple(body), spans)
    if variant == "noscript":
        return Clutter("duplicate", variant, "noscript", (), tuple(body), spans)
    if variant == "amp":
        return Clutter("duplicate", variant, "div", (("class", "amp-article-body"), ("data-amp-original", "true")), tuple(body), spans)
    if variant == "reader":
        return Clutter("duplicate", variant, "div", (("class", "reader-view"), ("hidden", "hidden"), ("aria-hidden", "true")), tuple(body), spans)
    if variant == "continue":
        children = (("div", words["continue"]), *body)
        return Clutter("duplicate", variant, "div", (("class", "article-expanded"), ("data-expanded", "false")), children,
                       (("other", words["continue"]), ("duplicate", copy)))
    if variant == "jsonld":
        return Clutter("duplicate", variant, "script", (("type", "application/ld+json"),), (), (), hidden="\n\n".join(paragraphs(gold_text)))
    raise ValueError(variant)


def _event(rng: random.Random, words: dict, used: str) -> dict[str, str]:
    price = _CURRENCY.get(used, "${}").format(rng.choice([19, 29, 49, 79, 99, 149, 249]))
    year = str(rng.choice([2025, 2026, 2027]))
    return {"name": f"{rng.choice(words['events'])} {year}", "city": rng.choice(words["cities"]),
            "date": f"{rng.randint(1, 28)} {rng.choice(words['months'])} {year}", "price": f"{words['from']} {price}",
            "button": words[rng.choice(["register", "tickets"])]}


def _ad(variant: str, *, rng: random.Random, words: dict, used: str, **_: object) -> Clutter:
    event = _event(rng, words, used)
    if variant == "glued":  # the seed's "Boston, MA|July 15REGISTER NOWDespite ...": no space before the paragraph
        glued = f"{event['name']} · {event['city']} | {event['date']} · {event['price']} {event['button']}"
        return Clutter("ad", variant, "span", (("class", "event-teaser"),), (("span", glued),), (("ad", glued),), glued=glued)
    if rng.random() < 0.7:
        children = [("div", words["sponsored"]), ("h4", event["name"]), ("div", f"{event['city']} | {event['date']}"),
                    ("div", event["price"]), ("div", event["button"])]
    else:
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        promo = words["promo"].format(pct=rng.choice([10, 15, 20, 25, 30, 40]), brand=rng.choice(["Lumo", "Verbo", "Kairo", "Nimbi"]), code=code)
        children = [("div", words["sponsored"]), ("p", promo), ("div", words["more"])]
    tag = "aside" if variant == "sidebar" else "div"
    return _block("ad", variant, tag, "sidebar-widget promo-box" if variant == "sidebar" else "ad-slot event-promo", children)


def _related(variant: str, *, words: dict, related: Sequence[tuple[str, str]], **_: object) -> Clutter:
    children = [("h3", words["related"])]
    for headline, excerpt in related:
        children += [("h4", headline), ("p", excerpt), ("div", words["more"])]
    return _block("related", variant, "section", "related-articles", children)


def _comments(variant: str, *, rng: random.Random, words: dict, **_: object) -> Clutter:
    if variant == "counter":
        children = [("h3", f"{words['comments']} ({rng.randint(0, 9)})"), ("div", words["write"]), ("div", "0/500"),
                    ("button", words["post"]), ("p", words["login"])]
    else:
        chosen = rng.sample(range(len(words["remarks"])), k=rng.randint(2, 3))
        children = [("h3", f"{words['comments']} ({len(chosen)})")]
        for position in chosen:
            children += [("div", f"{rng.choice(words['people'])} · {rng.randint(1, 28)} {rng.choice(words['months'])}"),
                         ("p", words["remarks"][position])]
        children += [("div", words["write"]), ("button", words["post"])]
    return _block("comments", variant, "section", "comments-box", children)


def _cookie(variant: str, *, words: dict, **_: object) -> Clutter:
    children = [("p", words["cookie"]), ("button", words["accept"]), ("button", words["reject"]), ("button", words["settings"])]
    return _block("cookie", variant, "div", "cookie-consent", children, role="dialog")


def _newsletter(variant: str, *, words: dict, **_: object) -> Clutter:
    children = [("h3", words["newsletter"]), ("p", words["newsletter_body"]), ("div", words["email"]), ("button", words["subscribe"])]
    return _block("newsletter", variant, "div", "newsletter-signup", children)


def _share(variant: str, *, words: dict, **_: object) -> Clutter:
    children = [("li", words["share"])] + [("li", name) for name in ("Facebook", "X", "LinkedIn", "WhatsApp")]
    children += [("li", words["mail"]), ("li", words["copy"])]
    return _block("share", variant, "ul", "share-buttons", children)


def _nav(variant: str, *, rng: random.Random, words: dict, **_: object) -> Clutter:
    items = list(words["nav"])
    rng.shuffle(items)
    return _block("nav", variant, "nav", "site-nav", [("li", item) for item in items[: rng.randint(6, 8)]])


def _footer(variant: str, *, rng: random.Random, words: dict, site: str, **_: object) -> Clutter:
    children = [("li", item) for item in words["footer"]]
    children.append(("p", f"© {rng.choice([2024, 2025, 2026])} {site}. {words['rights']}"))
    return _block("footer", variant, "footer", "site-footer", children)


_MAKERS = {"duplicate": _duplicate, "ad": _ad, "related": _related, "comments": _comments, "cookie": _cookie,
           "newsletter": _newsletter, "share": _share, "nav": _nav, "footer": _footer}

"""Clutter cues: what makes a block look like a noise label (or like optional content), with the reason
shown to the annotator.

- Markup: the nearest element around the block (up to the page's content region: `<article>`, `<main>`,
  or a class or id such as "entry-content") whose tag, ARIA role, class or id names a kind of clutter
  ("cky-consent-container" -> cookie, `<nav>` -> nav, "jeg_ad" -> ad, "related-posts" -> related, ...).
- Text, in a few languages: a comment counter ("7 comments", "Comments (7)", "댓글 3"), a cookie
  notice, a copyright line, a row of social network names, an ad with a date and a price.
- Glued clutter: an inline element at the start or end of a paragraph, run into its text without a
  space, that looks like an ad (an ad class, `rel=sponsored`, a campaign-tagged link): the block is cut
  there ("20 NovGET TICKETS|Until the permanent ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import lxml.etree
import regex

from cleanbench.annotate.state import OPTIONAL
from cleanbench.gold.visible import BLOCK_TAGS

# Class and id words (split at -, _, digits and camelCase) that name a kind of clutter.
_WORDS: dict[str, frozenset[str]] = {
    "cookie": frozenset({"cookie", "cookies", "consent", "gdpr", "cmp", "cky", "onetrust", "cookiebanner", "cookienotice"}),
    "newsletter": frozenset({"newsletter", "newsletters", "signup", "subscribe", "subscription", "mailchimp", "mc4wp", "optin"}),
    "comments": frozenset({"comment", "comments", "discussion", "disqus", "respond", "replies"}),
    "share": frozenset({"share", "shares", "sharing", "social", "sharebar", "sharelist", "addthis", "sharethis", "shariff"}),
    "related": frozenset({"related", "recommended", "recommendations", "popular", "trending", "most", "recent", "outbrain", "taboola", "readmore"}),
    "ad": frozenset({"ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adsense", "sponsored", "sponsor", "promo", "promotion", "dfp", "gpt"}),
    "nav": frozenset({"nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "topbar", "pagination", "pager", "skip", "masthead"}),
    "footer": frozenset({"footer", "colophon", "copyright"}),
    "other": frozenset({"sidebar", "widget", "tags", "tagcloud"}),  # weak: a stronger cue further out wins
    OPTIONAL: frozenset({"byline", "author", "dateline", "date", "published", "caption", "credit", "kicker"}),
}
_TAGS: dict[str, str] = {
    "nav": "nav", "footer": "footer", "aside": "other", "button": "other", "option": "other", "select": "other", "label": "other",
    "figcaption": OPTIONAL, "time": OPTIONAL, "h1": OPTIONAL,
}
_ROLES: dict[str, str] = {"navigation": "nav", "contentinfo": "footer", "complementary": "other", "search": "nav", "banner": "nav"}
_CONTENT_TAGS = frozenset({"article", "main"})
_CONTENT_WORDS = frozenset({"content", "article", "entry", "post", "story", "main", "message"})
WEAK = "other"
_SPLIT_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_INLINE_AD = frozenset({"ad", "ads", "adv", "advert", "sponsored", "sponsor", "promo", "promotion", "pr", "glue"})

_COMMENT_WORDS = frozenset(
    {
        "comment", "comments", "kommentar", "kommentare", "commentaire", "commentaires", "comentario", "comentarios",
        "commento", "commenti", "komentarz", "komentarze", "komentarzy", "comentários", "reacties", "yorum", "yorumlar",
        "комментарий", "комментария", "комментариев", "комментарии", "تعليق", "تعليقات", "コメント", "评论", "댓글",
        "टिप्पणी", "टिप्पणियां", "टिप्पणियाँ",
    }
)
_COUNTER = regex.compile(r"^(?:\(?\d+\)?\s*(\w+)|(\w+)\s*[(:]?\s*\d+\s*\)?)$")
_COOKIE = regex.compile(r"cookie|쿠키|クッキー|куки|ملفات تعريف الارتباط|कुकी", regex.I)
_COPYRIGHT = regex.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b", regex.I)
_SOCIAL = frozenset(
    {
        "facebook", "twitter", "x", "whatsapp", "linkedin", "email", "e", "mail", "pinterest", "telegram", "reddit",
        "xing", "vk", "weibo", "wechat", "line", "kakaotalk", "카카오톡", "카카오스토리", "밴드", "微博", "微信", "qq",
        "threads", "bluesky", "mastodon", "tumblr", "copy", "link", "print", "share", "teilen", "partager", "compartir",
        "condividi", "udostępnij", "поделиться", "مشاركة", "シェア", "分享", "공유", "공유하기",
    }
)
_SHARE_LINK = re.compile(r"facebook\.com/sharer|twitter\.com/intent|x\.com/intent|wa\.me/|api\.whatsapp\.com|linkedin\.com/share|t\.me/share|pinterest\.\w+/pin/create|mailto:\?", re.IGNORECASE)
_PRICE = regex.compile(r"[£€$¥₹₽₩]\s?\d|\d[\d.,]*\s?(?:€|£|\$|円|元|руб|zł|TL|₺|₹|₽|₩|원|rs\.?|रु)", regex.I)
_QUANTITY = (
    "million|millions|billion|billions|thousand|hundred|percent|per|mio|mrd|millionen|milliarden|milliard|milliards|"
    "millones|milioni|miliardi|milionów|miliardów|млн|млрд|тыс|mln|bln|km|kg|cm|mm|years|days|hours|minutes|jahre|tage"
)
_DATE = regex.compile(
    rf"(?<![\d.,])(?:\d{{1,2}}\s?[/-]\s?\d{{1,2}}\b(?![.,]\d)|\d{{1,2}}\.\d{{1,2}}\.)"  # 12/6, 12-06, 12.06.
    rf"|(?<![\d.,])\d{{1,2}}\.?\s+(?!(?:{_QUANTITY})\b)\p{{L}}{{3,}}"  # 14 June, 12. Juni, 5 de junio
    rf"|\b(?!(?:{_QUANTITY})\b)\p{{L}}{{3,}}\.?\s+\d{{1,2}}\b(?![.,]\d)"  # June 14, Nov 20
    r"|\d{1,2}\s?月\s?\d{1,2}\s?日",  # 11月8日
    regex.IGNORECASE,
)
_WORD = regex.compile(r"\w+")
SHORT_AD_WORDS = 40
"""An ad cue by text (a date and a price) needs a block of at most this many words."""


@dataclass(frozen=True)
class Cue:
    """A label suggested for a block, why, and the element it came from (`group`: the outermost
    element of the run of cue-bearing elements around the block; blocks of different groups start
    different spans)."""

    label: str
    reason: str
    group: lxml.etree._Element | None = None


def markup_cue(owner: lxml.etree._Element) -> Cue | None:
    """The cue of the nearest clutter-naming element around a block, up to the page's content region.

    A noise cue further out wins over an optional or a weak ("other": a sidebar, a widget) one nearer
    (an author's name inside a comment is part of the comments); a footer inside a content region (an
    article's or a post's own footer) is "other"; the cue's group grows over the run of cue-bearing
    elements around it."""
    found: Cue | None = None
    for element in _upwards(owner):
        cue = _element_cue(element)
        if cue is not None:
            if found is None or (found.label in (OPTIONAL, WEAK) and cue.label not in (OPTIONAL, WEAK)):
                found = Cue(cue.label, cue.reason, element)
            elif cue.label not in (OPTIONAL, WEAK):
                found = Cue(found.label, found.reason, element)
            continue
        if found is not None and found.label not in (OPTIONAL, WEAK):
            break
        if _is_content_region(element):
            if found is not None and found.label == "footer":
                return Cue(WEAK, f"{found.reason}, but inside the content region {_describe(element)}: other", found.group)
            break
    if found is not None and found.label == "footer" and content_region(found.group) is not None:
        return Cue(WEAK, f"{found.reason}, but inside a content region: other", found.group)
    if found is not None and found.label == "nav" and found.group is not None:
        footer = _page_footer(found.group)
        if footer is not None:
            return Cue("footer", f"{found.reason}, inside the page footer {_describe(footer)}", footer)
    return found


def _page_footer(element: lxml.etree._Element) -> lxml.etree._Element | None:
    """The page footer around an element (a `<footer>`, role contentinfo, or a "footer" class or id),
    unless a content region comes first."""
    for node in _upwards(element):
        if node.tag == "footer" or (node.get("role") or "").lower() == "contentinfo" or "footer" in _words(node):
            return node
        if _is_content_region(node) and _element_cue(node) is None:
            return None
    return None


def content_region(element: lxml.etree._Element | None) -> lxml.etree._Element | None:
    """The nearest element around `element` (itself included) that holds a page's main content: an
    `<article>`, a `<main>`, or a class or id such as "entry-content" or "post"."""
    for node in _upwards(element) if element is not None else ():
        if _is_content_region(node) and _element_cue(node) is None:
            return node
    return None


def _upwards(element: lxml.etree._Element) -> Iterable[lxml.etree._Element]:
    node: lxml.etree._Element | None = element
    while node is not None and node.tag not in ("body", "html"):
        yield node
        node = node.getparent()


def _element_cue(element: lxml.etree._Element) -> Cue | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    role = (element.get("role") or "").strip().lower()
    if role in _ROLES:
        return Cue(_ROLES[role], f"inside {_describe(element)}: role {role!r} means {_ROLES[role]}")
    words = _words(element)
    matches = [(word, label) for word in words for label, kinds in _WORDS.items() if word in kinds]
    if matches and all(label == WEAK for _, label in matches) and any(word in _CONTENT_WORDS for word in words):
        matches = []  # "sidebar-main-content": the main column, not a sidebar
    if matches:
        order = list(_WORDS)  # the more specific label first: "footer-newsletter" is a newsletter box
        word, label = min(matches, key=lambda match: order.index(match[1]))
        return Cue(label, f"inside {_describe(element)}: {word!r} means {label}")
    if tag in _TAGS:
        return Cue(_TAGS[tag], f"inside <{tag}>: {_TAGS[tag]}")
    return None


def _is_content_region(element: lxml.etree._Element) -> bool:
    return element.tag in _CONTENT_TAGS or any(word in _CONTENT_WORDS for word in _words(element))


def _words(element: lxml.etree._Element) -> list[str]:
    """The words of an element's class and id: "jeg_ad_article" -> jeg, ad, article; "shareBar" -> share, bar."""
    found: list[str] = []
    for name in ("class", "id"):
        for part in re.split(r"[^A-Za-z]+", element.get(name) or ""):
            found.extend(word.lower() for word in _SPLIT_WORD.findall(part))
    return found


def _describe(element: lxml.etree._Element) -> str:
    attributes = " ".join(f'{name}="{(element.get(name) or "")[:40]}"' for name in ("id", "class", "role") if element.get(name))
    return f"<{element.tag}{' ' + attributes if attributes else ''}>"


def text_cue(text: str, owner: lxml.etree._Element | None) -> Cue | None:
    """A cue from the block's words (and, for share rows, its links)."""
    words = _WORD.findall(text.casefold())
    if not words:
        return None
    counter = _COUNTER.match(" ".join(words)) if len(words) <= 3 else None
    if counter and (counter.group(1) or counter.group(2)) in _COMMENT_WORDS:
        return Cue("comments", "text: a comment counter")
    if len(words) <= 80 and _COOKIE.search(text):
        return Cue("cookie", "text: speaks of cookies")
    if len(words) <= 60 and _COPYRIGHT.search(text):
        return Cue("footer", "text: a copyright line")
    if len(words) <= 12 and all(word in _SOCIAL for word in words) and any(word not in ("copy", "link", "print", "e", "mail", "email") for word in words):
        return Cue("share", "text: a row of social networks")
    if owner is not None and any(_SHARE_LINK.search(link.get("href") or "") for link in owner.iter("a")):
        return Cue("share", "links: share buttons")
    if len(words) <= SHORT_AD_WORDS and _PRICE.search(text) and _DATE.search(text):
        return Cue("ad", "text: a short block with a date and a price")
    return None


def link_share(owner: lxml.etree._Element, text: str) -> float:
    """The share of a block's characters that are link text (links inside nested blocks do not count)."""
    linked = 0
    stack = list(owner) if owner.tag != "a" else [owner]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or node.tag in BLOCK_TAGS:
            continue
        if node.tag == "a":
            linked += len(" ".join("".join(node.itertext()).split()))
            continue
        stack.extend(node)
    return min(1.0, linked / max(1, len(text)))


@dataclass(frozen=True)
class GluedCut:
    """Where to cut a block so that glued clutter becomes its own piece: offsets in the block's text,
    and the cue of the piece that is cut out."""

    start: int
    end: int
    cue: Cue


def glued_cuts(owner: lxml.etree._Element, text: str) -> list[GluedCut]:
    """Inline elements at the start or end of a block that look like ads and run into its text without
    a space; empty when there are none."""
    children = [child for child in owner if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS]
    if not children or len(text) < 2:
        return []
    cuts: list[GluedCut] = []
    first, last = children[0], children[-1]
    leads = not (owner.text or "").strip()
    if leads:
        cut = _glued_piece(first, text, at_start=True)
        if cut is not None:
            cuts.append(cut)
    if not (last.tail or "").strip() and (last is not first or not leads):
        cut = _glued_piece(last, text, at_start=False)
        if cut is not None:
            cuts.append(cut)
    return cuts


def _glued_piece(element: lxml.etree._Element, text: str, *, at_start: bool) -> GluedCut | None:
    piece = " ".join("".join(element.itertext()).split())
    if not piece or len(piece) >= len(text):
        return None
    if at_start:
        if not text.startswith(piece) or text[len(piece)].isspace():
            return None
        start, end = 0, len(piece)
    else:
        if not text.endswith(piece) or text[-len(piece) - 1].isspace():
            return None
        start, end = len(text) - len(piece), len(text)
    why = _inline_ad(element)
    if why is None:
        return None
    return GluedCut(start, end, Cue("ad", f"glued to the text without a space: {why}", element))


def _inline_ad(element: lxml.etree._Element) -> str | None:
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if "sponsored" in (node.get("rel") or "").lower():
            return f"{_describe(node)} is marked rel=sponsored"
        words = [word for word in _words(node) if word in _INLINE_AD]
        if words:
            return f"{_describe(node)}: {words[0]!r}"
        if node.tag == "a" and "utm_" in (node.get("href") or ""):
            return "a link with campaign tracking (utm_)"
    return None

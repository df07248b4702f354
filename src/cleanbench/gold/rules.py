"""The shared rules of DESIGN.md, one function each: a page's site, and its language.

- Site: `meta.site`, else `meta.domain`, else the URL's host without `www.`; else none.
- Language: `lang`, else the primary subtag of the language the page declares itself (`<html lang>`,
  or a Content-Language `<meta>`), else English. Wherever a tool needs a language, the choice and where
  it came from (`gold`, `declared`, `default`) are recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_LANGUAGE = "en"

_DECLARED_LANG = re.compile(
    r"<html\b[^>]*?(?<![\w:-])lang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)"
    r"|<meta\b[^>]*?http-equiv\s*=\s*[\"']?content-language[\"']?[^>]*?content\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.IGNORECASE,
)


# RFC 5646's tag structure (language, script, region, variants, extensions, private use), or a
# private-use tag alone; case is not checked (BCP-47 tags are case-insensitive).
_BCP47 = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # 4 to 8 letters are reserved, and none is registered
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+",
    re.IGNORECASE,
)


def is_bcp47(tag: str) -> bool:
    """Whether `tag` has the structure of a BCP-47 language tag (`de`, `pt-BR`, `zh-Hant-TW`, `x-klingon`)."""
    return _BCP47.fullmatch(tag) is not None


@dataclass(frozen=True)
class Language:
    """A page's language for the tools that need one, and where it came from."""

    tag: str  # a BCP-47 tag ("de", "pt-BR") from the gold, else a primary subtag ("de"), else "en"
    source: str  # "gold", "declared" or "default"

    @property
    def primary(self) -> str:
        return self.tag.split("-", 1)[0].lower()


def declared_lang(html: str) -> str | None:
    """The language a page declares for itself (`<html lang>` or a Content-Language meta), in its first 16 KB."""
    found = _DECLARED_LANG.search(html[:16384])
    if found is None:
        return None
    return found.group(1) or found.group(2)


def page_language(*, lang: str | None, html: str | None) -> Language:
    """DESIGN.md's language rule for a page with gold `lang` and (for an HTML page) its `html`."""
    if lang and lang.strip():
        return Language(lang.strip(), "gold")
    declared = declared_lang(html) if html else None
    if declared:
        return Language(declared.replace("_", "-").split("-", 1)[0].lower(), "declared")
    return Language(DEFAULT_LANGUAGE, "default")


def page_site(*, meta: Mapping[str, Any] | None, url: str | None) -> str | None:
    """DESIGN.md's site rule: `meta.site`, else `meta.domain`, else the URL's host without `www.`."""
    for key in ("site", "domain"):
        value = (meta or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # a URL with a malformed port or bracket
        return None
    return host.removeprefix("www.") if host else None

"""The extractor contract (DESIGN.md "Extractor contract") and what every adapter shares.

An adapter is a small class: `name`, `package`, pinned `options`, `requires` (import names it needs),
and `extract(html, *, url)`. It imports its library lazily, in `load` (called by `prepare`, which the
sandbox calls before a page's clock starts, or by the first `extract`), so listing extractors never
imports them all.

Capabilities the runner looks for (absent means False): `uses_lang` (pass the page's `lang` as a keyword
to `extract`), `uses_gold` (call `extract_page(page)` with the `GoldPage` instead of `extract`).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Protocol, runtime_checkable

from cleanbench.errors import ExtractorError, NotInstalledError

# A document with nothing but white space, comments (an unclosed one runs to the end), doctypes and
# processing instructions: lxml calls it "Document is empty", several tools raise on it, and its
# extraction is the empty string.
# The bodies are tempered ((?!-->). rather than .*?): a lazy body could run past its own end to reach \Z,
# which made any page opening with a comment "blank" (81 WCXB pages came out empty for every tool).
_BLANK_DOCUMENT = re.compile(
    r"(?:\s|<!--(?:(?!-->).)*(?:-->|\Z)|<!doctype[^>]*>|<\?(?:(?!\?>).)*\?>)*\Z", re.DOTALL | re.IGNORECASE
)


@runtime_checkable
class Extractor(Protocol):
    name: str
    package: str | None
    options: Mapping[str, object]

    def extract(self, html: str, *, url: str | None = None) -> str: ...


class Adapter:
    """Base class for the built-in adapters: declares requirements, records versions, loads lazily.

    Subclasses set `name`, `package`, `options`, `requires` (module names), `install` (the pip hint),
    `license` (a note for the listing) and implement `_extract`. `load()` runs once per process (per
    worker) before the first page and keeps what it builds in `_tool`; pickling drops it, so an adapter
    sent to a worker loads again there. Before the tool sees a page, a blank document (white space and
    comments only) returns "" and NUL characters become U+FFFD, as the HTML standard's parser does.
    """

    name: ClassVar[str]
    package: ClassVar[str | None] = None
    options: ClassVar[Mapping[str, object]] = {}
    requires: ClassVar[tuple[str, ...]] = ()
    install: ClassVar[str] = "pip install 'cleanbench[all]'"
    license: ClassVar[str] = ""
    uses_lang: ClassVar[bool] = False
    uses_gold: ClassVar[bool] = False
    _loaded: bool = False
    _tool: Any = None

    def missing(self) -> list[str]:
        """Required modules that cannot be imported here (empty when the adapter can run)."""
        return [module for module in self.requires if importlib.util.find_spec(module) is None]

    def check_installed(self) -> None:
        """Raise `NotInstalledError` with one clear line when a requirement is missing."""
        missing = self.missing()
        if missing:
            raise NotInstalledError(f"{self.name}: not installed ({', '.join(missing)}); {self.install}")

    def version(self) -> str | None:
        """The version recorded with every result: the distribution's, or None when not installed."""
        return package_version(self.package)

    def load(self) -> None:
        """Import the library and build what is reused across pages into `_tool`. Called once per worker."""

    def close(self) -> None:
        """Release what `load()` built (e.g. a child process); the next page loads again."""
        self._tool = None
        self._loaded = False

    def prepare(self) -> None:
        """Check the requirements and `load()` once; the sandbox calls it before a page's clock starts."""
        if not self._loaded:
            self.check_installed()
            self.load()
            self._loaded = True

    def extract(self, html: str, *, url: str | None = None, lang: str | None = None) -> str:
        self.prepare()
        if _BLANK_DOCUMENT.match(html):
            return ""
        if "\x00" in html:
            html = html.replace("\x00", "\ufffd")
        text = self._extract(html, url=url, lang=lang)
        return text or ""

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_tool", None)
        state.pop("_loaded", None)
        return state


def package_version(package: str | None) -> str | None:
    """The installed version of a distribution, or None when it is not installed (or not a package)."""
    if package is None:
        return None
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def options_text(options: Mapping[str, Any]) -> str:
    """Canonical JSON of an options mapping: sorted keys, no spaces."""
    return json.dumps(dict(options), sort_keys=True, separators=(",", ":"), default=str)


def extractor_options(extractor: Extractor) -> dict[str, Any]:
    """The extractor's `options` as a plain dict; ExtractorError when a plugin's are not a mapping."""
    options = getattr(extractor, "options", {})
    if not isinstance(options, Mapping):
        raise ExtractorError(f"extractor {extractor.name!r}: its options must be a mapping, got {type(options).__name__}")
    return dict(options)


def extractor_version(extractor: Extractor) -> str | None:
    """The extractor's own `version()` (or `version` string) when it has one, else its package's version."""
    declared = getattr(extractor, "version", None)
    if callable(declared):
        try:
            found = declared()
        except Exception as error:  # noqa: BLE001  plugin code: name it in one line
            raise ExtractorError(f"extractor {extractor.name!r}: its version() raised {type(error).__name__}: {error}") from None
        if found is not None and not isinstance(found, str):
            raise ExtractorError(f"extractor {extractor.name!r}: its version() returned {type(found).__name__}, not a string")
        return found
    if isinstance(declared, str):
        return declared
    return package_version(getattr(extractor, "package", None))


def extractor_signature(extractor: Extractor) -> str:
    """`name@version{options}`: what a score or a baseline is comparable by."""
    from cleanbench import __version__

    package = getattr(extractor, "package", None)
    found = extractor_version(extractor)
    label = found or ("cleanbench-" + __version__ if package is None else "not-installed")
    return f"{extractor.name}@{label}{options_text(extractor_options(extractor))}"

"""The stage contract (DESIGN.md "Stages and pipelines") and what every built-in stage shares.

A stage is one step of a pipeline: an **extractor** turns a page's HTML into text, a **cleaner** turns
text into text (line level: it may drop or rewrite lines) or drops the whole document (document
level), possibly after a fit over the texts of its scope (corpus level). Every stage has one entry
point, `process(page: PageInput) -> str | Drop`, which receives the page: its HTML or its text (what
the stage consumes), its URL, its language by DESIGN.md's rule and where that came from, its site.

A built-in stage is a small class: `name`, `package`, `options` (exactly the keyword arguments given to
the tool, settable from a spec: `trafilatura{"favor_recall": true}`), `note` (what the options do not
say, in words; it enters the signature too), `requires` (import names), and a hook. It imports its
library in `load()`, which `prepare()` calls once per process (the sandbox calls it before a page's
clock starts), so listing stages never imports them all.
"""

from __future__ import annotations

import html as html_escape
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Protocol, runtime_checkable

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.gold.schema import GoldPage

KINDS: tuple[str, ...] = ("extractor", "cleaner")
LEVELS: tuple[str, ...] = ("line", "document", "corpus")


@dataclass(frozen=True)
class PageInput:
    """What a stage receives. An extractor reads `html` (a text page's lines come as one `<p>` each), a
    cleaner `text` (the previous stage's output, or a text page); `gold` is set only for a stage that
    reads the gold itself (the `gold` bound)."""

    id: str
    html: str | None = None
    text: str | None = None
    url: str | None = None
    lang: str = "en"
    lang_source: str = "default"  # "gold", "declared" or "default" (gold.rules.page_language)
    site: str | None = None
    gold: GoldPage | None = None

    @classmethod
    def of(cls, page: GoldPage, *, reads_gold: bool = False) -> PageInput:
        """What a first stage receives of a gold page (its language and site by DESIGN.md's rules)."""
        from cleanbench.gold.rules import page_language, page_site

        language = page_language(lang=page.lang, html=page.html or None)
        return cls(
            page.id,
            html=page.html if page.text is None else None,
            text=page.text,
            url=page.url,
            lang=language.tag,
            lang_source=language.source,
            site=page_site(meta=page.meta, url=page.url),
            gold=page if reads_gold else None,
        )

    def as_html(self) -> str:
        """The page as HTML: its own, or its text one escaped `<p>` per line."""
        if self.html is not None:
            return self.html
        return text_as_html(self.text or "")

    def as_text(self) -> str:
        """The text a cleaner reads ("" when the page has none)."""
        return self.text or ""


def text_as_html(text: str) -> str:
    """Text lines as HTML for an extractor given a text page: one `<p>` per non-blank line, escaped."""
    lines = (line.strip() for line in text.split("\n"))
    body = "\n".join(f"<p>{html_escape.escape(line)}</p>" for line in lines if line)
    return f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n{body}\n</body></html>\n"


@dataclass(frozen=True)
class Drop:
    """A document-level cleaner's verdict: drop this document, for this reason."""

    reason: str


@runtime_checkable
class Stage(Protocol):
    name: str
    package: str | None
    options: Mapping[str, object]

    def process(self, page: PageInput) -> str | Drop: ...


class BuiltinStage:
    """Base class of the built-in stages: declares requirements, records versions, loads lazily.

    Subclasses set `name`, `kind`, `package`, `options` (the defaults), `note`, `requires`, `install`
    (the pip hint), `license`, and implement `process` (or, for extractors, `_extract`). An instance may
    be built with options that override the defaults (`Trafilatura({"favor_recall": True})`); keys the
    stage does not have are refused. `load()` runs once per process; pickling drops what it built, so a
    stage sent to a worker loads again there.
    """

    name: ClassVar[str]
    kind: ClassVar[str] = "extractor"
    consumes: ClassVar[str] = "html"  # "html", "text", or "any" (a cmd: stage: whatever comes)
    package: ClassVar[str | None] = None
    options: Mapping[str, object] = {}
    note: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    install: ClassVar[str] = "pip install 'cleanbench[all]'"
    license: ClassVar[str] = ""
    reads_gold: ClassVar[bool] = False
    _loaded: bool = False
    _tool: Any = None

    def __init__(self, options: Mapping[str, object] | None = None) -> None:
        if options:
            unknown = sorted(set(options) - set(type(self).options))
            if unknown:
                known = ", ".join(sorted(type(self).options)) or "none"
                raise ExtractorError(f"{type(self).name}: no option {unknown[0]!r} (its options: {known})")
            self.options = {**type(self).options, **options}

    def missing(self) -> list[str]:
        """Required modules that cannot be imported here (empty when the stage can run)."""
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
        """Import the library and build what is reused across pages into `_tool`. Called once per process."""

    def prepare(self) -> None:
        """Check the requirements and `load()` once; the sandbox calls it before a page's clock starts."""
        if not self._loaded:
            self.check_installed()
            self.load()
            self._loaded = True

    def close(self) -> None:
        """Release what `load()` built (e.g. a child process); the next page loads again."""
        self._tool = None
        self._loaded = False

    def process(self, page: PageInput) -> str | Drop:
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
    return json.dumps(dict(options), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def stage_options(stage: Any) -> dict[str, Any]:
    """A stage's `options` as a plain dict; ExtractorError when a plugin's are not a mapping."""
    options = getattr(stage, "options", {})
    if not isinstance(options, Mapping):
        raise ExtractorError(f"extractor {stage.name!r}: its options must be a mapping, got {type(options).__name__}")
    return dict(options)


def stage_version(stage: Any) -> str | None:
    """The stage's own `version()` (or `version` string) when it has one, else its package's version."""
    declared = getattr(stage, "version", None)
    if callable(declared):
        try:
            found = declared()
        except Exception as error:  # noqa: BLE001  plugin code: name it in one line
            raise ExtractorError(f"extractor {stage.name!r}: its version() raised {type(error).__name__}: {error}") from None
        if found is not None and not isinstance(found, str):
            raise ExtractorError(f"extractor {stage.name!r}: its version() returned {type(found).__name__}, not a string")
        return found
    if isinstance(declared, str):
        return declared
    return package_version(getattr(stage, "package", None))


def stage_signature(stage: Any) -> str:
    """`name@version{options}`, and `(note)` when the stage has one: what a score or a baseline is comparable by.
    `name` is the stage's own (`trafilatura`), also for a row named by a spec with options."""
    found = stage_version(stage)
    label = found or ("not-installed" if getattr(stage, "package", None) else "unversioned")
    note = getattr(stage, "note", "") or ""
    name = getattr(stage, "signature_name", None) or stage.name  # a row built with options: the stage's own name
    return f"{name}@{label}{options_text(stage_options(stage))}" + (f"({note})" if note else "")

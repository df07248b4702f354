"""The extractor contract (DESIGN.md "Extractor contract") and what every adapter shares.

An adapter is a small class: `name`, `package`, pinned `options`, `requires` (import names it needs),
and `extract(html, *, url)`. It imports its library lazily, inside `extract` or `load`, so listing
extractors never imports them all.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar, Protocol, runtime_checkable

from cleanbench.errors import NotInstalledError


@runtime_checkable
class Extractor(Protocol):
    name: str
    package: str | None
    options: Mapping[str, object]

    def extract(self, html: str, *, url: str | None = None) -> str: ...


class Adapter:
    """Base class for the built-in adapters: declares requirements, records versions, loads lazily.

    Subclasses set `name`, `package`, `options`, `requires` (module names), `install` (the pip hint) and
    implement `_extract`. `load()` runs once per process (per worker) before the first page.
    """

    name: ClassVar[str]
    package: ClassVar[str | None] = None
    options: ClassVar[Mapping[str, object]] = {}
    requires: ClassVar[tuple[str, ...]] = ()
    install: ClassVar[str] = "pip install 'cleanbench[all]'"
    _loaded: bool = False

    def missing(self) -> list[str]:
        """Required modules that cannot be imported here (empty when the adapter can run)."""
        return [module for module in self.requires if importlib.util.find_spec(module) is None]

    def check_installed(self) -> None:
        """Raise `NotInstalledError` with one clear line when a requirement is missing."""
        missing = self.missing()
        if missing:
            raise NotInstalledError(f"{self.name}: not installed ({', '.join(missing)}); {self.install}")

    def load(self) -> None:
        """Import the library and build what is reused across pages. Called once per worker."""

    def extract(self, html: str, *, url: str | None = None) -> str:
        if not self._loaded:
            self.check_installed()
            self.load()
            self._loaded = True
        text = self._extract(html, url=url)
        return text or ""

    def _extract(self, html: str, *, url: str | None) -> str | None:
        raise NotImplementedError


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


def extractor_signature(extractor: Extractor) -> str:
    """`name@version{options}`: what a score or a cache entry is comparable by."""
    from cleanbench import __version__

    package = getattr(extractor, "package", None)
    found = package_version(package) if package else None
    label = found or ("cleanbench-" + __version__ if package is None else "not-installed")
    return f"{extractor.name}@{label}{options_text(getattr(extractor, 'options', {}))}"

"""Plugins written to the original contracts, seen through the stage contract.

- An object with `extract(html, *, url=None)` (the original extractor contract: `name`, `package`,
  `options`) becomes an extractor stage: it gets the page's HTML and URL.
- A plain function is a stage too: `f(html)` or `f(html, *, url=None)` an extractor, `f(text)` (its
  first parameter named `text`) a line-level cleaner that returns the text kept. Its name is the
  function's name in kebab case, its version its distribution's (when its module comes from one).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from importlib.metadata import packages_distributions
from typing import Any

from cleanbench.errors import ExtractorError
from cleanbench.stages.base import Drop, PageInput, package_version


class LegacyExtractor:
    """An object of the original `extract(html, *, url)` contract, as an extractor stage."""

    kind = "extractor"
    consumes = "html"

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self.name = plugin.name
        self.package = getattr(plugin, "package", None)
        self.options = getattr(plugin, "options", {})
        self.note = getattr(plugin, "note", "")
        self.code_module = type(plugin).__module__

    def version(self) -> str | None:
        declared = getattr(self.plugin, "version", None)
        if callable(declared):
            return declared()
        return declared if isinstance(declared, str) else package_version(self.package)

    def prepare(self) -> None:
        prepare = getattr(self.plugin, "prepare", None)
        if callable(prepare):
            prepare()

    def close(self) -> None:
        close = getattr(self.plugin, "close", None)
        if callable(close):
            close()

    def check_installed(self) -> None:
        check = getattr(self.plugin, "check_installed", None)
        if callable(check):
            check()

    def process(self, page: PageInput) -> str:
        return self.plugin.extract(page.as_html(), url=page.url)

    def extract(self, html: str, *, url: str | None = None) -> str:
        """The original contract, still callable."""
        return self.plugin.extract(html, url=url)


class FunctionStage:
    """A plain function as a stage: an extractor (`f(html)`), or a line-level cleaner (`f(text)`)."""

    options: Mapping[str, object] = {}
    note = ""

    def __init__(self, function: Callable[..., Any], *, spec: str) -> None:
        try:
            parameters = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError):
            raise ExtractorError(f"stage {spec!r}: cannot read the parameters of {function!r}") from None
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if not positional:
            raise ExtractorError(f"stage {spec!r}: a function stage takes the page's html (or text) as its first argument")
        self.function = function
        self.kind = "cleaner" if positional[0].name == "text" else "extractor"
        self.consumes = "text" if self.kind == "cleaner" else "html"
        self.level = "line"
        self.takes_url = any(p.name == "url" for p in parameters) or any(p.kind == p.VAR_KEYWORD for p in parameters)
        self.name = function.__name__.strip("_").replace("_", "-") or "function"
        self.code_module = function.__module__
        top = function.__module__.partition(".")[0]
        distributions = packages_distributions().get(top, [])
        self.package = distributions[0] if distributions else None

    def version(self) -> str | None:
        return package_version(self.package)

    def process(self, page: PageInput) -> str | Drop:
        if self.kind == "cleaner":
            return self.function(page.as_text())
        if self.takes_url:
            return self.function(page.as_html(), url=page.url)
        return self.function(page.as_html())


def as_stage(found: Any, *, spec: str) -> Any:
    """A stage from what a spec names: a stage (has `process`), a legacy extractor (has `extract`), or a
    plain function taking the page; a class, or a factory (a function of no argument), is called first."""
    if (inspect.isfunction(found) or inspect.isbuiltin(found)) and _takes_an_argument(found):
        return FunctionStage(found, spec=spec)
    if isinstance(found, type) or (callable(found) and not _is_stage(found) and not hasattr(found, "extract")):
        try:
            found = found()
        except (Exception, SystemExit) as error:  # plugin code: report which spec failed, in one line
            raise ExtractorError(f"extractor {spec!r}: building it failed: {type(error).__name__}: {error}") from None
        if (inspect.isfunction(found) or inspect.isbuiltin(found)) and _takes_an_argument(found):  # a factory of a function stage
            return FunctionStage(found, spec=spec)
    if _is_stage(found):
        return found
    if all(hasattr(found, name) for name in ("name", "package", "options", "extract")):
        return LegacyExtractor(found)
    lacking = [name for name in ("name", "package", "options", "extract or process") if not hasattr(found, name.split()[0])]
    raise ExtractorError(f"extractor {spec!r}: {type(found).__name__} is not a stage (no {', '.join(lacking)})")


def _takes_an_argument(function: Any) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in parameters)


def _is_stage(found: Any) -> bool:
    return all(hasattr(found, name) for name in ("name", "package", "options")) and callable(getattr(found, "process", None))

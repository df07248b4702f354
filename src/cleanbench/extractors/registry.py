"""Resolve extractor specs, lazily, and list what is available.

A spec is one of:
- a built-in name (`BUILTINS`: name -> "module:Class"; only the thin adapter module is imported);
- the name of an entry point in the group `cleanbench.extractors` (a third-party package adds an
  extractor without touching cleanbench; its object is an Extractor class, a factory, or an instance);
- `module:attr` (an Extractor class, factory or instance importable from here);
- `cmd:PROGRAM ARGS...` (an external program; see `cleanbench.extractors.command`).
A built-in name wins over an entry point of the same name. Unknown names get a did-you-mean.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.extractors.base import Extractor, extractor_version
from cleanbench.extractors.command import PREFIX as COMMAND_PREFIX
from cleanbench.extractors.command import CommandExtractor

ENTRY_POINT_GROUP = "cleanbench.extractors"

# Baselines first, then the main-content extractors, then the full-page references.
BUILTINS: Mapping[str, str] = {
    "everything": "cleanbench.extractors.baselines:Everything",
    "nothing": "cleanbench.extractors.baselines:Nothing",
    "gold": "cleanbench.extractors.baselines:Gold",
    "trafilatura": "cleanbench.extractors.trafilatura:Trafilatura",
    "trafilatura-fast": "cleanbench.extractors.trafilatura:TrafilaturaFast",
    "trafilatura-precision": "cleanbench.extractors.trafilatura:TrafilaturaPrecision",
    "trafilatura-recall": "cleanbench.extractors.trafilatura:TrafilaturaRecall",
    "justext": "cleanbench.extractors.justext:Justext",
    "readability": "cleanbench.extractors.readability:Readability",
    "readability-js": "cleanbench.extractors.readability_js:ReadabilityJs",
    "boilerpy3": "cleanbench.extractors.boilerpy3:Boilerpy3",
    "resiliparse": "cleanbench.extractors.resiliparse:Resiliparse",
    "newspaper4k": "cleanbench.extractors.newspaper4k:Newspaper4k",
    "goose3": "cleanbench.extractors.goose3:Goose3",
    "magic-html": "cleanbench.extractors.magic_html:MagicHtml",
    "inscriptis": "cleanbench.extractors.inscriptis:Inscriptis",
    "html2text": "cleanbench.extractors.html2text:Html2Text",
    "html-text": "cleanbench.extractors.html_text:HtmlText",
    "bs4": "cleanbench.extractors.bs4:BeautifulSoupText",
}
_MODULE_ATTR = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")
# Control characters, line and paragraph separators: never in a name (they break tables and files).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class ExtractorInfo:
    """One row of `available()`: what an extractor is, and whether it can run here."""

    name: str
    package: str | None
    version: str | None
    installed: bool
    reason: str | None  # why it cannot run here, when it cannot
    options: Mapping[str, object]
    license: str
    origin: str  # "built-in", or "plugin <distribution> <version>"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "installed": self.installed,
            "reason": self.reason,
            "options": dict(self.options),
            "license": self.license,
            "origin": self.origin,
        }


def resolve(spec: str, *, version: str | None = None) -> Extractor:
    """A fresh extractor for `spec` (see the module docstring). Imports no extraction library.

    `version` names the version of a `cmd:` spec (see `cleanbench.extractors.command`)."""
    if not isinstance(spec, str) or not spec.strip():
        raise ExtractorError(f"extractor spec {spec!r}: empty")
    bad = _CONTROL.search(spec)
    if bad is not None:
        raise ExtractorError(f"extractor spec {spec!r}: holds a control character (U+{ord(bad.group()):04X}); names are one line of text")
    if spec.startswith(COMMAND_PREFIX):
        return CommandExtractor(spec, version=version)
    if version is not None:
        raise ExtractorError(f"extractor {spec!r}: only a cmd: extractor takes a version from the command line")
    if spec in BUILTINS:
        return _checked_name(_instantiate(_load_object(BUILTINS[spec], spec=spec), spec=spec), spec=spec)
    plugin = _entry_points().get(spec)
    if plugin is not None:
        return _checked_name(_instantiate(_load_entry_point(plugin), spec=spec), spec=spec)
    if _MODULE_ATTR.fullmatch(spec):
        _importable_here()
        return _checked_name(_instantiate(_load_object(spec, spec=spec), spec=spec), spec=spec)
    raise ExtractorError(_unknown(spec))


def _importable_here() -> None:
    """Let `module:attr` name a module in the current folder, as `python -m` would (the installed
    `cleanbench` script does not put it on `sys.path`); added last, so it never shadows an installed one."""
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.append(here)


def _checked_name(extractor: Extractor, *, spec: str) -> Extractor:
    """A plugin's `name` must be one line of text: it names rows, files and cache entries."""
    name = getattr(extractor, "name", None)
    if not isinstance(name, str) or not name.strip():
        raise ExtractorError(f"extractor {spec!r}: its name must be a non-empty string, got {name!r}")
    bad = _CONTROL.search(name)
    if bad is not None:
        raise ExtractorError(f"extractor {spec!r}: its name {name!r} holds a control character (U+{ord(bad.group()):04X})")
    return extractor


def names() -> list[str]:
    """Every name `resolve` knows: the built-ins, then the entry points not shadowed by one."""
    return [*BUILTINS, *(name for name in sorted(_entry_points()) if name not in BUILTINS)]


def available() -> list[ExtractorInfo]:
    """Every built-in and plugin extractor with its package, version and whether it can run here."""
    infos = [_info(resolve(name), origin="built-in") for name in BUILTINS]
    for name, point in sorted(_entry_points().items()):
        if name in BUILTINS:
            continue
        origin = f"plugin {point.dist.name} {point.dist.version}" if point.dist is not None else "plugin"
        try:
            extractor = _instantiate(_load_entry_point(point), spec=name)
        except ExtractorError as error:
            infos.append(ExtractorInfo(name, None, None, False, str(error), {}, "", origin))
            continue
        infos.append(_info(extractor, origin=origin))
    return infos


def _info(extractor: Extractor, *, origin: str) -> ExtractorInfo:
    reason = None
    check = getattr(extractor, "check_installed", None)
    if callable(check):
        try:
            check()
        except NotInstalledError as error:
            reason = str(error).removeprefix(f"{extractor.name}: ")
    return ExtractorInfo(
        name=extractor.name,
        package=extractor.package,
        version=extractor_version(extractor) if reason is None else None,
        installed=reason is None,
        reason=reason,
        options=dict(extractor.options),
        license=str(getattr(extractor, "license", "")),
        origin=origin,
    )


def _entry_points() -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        known = found.get(point.name)
        if known is not None and known.value != point.value:
            raise ExtractorError(
                f"extractor {point.name!r}: two plugins register it ({known.value} and {point.value}); use module:attr to pick one"
            )
        found[point.name] = point
    return found


def _load_entry_point(point: EntryPoint) -> object:
    try:
        return point.load()
    except (Exception, SystemExit) as error:  # a broken plugin (even one calling sys.exit): name it in one line
        raise ExtractorError(f"extractor {point.name!r}: cannot load plugin {point.value}: {type(error).__name__}: {error}") from error


def _load_object(target: str, *, spec: str) -> object:
    module_name, _, attribute = target.partition(":")
    try:
        found: object = importlib.import_module(module_name)
    except ImportError as error:
        raise ExtractorError(f"extractor {spec!r}: cannot import module {module_name!r}: {error}") from None
    except (Exception, SystemExit) as error:  # plugin code that raises (or exits) while it is imported
        raise ExtractorError(f"extractor {spec!r}: importing module {module_name!r} raised {type(error).__name__}: {error}") from None
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise ExtractorError(f"extractor {spec!r}: module {module_name!r} has no attribute {attribute!r}")
        found = getattr(found, part)
    return found


def _instantiate(found: object, *, spec: str) -> Extractor:
    """An Extractor from a class or factory (called without arguments) or an instance."""
    if isinstance(found, type) or (callable(found) and not isinstance(found, Extractor)):
        try:
            found = found()
        except (Exception, SystemExit) as error:  # plugin code: report which spec failed, in one line
            raise ExtractorError(f"extractor {spec!r}: building it failed: {type(error).__name__}: {error}") from None
    if not isinstance(found, Extractor):
        lacking = [name for name in ("name", "package", "options", "extract") if not hasattr(found, name)]
        raise ExtractorError(f"extractor {spec!r}: {type(found).__name__} is not an extractor (no {', '.join(lacking)})")
    return found


def _unknown(spec: str) -> str:
    known = names()
    folded = spec.lower().replace("_", "-")  # "HTML_Text" is meant as "html-text"
    same = [name for name in known if name == folded]
    close = (same + [name for name in difflib.get_close_matches(folded, known, n=3, cutoff=0.6) if name not in same])[:3]
    hint = f"did you mean {' or '.join(repr(name) for name in close)}? " if close else ""
    return (
        f"unknown extractor {spec!r}; {hint}(`cleanbench extractors` lists {len(known)} names; "
        f"a spec may also be module:attr or cmd:PROGRAM ARGS)"
    )

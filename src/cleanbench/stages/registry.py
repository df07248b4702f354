"""Resolve stage and pipeline specs, lazily, and list what is available.

A stage reference (see `cleanbench.stages.spec` for the grammar) is one of:
- a built-in name (`EXTRACTORS` and `CLEANERS`: name -> "module:Class"; only the thin adapter module is imported);
- the name of an entry point in the group `cleanbench.extractors` or `cleanbench.cleaners` (a third-party
  package adds a stage without touching cleanbench; its object is a stage class, factory or instance,
  an extractor of the original contract, or a plain function);
- `module:attr` (the same, importable from here; the current folder is importable too);
- `cmd:PROGRAM ARGS` (an external program; see `cleanbench.stages.command`).
A built-in name wins over an entry point of the same name. Unknown names get a did-you-mean. The name
`cleanbench extractors` lists is the name a spec takes; a stage built with options is named by its
canonical spec.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.stages.base import stage_options, stage_signature, stage_version
from cleanbench.stages.command import CommandStage
from cleanbench.stages.plugins import as_stage
from cleanbench.stages.spec import StageSpec, parse_pipeline, parse_stage

ENTRY_POINT_GROUPS: tuple[str, ...] = ("cleanbench.extractors", "cleanbench.cleaners")

# Baselines first, then the main-content extractors, then the full-page references.
EXTRACTORS: Mapping[str, str] = {
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
CLEANERS: Mapping[str, str] = {
    "line-dedup": "cleanbench.cleaners.lines:LineDedup",
    "boilerplate-lines": "cleanbench.cleaners.boilerplate:BoilerplateLines",
    "refinedweb-lines": "cleanbench.cleaners.refinedweb:RefinedWebLines",
    "justext-text": "cleanbench.cleaners.justext_text:JustextText",
    "c4-quality": "cleanbench.cleaners.datatrove:C4Quality",
    "c4-paragraph": "cleanbench.cleaners.datatrove:C4Paragraph",
    "gopher-repetition": "cleanbench.cleaners.datatrove:GopherRepetition",
    "gopher-quality": "cleanbench.cleaners.datatrove:GopherQuality",
    "fineweb-quality": "cleanbench.cleaners.datatrove:FineWebQuality",
}
BUILTINS: Mapping[str, str] = {**EXTRACTORS, **CLEANERS}
# Control characters, line and paragraph separators: never in a name (they break tables and files).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Pipeline:
    """A row of a leaderboard: its stages, in order. Its name joins its stages' names with `|` (a stage
    built with options is named by its canonical spec, so it never takes another row's name)."""

    name: str
    specs: tuple[StageSpec, ...]
    stages: tuple[Any, ...]

    @property
    def signature(self) -> str:
        """The chain of its stages' `name@version{options}`, joined by ` | `."""
        return " | ".join(stage_signature(stage) for stage in self.stages)

    @property
    def version(self) -> str | None:
        return stage_version(self.stages[0]) if len(self.stages) == 1 else None

    @property
    def options(self) -> dict[str, Any]:
        return stage_options(self.stages[0]) if len(self.stages) == 1 else {}


@dataclass(frozen=True)
class StageInfo:
    """One row of `available()`: what a stage is, and whether it can run here."""

    name: str
    kind: str  # "extractor" or "cleaner"
    package: str | None
    version: str | None
    installed: bool
    reason: str | None  # why it cannot run here, when it cannot
    options: Mapping[str, object]
    note: str
    license: str
    origin: str  # "built-in", or "plugin <distribution> <version>"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "package": self.package,
            "version": self.version,
            "installed": self.installed,
            "reason": self.reason,
            "options": dict(self.options),
            "note": self.note,
            "license": self.license,
            "origin": self.origin,
        }


def resolve_pipeline(text: str, *, versions: Mapping[str, str] | None = None) -> Pipeline:
    """The stages of a pipeline spec (`STAGE|STAGE|...`); `versions` names `cmd:` stages' versions by spec."""
    spec = parse_pipeline(text)
    stages = tuple(resolve_stage(stage, version=(versions or {}).get(stage.canonical)) for stage in spec.stages)
    return Pipeline(name="|".join(stage.name for stage in stages), specs=spec.stages, stages=stages)


def resolve(text: str, *, version: str | None = None) -> Any:
    """One stage from its spec text (`name`, `name{json}`, `module:attr`, `cmd:...`)."""
    if not isinstance(text, str) or not text.strip():
        raise ExtractorError(f"extractor spec {text!r}: empty")
    return resolve_stage(parse_stage(text.strip()), version=version)


def resolve_stage(spec: StageSpec, *, version: str | None = None) -> Any:
    """A fresh stage for one parsed stage spec. Imports no extraction library."""
    bad = _CONTROL.search(spec.canonical)
    if bad is not None:
        raise ExtractorError(f"extractor spec {spec.canonical!r}: holds a control character (U+{ord(bad.group()):04X}); names are one line of text")
    if spec.is_command:
        return CommandStage(spec.ref, version=version)
    if version is not None:
        raise ExtractorError(f"extractor {spec.ref!r}: only a cmd: stage takes a version from the command line")
    if spec.ref in BUILTINS:
        found = _load_object(BUILTINS[spec.ref], spec=spec.ref)
    else:
        point = _entry_points().get(spec.ref)
        if point is not None:
            found = _load_entry_point(point)
        elif ":" in spec.ref:
            _importable_here()
            found = _load_object(spec.ref, spec=spec.ref)
        else:
            raise ExtractorError(_unknown(spec.ref))
    stage = _with_options(found, spec) if spec.options is not None else as_stage(found, spec=spec.ref)
    if spec.options is not None:  # the row is named by its canonical spec; the signature keeps the stage's own name
        stage.signature_name, stage.name = stage.name, spec.canonical
    return _checked_name(stage, spec=spec.canonical)


def _with_options(found: Any, spec: StageSpec) -> Any:
    """A stage class built with the spec's options (it must take an `options` argument)."""
    takes = isinstance(found, type) and "options" in inspect.signature(found).parameters
    if not takes:
        raise ExtractorError(f"stage {spec.canonical!r}: {spec.ref} takes no options")
    try:
        return found(options=spec.options)
    except ExtractorError:
        raise
    except (Exception, SystemExit) as error:  # plugin code: one line
        raise ExtractorError(f"stage {spec.canonical!r}: building it failed: {type(error).__name__}: {error}") from None


def _importable_here() -> None:
    """Let `module:attr` name a module in the current folder, as `python -m` would (the installed
    `cleanbench` script does not put it on `sys.path`); added last, so it never shadows an installed one."""
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.append(here)


def _checked_name(stage: Any, *, spec: str) -> Any:
    """A stage's `name` must be one line of text: it names rows, files and cache entries."""
    name = getattr(stage, "name", None)
    if not isinstance(name, str) or not name.strip():
        raise ExtractorError(f"extractor {spec!r}: its name must be a non-empty string, got {name!r}")
    bad = _CONTROL.search(name)
    if bad is not None:
        raise ExtractorError(f"extractor {spec!r}: its name {name!r} holds a control character (U+{ord(bad.group()):04X})")
    return stage


def names(kind: str | None = None) -> list[str]:
    """Every name a spec may use: the built-ins, then the entry points not shadowed by one.

    `kind` ("extractor" or "cleaner") keeps the built-ins of that kind and the plugins of its group."""
    builtins = {"extractor": EXTRACTORS, "cleaner": CLEANERS}.get(kind or "", BUILTINS)
    groups = [f"cleanbench.{kind}s"] if kind else list(ENTRY_POINT_GROUPS)
    return [*builtins, *(name for name in sorted(_entry_points(groups)) if name not in BUILTINS)]


def available(kind: str | None = None) -> list[StageInfo]:
    """Every built-in and plugin stage (of `kind`) with its package, version and whether it can run here."""
    builtins = {"extractor": EXTRACTORS, "cleaner": CLEANERS}.get(kind or "", BUILTINS)
    infos = [_info(resolve(name), origin="built-in") for name in builtins]
    groups = [f"cleanbench.{kind}s"] if kind else list(ENTRY_POINT_GROUPS)
    for name, point in sorted(_entry_points(groups).items()):
        if name in BUILTINS:
            continue
        origin = f"plugin {point.dist.name} {point.dist.version}" if point.dist is not None else "plugin"
        try:
            stage = as_stage(_load_entry_point(point), spec=name)
        except ExtractorError as error:
            infos.append(StageInfo(name, point.group.rpartition(".")[2].rstrip("s"), None, None, False, str(error), {}, "", "", origin))
            continue
        infos.append(_info(stage, origin=origin))
    return infos


def _info(stage: Any, *, origin: str) -> StageInfo:
    reason = None
    check = getattr(stage, "check_installed", None)
    if callable(check):
        try:
            check()
        except NotInstalledError as error:
            reason = str(error).removeprefix(f"{stage.name}: ")
    return StageInfo(
        name=stage.name,
        kind=getattr(stage, "kind", "extractor"),
        package=getattr(stage, "package", None),
        version=stage_version(stage) if reason is None else None,
        installed=reason is None,
        reason=reason,
        options=stage_options(stage),
        note=getattr(stage, "note", "") or "",
        license=str(getattr(stage, "license", "")),
        origin=origin,
    )


def _entry_points(groups: list[str] | None = None) -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for group in groups or ENTRY_POINT_GROUPS:
        for point in entry_points(group=group):
            known = found.get(point.name)
            if known is not None and known.value != point.value:
                raise ExtractorError(
                    f"stage {point.name!r}: two plugins register it ({known.value} and {point.value}); use module:attr to pick one"
                )
            found[point.name] = point
    return found


def _load_entry_point(point: EntryPoint) -> object:
    try:
        return point.load()
    except (Exception, SystemExit) as error:  # a broken plugin (even one calling sys.exit): name it in one line
        raise ExtractorError(f"extractor {point.name!r}: cannot load plugin {point.value}: {type(error).__name__}: {error}") from None


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


def _unknown(spec: str) -> str:
    known = names()
    folded = spec.lower().replace("_", "-")  # "HTML_Text" is meant as "html-text"
    same = [name for name in known if name == folded]
    close = (same + [name for name in difflib.get_close_matches(folded, known, n=3, cutoff=0.6) if name not in same])[:3]
    hint = f"did you mean {' or '.join(repr(name) for name in close)}? " if close else ""
    return (
        f"unknown extractor {spec!r}; {hint}(`cleanbench extractors` lists {len(known)} names; "
        f"a spec may also be module:attr or cmd:PROGRAM ARGS, and stages join with |)"
    )

"""A run's plan: its rows (pipelines) and the tree of stage prefixes they share.

Pipelines that start alike share the work: `everything|line-dedup` and `everything|c4-quality` run
`everything` once. Each distinct prefix of a row is a `Prefix`, with the outputs made so far by page;
its cache key chains the keys of the prefixes before it, so an output is reused wherever the same
stages, code, options, fitted state and page produced it. A stage whose code cannot be proved the
same (an inline `sh -c` script without a named version) makes its prefix and every longer one uncached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleanbench.errors import NotInstalledError, RunError
from cleanbench.prediction import Prediction
from cleanbench.run.cache import stage_key
from cleanbench.run.code import code_digest
from cleanbench.stages.base import stage_options, stage_signature, stage_version
from cleanbench.stages.registry import Pipeline, resolve_pipeline
from cleanbench.stages.spec import StageSpec


@dataclass(frozen=True)
class Output:
    """What a prefix made of a page: its status and text, the seconds its stages took together (the
    page's time through the whole prefix) and their peak memory, and where a failure arose."""

    status: str
    text: str = ""
    error: str | None = None
    seconds: float | None = None
    peak_rss_mb: float | None = None
    failed_at: str | None = None  # the stage (canonical spec) whose outcome this is, when not ok


@dataclass(eq=False)
class Prefix:
    """One distinct chain of stages: the last stage, its parent prefix, and the outputs made so far."""

    specs: tuple[StageSpec, ...]
    stage: Any
    parent: Prefix | None
    code: str | None  # the chained code digest; None when a stage's code cannot be proved
    outputs: dict[str, Output] = field(default_factory=dict)
    want: set[str] = field(default_factory=set)  # pages whose output some row still needs
    state: Any = None  # a corpus cleaner's fitted state, once fitted
    state_digest: str | None = None
    sandbox_index: int | None = None

    @property
    def depth(self) -> int:
        return len(self.specs)

    @property
    def name(self) -> str:
        return "|".join(spec.canonical for spec in self.specs)

    @property
    def stage_name(self) -> str:
        return self.specs[-1].canonical

    @property
    def corpus(self) -> bool:
        return callable(getattr(self.stage, "fit", None))

    @property
    def fitted(self) -> bool:
        """Whether the key is known: no corpus stage in the chain still waits for its fit."""
        prefix: Prefix | None = self
        while prefix is not None:
            if prefix.corpus and prefix.state_digest is None:
                return False
            prefix = prefix.parent
        return True

    @property
    def signature(self) -> str:
        return " | ".join(stage_signature(prefix.stage) for prefix in self.chain())

    def chain(self) -> list[Prefix]:
        found: list[Prefix] = []
        prefix: Prefix | None = self
        while prefix is not None:
            found.append(prefix)
            prefix = prefix.parent
        return found[::-1]

    def cache_key(self) -> str | None:
        """The key of its cache entries; None when it is not cached, or its fit has not run yet."""
        if self.code is None or not self.fitted:
            return None
        states = [prefix.state_digest or "" for prefix in self.chain()]
        digest = hashlib.sha256(f"{self.code}|{'|'.join(states)}".encode()).hexdigest()
        return stage_key(self.signature, digest)

    def use_state(self, state: Any) -> None:
        """Record a corpus cleaner's fitted state (JSON-like: its digest is part of every later key)."""
        self.state = state
        self.state_digest = hashlib.sha256(json.dumps(state, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(eq=False)
class Row:
    """One row of the run: a pipeline, its full prefix, and the predictions gathered so far, by page id."""

    pipeline: Pipeline
    prefix: Prefix
    found: dict[str, Prediction] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)  # page id -> attempt of the prediction to make
    resumed: int = 0
    from_cache: int = 0

    @property
    def name(self) -> str:
        return self.pipeline.name

    @property
    def signature(self) -> str:
        return self.pipeline.signature

    @property
    def version(self) -> str | None:
        return stage_version(self.pipeline.stages[0]) if len(self.pipeline.stages) == 1 else None

    @property
    def options(self) -> dict[str, Any]:
        return stage_options(self.pipeline.stages[0]) if len(self.pipeline.stages) == 1 else {}

    @property
    def not_cached(self) -> str | None:
        for prefix in self.prefix.chain():
            if prefix.code is None:
                if prefix.specs[-1].is_command:
                    return f"{prefix.stage_name}: its code cannot be proved the same from run to run (inline code); name its version with --cmd-version"
                return f"{prefix.stage_name}: its code has no file to digest (defined in an interactive session?)"
        return None


@dataclass
class Plan:
    rows: list[Row]
    prefixes: list[Prefix]  # parents before children
    not_installed: dict[str, str]


def make_plan(specs: Sequence[str], *, cmd_versions: Mapping[str, str]) -> Plan:
    """Resolve the row specs: a row per installed pipeline, the not-installed line of each other one."""
    versions = _cmd_versions(specs, cmd_versions)
    rows: list[Row] = []
    prefixes: dict[tuple[str, ...], Prefix] = {}
    not_installed: dict[str, str] = {}
    for text in specs:
        pipeline = resolve_pipeline(text, versions=versions)
        if any(row.name == pipeline.name for row in rows) or pipeline.name in not_installed:
            raise RunError(f"extractor {pipeline.name!r} is asked for twice")
        missing = _not_installed(pipeline)
        if missing is not None:
            not_installed[pipeline.name] = missing
            continue
        parent = None
        for depth, stage in enumerate(pipeline.stages, start=1):
            key = tuple(s.canonical for s in pipeline.specs[:depth])
            if key not in prefixes:
                own = code_digest(stage)
                chained = None if own is None or (parent is not None and parent.code is None) else _chain(parent, own)
                prefixes[key] = Prefix(specs=pipeline.specs[:depth], stage=stage, parent=parent, code=chained)
            parent = prefixes[key]
        assert parent is not None
        rows.append(Row(pipeline=pipeline, prefix=parent))
    return Plan(rows=rows, prefixes=sorted(prefixes.values(), key=lambda prefix: prefix.depth), not_installed=not_installed)


def _chain(parent: Prefix | None, own: str) -> str:
    return own if parent is None else hashlib.sha256(f"{parent.code}|{own}".encode()).hexdigest()


def _not_installed(pipeline: Pipeline) -> str | None:
    for stage in pipeline.stages:
        check = getattr(stage, "check_installed", None)
        try:
            if check is not None:
                check()
        except NotInstalledError as error:
            return str(error) if len(pipeline.stages) == 1 else f"{pipeline.name}: {error}"
    return None


def _cmd_versions(specs: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """`--cmd-version NAME=STRING` by stage spec: NAME is a `cmd:` stage of the run, or the name of the
    program of exactly one of them."""
    from cleanbench.stages.spec import parse_pipeline

    commands = list(dict.fromkeys(stage.canonical for text in specs for stage in parse_pipeline(text).stages if stage.is_command))
    versions: dict[str, str] = {}
    for name, version in given.items():
        if name in commands:
            versions[name] = version
            continue
        matching = [spec for spec in commands if _program(spec) == name]
        if len(matching) != 1:
            found = "no cmd: stage of this run" if not matching else f"{len(matching)} cmd: stages of this run"
            raise RunError(f"--cmd-version {name}=...: {found} runs {name!r} (give the whole cmd: spec, or the program's name)")
        versions[matching[0]] = version
    return versions


def _program(spec: str) -> str | None:
    import shlex
    from pathlib import Path

    try:
        words = shlex.split(spec[len("cmd:") :])
    except ValueError:
        return None
    return Path(words[0]).name if words else None

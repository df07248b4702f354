"""Stage and pipeline specs: the one grammar (DESIGN.md "Shared rules").

A pipeline spec is `STAGE|STAGE|...`; a single stage is a pipeline of one. Each stage is

- `name`: a built-in or a plugin registered under an entry point;
- `name{json}`: the same with options that override its defaults (`trafilatura{"favor_recall": true}`);
- `module:attr` (optionally `module:attr{json}`): a class, factory, instance or plain function;
- `cmd:PROGRAM ARGS`: an external program (split as a POSIX shell splits words; no shell runs).

`|` splits stages only outside quotes (`'`, `"`), braces and backslash escapes (`\\|`), so `cmd:sh -c 'a | b'` and
`name{"sep": "|"}` stay whole. A stage's canonical form has its options as compact JSON with sorted
keys; a pipeline's is its stages' joined by `|`. That form names the leaderboard row, so a row with
options never clashes with the default row of the same stage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cleanbench.errors import ExtractorError

COMMAND_PREFIX = "cmd:"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MODULE_ATTR = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


@dataclass(frozen=True)
class StageSpec:
    """One stage of a pipeline spec: its reference (a name, `module:attr`, or `cmd:...`) and options."""

    ref: str
    options: dict[str, Any] | None = None

    @property
    def is_command(self) -> bool:
        return self.ref.startswith(COMMAND_PREFIX)

    @property
    def canonical(self) -> str:
        if self.options is None:
            return self.ref
        return self.ref + json.dumps(self.options, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class PipelineSpec:
    stages: tuple[StageSpec, ...]

    @property
    def canonical(self) -> str:
        return "|".join(stage.canonical for stage in self.stages)


def parse_pipeline(text: str) -> PipelineSpec:
    """Parse `STAGE|STAGE|...`; ExtractorError naming the spec and what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExtractorError(f"stage spec {text!r}: empty")
    return PipelineSpec(tuple(parse_stage(part, whole=text) for part in split_stages(text)))


def split_stages(text: str) -> list[str]:
    """The spec cut at each `|` that is outside quotes and braces (stripped of white space around)."""
    parts: list[str] = []
    current: list[str] = []
    quote: str | None = None
    depth = 0
    escaped = False
    for char in text:
        if escaped:  # a backslash keeps the next character (outside single quotes, as a POSIX shell does)
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quote is not None:
        raise ExtractorError(f"stage spec {text!r}: a {quote} quote is not closed")
    parts.append("".join(current))
    return [part.strip() for part in parts]


def parse_stage(text: str, *, whole: str | None = None) -> StageSpec:
    """One stage: `name`, `name{json}`, `module:attr[{json}]` or `cmd:PROGRAM ARGS`."""
    where = whole if whole is not None else text
    if not text:
        raise ExtractorError(f"stage spec {where!r}: an empty stage (two '|' in a row, or one at an end)")
    if text.startswith(COMMAND_PREFIX):
        if not text[len(COMMAND_PREFIX) :].strip():
            raise ExtractorError(f"stage spec {where!r}: no program after {COMMAND_PREFIX!r}")
        return StageSpec(text)
    ref, brace, rest = text.partition("{")
    ref = ref.strip()
    if not (_NAME.fullmatch(ref) or _MODULE_ATTR.fullmatch(ref)):
        raise ExtractorError(f"stage spec {where!r}: {ref!r} is not a stage name, module:attr or cmd:PROGRAM")
    if not brace:
        return StageSpec(ref)
    try:
        options = json.loads("{" + rest)
    except (ValueError, RecursionError) as error:
        raise ExtractorError(f"stage spec {where!r}: the options of {ref!r} are not a JSON object: {error}") from None
    if not isinstance(options, dict):
        raise ExtractorError(f"stage spec {where!r}: the options of {ref!r} must be a JSON object")
    return StageSpec(ref, options)

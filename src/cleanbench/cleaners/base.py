"""What every built-in cleaner shares: `Cleaner`, a text stage (see `cleanbench.stages.base`).

A cleaner declares its `level`: `line` (it may drop or rewrite lines and returns the text kept),
`document` (it returns the text, perhaps cleaned, or a `Drop` with its reason), or `corpus` (a line
cleaner that first fits on the texts of its scope: `fit(pages)` returns a JSON-like state, which the
runner hands to every worker with `use_state`). Lines are split on "\\n" only, the way a text page's
lines are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from cleanbench.stages.base import BuiltinStage, Drop, PageInput


class Cleaner(BuiltinStage):
    """Base class of the built-in cleaners: text in, text (or a drop) out."""

    kind = "cleaner"
    consumes = "text"
    level: ClassVar[str] = "line"

    def process(self, page: PageInput) -> str | Drop:
        self.prepare()
        return self.clean(page.as_text(), page=page)

    def clean(self, text: str, *, page: PageInput) -> str | Drop:
        raise NotImplementedError


class CorpusCleaner(Cleaner):
    """A cleaner that needs a pass over its scope's texts before it cleans one page."""

    level = "corpus"
    state: Any = None

    def fit(self, pages: Sequence[PageInput]) -> Any:
        """The state every page is cleaned with (JSON-like, so that its digest keys the cache)."""
        raise NotImplementedError

    def use_state(self, state: Any) -> None:
        self.state = state

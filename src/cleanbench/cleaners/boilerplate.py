"""`boilerplate-lines`: lines that recur across documents of one scope are removed (a corpus cleaner).

`fit` counts, per scope, in how many documents each line occurs (by CCNet's line hash: the same
normalisation as `line-dedup`); a line whose hash occurs in at least `min_documents` documents of its
page's scope is removed. The scope is the page's site (DESIGN.md's site rule; a page without one is its
own scope) or, with `scope: "set"`, the whole set. A scope of fewer than `min_documents` documents
removes nothing. Blank lines are left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from cleanbench import __version__
from cleanbench.cleaners.base import CorpusCleaner
from cleanbench.cleaners.normalise import line_hash
from cleanbench.errors import ExtractorError
from cleanbench.stages.base import PageInput

SCOPES = ("site", "set")


class BoilerplateLines(CorpusCleaner):
    name = "boilerplate-lines"
    options = {"min_documents": 3, "scope": "site"}
    note = "CCNet's line hash; a scope of fewer documents removes nothing"
    license = "MIT (cleanbench)"

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        minimum, scope = self.options["min_documents"], self.options["scope"]
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 2:
            raise ExtractorError(f"{self.name}: min_documents must be a whole number >= 2, got {minimum!r}")
        if scope not in SCOPES:
            raise ExtractorError(f"{self.name}: scope must be one of {', '.join(SCOPES)}, got {scope!r}")

    def version(self) -> str | None:
        return __version__

    def scope_of(self, page: PageInput) -> str:
        return "" if self.options["scope"] == "set" else (page.site or f"page:{page.id}")

    def fit(self, pages: Sequence[PageInput]) -> dict[str, list[str]]:
        """Per scope, the sorted hashes of the lines found in at least `min_documents` of its documents."""
        minimum = int(self.options["min_documents"])  # type: ignore[call-overload]
        documents: dict[str, Counter[str]] = {}
        for page in pages:
            hashes = {line_hash(line) for line in page.as_text().split("\n") if line.strip()}
            documents.setdefault(self.scope_of(page), Counter()).update(hashes)
        return {scope: sorted(h for h, found in counts.items() if found >= minimum) for scope, counts in sorted(documents.items()) if any(found >= minimum for found in counts.values())}

    def use_state(self, state: Any) -> None:
        super().use_state(state)
        self._recurring = {scope: frozenset(hashes) for scope, hashes in (state or {}).items()}

    def clean(self, text: str, *, page: PageInput) -> str:
        recurring = getattr(self, "_recurring", {}).get(self.scope_of(page), frozenset())
        return "\n".join(line for line in text.split("\n") if not line.strip() or line_hash(line) not in recurring)

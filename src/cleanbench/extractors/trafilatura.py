"""trafilatura, with the options of trafilatura's own evaluation, and its fast/precision/recall variants."""

from __future__ import annotations

from collections.abc import Mapping

from cleanbench.extractors.base import Adapter

# The settings of trafilatura's own benchmark: fallbacks on, no comments, tables kept, plain text.
# The variants change one switch each; any of these keyword arguments can be set from a spec.
EVALUATION_OPTIONS: Mapping[str, object] = {
    "fast": False,
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
    "include_links": False,
    "include_images": False,
    "deduplicate": False,
}


class Trafilatura(Adapter):
    """`trafilatura.extract(html, url=url, **options)`; its None (no text found) becomes ""."""

    name = "trafilatura"
    package = "trafilatura"
    options: Mapping[str, object] = EVALUATION_OPTIONS
    requires = ("trafilatura",)
    license = "Apache-2.0"

    def load(self) -> None:
        import trafilatura

        self._tool = trafilatura.extract

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return self._tool(html, url=url, **self.options)


class TrafilaturaFast(Trafilatura):
    """trafilatura without its fallback extractors (jusText, readability)."""

    name = "trafilatura-fast"
    options = {**EVALUATION_OPTIONS, "fast": True}


class TrafilaturaPrecision(Trafilatura):
    """trafilatura tuned to leave out doubtful blocks."""

    name = "trafilatura-precision"
    options = {**EVALUATION_OPTIONS, "favor_precision": True}


class TrafilaturaRecall(Trafilatura):
    """trafilatura tuned to keep doubtful blocks."""

    name = "trafilatura-recall"
    options = {**EVALUATION_OPTIONS, "favor_recall": True}

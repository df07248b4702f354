"""Importers for public gold-set layouts. Each turns a folder into records of the native schema.

An importer module defines `NAME` (its spec prefix), `STRICT = False` (doubtful gold in a public set is a
counted warning, not an error), `source_files(root) -> list[Path]` (what its cache fingerprint covers)
and `records(root) -> Iterator[dict]` (native-schema records, `meta` a dict). Modules are imported only
when their prefix is used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FORMATS: dict[str, str] = {
    "aeb": "cleanbench.gold.formats.aeb",
    "wcxb": "cleanbench.gold.formats.wcxb",
    "trafilatura-eval": "cleanbench.gold.formats.trafilatura_eval",
}


def importer(prefix: str) -> ModuleType:
    """The importer module for a spec prefix (a key of `FORMATS`)."""
    return importlib.import_module(FORMATS[prefix])

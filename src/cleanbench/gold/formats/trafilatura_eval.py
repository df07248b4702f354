"""trafilatura's evaluation corpus: 990 pages, mostly German, with must-include and must-exclude snippets.

Layout: `evaldata.json` = `{url: {"file", "with", "without", optional "author", "title", "date", ...}}`
and `html/<file>.gz` (the original bytes; encodings vary: decoded by `decode_html`). gold_text is None;
`with` and `without` are kept verbatim; every other field goes into meta under its own name (the
page's own `license` among them), with the original file name as `file`.

The id is the file name without `.html`, cut to `[A-Za-z0-9._-]`: accents are stripped, other characters
become `_`, and a name that had to change gets `-` and 8 hex digits of its sha256, so ids are unique and
do not depend on which other pages the corpus holds.

Empty snippets: trafilatura's evaluation counts an empty `with` as found and an empty `without` as
present (the empty string is in every output). evaldata.json (commit e90b0ef) has none, and every
entry has a non-empty `with`; a later version that carried one fails to load, naming the page and
field, rather than being scored with counts that differ from trafilatura's.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleanbench.errors import GoldError, GoldSpecError
from cleanbench.gold.formats._source import read_json, read_page
from cleanbench.gold.schema import ID_PATTERN

NAME = "trafilatura-eval"
STRICT = False
LICENCE = "Apache-2.0"
_OUTSIDE_ID = re.compile(r"[^A-Za-z0-9._-]+")
_SAFE_FILE = re.compile(r"[^/\\\x00]+")
_HASHED_LENGTH = 128 - 9  # room for "-" and 8 hex digits


def source_files(root: Path) -> list[Path]:
    """`evaldata.json` and the gzipped pages."""
    evaldata = root / "evaldata.json"
    if not evaldata.is_file():
        raise GoldSpecError(f"{NAME}:{root}: no evaldata.json (expected trafilatura's tests/ layout: evaldata.json and html/<file>.gz)")
    return [evaldata, *sorted((root / "html").glob("*.gz"))]


def records(root: Path, *, max_page_bytes: int | None = None) -> Iterator[dict[str, Any]]:
    """One native record per evaldata.json entry, in the file's order."""
    entries = read_json(root / "evaldata.json", root=root)
    if not isinstance(entries, dict):
        raise GoldError(f"{root.name}/evaldata.json: expected an object {{url: {{file, with, without, ...}}}}")
    for url, entry in entries.items():
        where = f"{root.name}/evaldata.json: page {url!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or not entry["file"]:
            raise GoldError(f"{where}: field 'file': expected a file name")
        if not _SAFE_FILE.fullmatch(entry["file"]) or entry["file"] in (".", ".."):  # a name, never a path
            raise GoldError(f"{where}: field 'file': {entry['file']!r} is not a file name inside html/")
        html, notes = read_page(root / "html" / f"{entry['file']}.gz", root=root, max_bytes=max_page_bytes)
        fields = {key: value for key, value in entry.items() if key not in ("with", "without")}
        yield {
            "id": page_id(entry["file"]),
            "html": html,
            "url": url,
            "lang": None,
            "page_type": None,
            "gold_text": None,
            "with": entry.get("with"),
            "without": entry.get("without"),
            "meta": {"source": NAME, "licence": LICENCE, **fields, **notes},
        }


def page_id(file_name: str) -> str:
    """The page id of a corpus file name (see the module docstring)."""
    stem = file_name.removesuffix(".html")
    if ID_PATTERN.fullmatch(stem):
        return stem
    unaccented = "".join(char for char in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(char))
    cleaned = _OUTSIDE_ID.sub("_", unaccented)[:_HASHED_LENGTH]
    return f"{cleaned}-{hashlib.sha256(file_name.encode('utf-8')).hexdigest()[:8]}"

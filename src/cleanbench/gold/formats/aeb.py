"""Zyte's article-extraction-benchmark (AEB): 181 news and article pages with their full article bodies.

Layout: `ground-truth.json` = `{id: {"articleBody", "url"}}` and `html/<id>.html.gz` (UTF-8, decoded
through `decode_html` like every page). gold_text = articleBody; page_type "article"; no snippets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleanbench.errors import GoldError, GoldSpecError
from cleanbench.gold.formats._source import read_json, read_page
from cleanbench.gold.schema import ID_PATTERN

NAME = "aeb"
STRICT = False
LICENCE = "MIT"


def source_files(root: Path) -> list[Path]:
    """`ground-truth.json` and the gzipped pages."""
    truth = root / "ground-truth.json"
    if not truth.is_file():
        raise GoldSpecError(f"{NAME}:{root}: no ground-truth.json (expected AEB's layout: ground-truth.json and html/<id>.html.gz)")
    return [truth, *sorted((root / "html").glob("*.html.gz"))]


def records(root: Path, *, max_page_bytes: int | None = None) -> Iterator[dict[str, Any]]:
    """One native record per ground-truth entry, in id order."""
    truth = read_json(root / "ground-truth.json", root=root)
    if not isinstance(truth, dict):
        raise GoldError(f"{root.name}/ground-truth.json: expected an object {{id: {{articleBody, url}}}}")
    for page_id in sorted(truth):
        entry = truth[page_id]
        where = f"{root.name}/ground-truth.json: page {page_id!r}"
        if not ID_PATTERN.fullmatch(page_id):  # checked before the id names a file to read
            raise GoldError(f"{where}: field 'id': {page_id!r} is not [A-Za-z0-9._-]{{1,128}}")
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise GoldError(f"{where}: field 'articleBody': expected a string")
        html, notes = read_page(root / "html" / f"{page_id}.html.gz", root=root, max_bytes=max_page_bytes)
        yield {
            "id": page_id,
            "html": html,
            "url": entry.get("url"),
            "lang": None,
            "page_type": "article",
            "gold_text": entry["articleBody"],
            "meta": {"source": NAME, "licence": LICENCE, **notes},
        }

"""WCXB (Web Content Extraction Benchmark): pages of seven page types with full main-content text and snippets.

The root is one split folder: `html/<id>.html.gz`, `ground-truth/<id>.json`, optionally `metadata.json`
(the dev split at `../shared/data/wcxb-dev`; a `test/` folder laid out the same way works alike).
gold_text = `ground_truth.main_content`: an empty string stays empty (WCXB's annotators say the page has
no main content, 19 dev pages), an absent one is None when the page has `with` snippets (2 dev pages,
scored on their snippets) and "" when it has none (WCXB's held-out split has such pages): WCXB's scorer
compares both kinds against an empty gold, and so does every cleanbench metric that reads gold_text. page_type = `_internal.page_type.primary` (else
metadata.json; a type outside cleanbench's vocabulary becomes "other"). meta keeps title, author,
publish_date and domain (metadata.json's, else the URL's host without "www.").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleanbench.errors import GoldError, GoldSpecError
from cleanbench.gold.formats._source import read_json, read_page
from cleanbench.gold.schema import PAGE_TYPES

NAME = "wcxb"
STRICT = False
LICENCE = "CC-BY-4.0"
_LAYOUT = ("html", "ground-truth")


def source_files(root: Path) -> list[Path]:
    """The ground-truth documents, the gzipped pages and metadata.json (when present)."""
    if not all((root / part).is_dir() for part in _LAYOUT):
        splits = [p.name for p in sorted(root.iterdir()) if p.is_dir() and all((p / part).is_dir() for part in _LAYOUT)]
        if splits:
            raise GoldSpecError(f"{NAME}:{root}: no html/ and ground-truth/ here; point at a split folder: {NAME}:{root / splits[0]}")
        raise GoldSpecError(f"{NAME}:{root}: expected WCXB's layout (html/<id>.html.gz, ground-truth/<id>.json)")
    metadata = [root / "metadata.json"] if (root / "metadata.json").is_file() else []
    return [*sorted((root / "ground-truth").glob("*.json")), *sorted((root / "html").glob("*.html.gz")), *metadata]


def records(root: Path, *, max_page_bytes: int | None = None) -> Iterator[dict[str, Any]]:
    """One native record per ground-truth file, in file-name order."""
    files = _metadata_files(root)
    for path in sorted((root / "ground-truth").glob("*.json")):
        page_id = path.stem
        where = f"{root.name}/ground-truth/{path.name}"
        document = read_json(path, root=root)
        truth = document.get("ground_truth") if isinstance(document, dict) else None
        if not isinstance(truth, dict):
            raise GoldError(f"{where}: field 'ground_truth': expected an object")
        listed = files.get(page_id)
        listed = listed if isinstance(listed, dict) else {}
        page_type = _internal_page_type(document.get("_internal"), where=where) or listed.get("page_type")
        html, notes = read_page(root / "html" / f"{page_id}.html.gz", root=root, max_bytes=max_page_bytes)
        url = document.get("url")
        meta: dict[str, Any] = {
            "source": NAME,
            "licence": LICENCE,
            "title": truth.get("title"),
            "author": truth.get("author"),
            "publish_date": truth.get("publish_date"),
            "domain": listed.get("domain") or _host(url),
            **notes,
        }
        if page_type is not None and page_type not in PAGE_TYPES:
            meta["wcxb_page_type"] = page_type
            page_type = "other"
        gold_text = truth.get("main_content")
        if gold_text is None and not truth.get("with"):
            # Neither main content nor snippets: WCXB's scorer compares such a page with an empty gold.
            gold_text = ""
            meta["main_content"] = "absent: scored as an empty gold, as WCXB's evaluate.py does"
        yield {
            "id": page_id,
            "html": html,
            "url": url if isinstance(url, str) else None,
            "lang": None,
            "page_type": page_type,
            "gold_text": gold_text,
            "with": truth.get("with"),
            "without": truth.get("without"),
            "meta": meta,
        }


def _internal_page_type(internal: Any, *, where: str) -> str | None:
    """`_internal.page_type.primary`, where present; a field of another type is an error naming it."""
    if internal is None:
        return None
    if not isinstance(internal, dict):
        raise GoldError(f"{where}: field '_internal': expected an object, got {type(internal).__name__}")
    page_type = internal.get("page_type")
    if page_type is None:
        return None
    if not isinstance(page_type, dict):
        raise GoldError(f"{where}: field '_internal.page_type': expected an object, got {type(page_type).__name__}")
    primary = page_type.get("primary")
    if primary is not None and not isinstance(primary, str):
        raise GoldError(f"{where}: field '_internal.page_type.primary': expected a string, got {type(primary).__name__}")
    return primary


def _metadata_files(root: Path) -> dict[str, dict[str, Any]]:
    """metadata.json's per-id entries (page_type, domain, ...), or nothing when it is absent."""
    path = root / "metadata.json"
    if not path.is_file():
        return {}
    document = read_json(path, root=root)
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        raise GoldError(f"{root.name}/metadata.json: field 'files': expected an object {{id: {{page_type, domain, ...}}}}")
    return files


def _host(url: object) -> str | None:
    host = urlsplit(url).hostname if isinstance(url, str) else None
    return host.removeprefix("www.") if host else None


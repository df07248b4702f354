"""Reading a public set's source files: JSON documents and gzipped pages, errors naming the file."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from cleanbench.errors import GoldError
from cleanbench.gold.decode import decode_html


def read_json(path: Path, *, root: Path) -> Any:
    """The parsed JSON document at `path`; a GoldError naming it (relative to the set) when unreadable."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise GoldError(f"{_where(path, root)}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{_where(path, root)}: not a JSON document: {error}") from None


def read_page(path: Path, *, root: Path) -> tuple[str, dict[str, str]]:
    """A gzipped page decoded with `decode_html`, and its `meta` notes: `encoding` and `decode_method`."""
    try:
        data = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise GoldError(f"{_where(path, root)}: no such file") from None
    except (OSError, EOFError, zlib.error) as error:
        raise GoldError(f"{_where(path, root)}: not a gzip file: {error}") from None
    decoded = decode_html(data)
    return decoded.text, {"encoding": decoded.encoding, "decode_method": decoded.method}


def _where(path: Path, root: Path) -> str:
    return f"{root.name}/{path.relative_to(root).as_posix()}"

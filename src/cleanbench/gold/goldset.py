"""`GoldSet`: a loaded gold set, its pages in an Arrow table (memory-mapped from the import cache, so a
large set is decoded a batch of pages at a time, never all at once), read with pyarrow alone.

`gold.load` builds one (with `datasets` on the first import of a source, with pyarrow alone after);
this module never imports `datasets`, so a command that reads a warm set starts fast. `dataset` gives
the same pages as a `datasets.Dataset`, for the few callers that want one (export to a `datasets`
folder).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from cleanbench.cache_dir import cache_root
from cleanbench.errors import GoldError
from cleanbench.gold.schema import RECORD_FIELDS, GoldPage
from cleanbench.gold.statistics import GoldStatistics, gold_statistics

DIGEST_FIELDS: tuple[str, ...] = tuple(name for name in RECORD_FIELDS if name != "meta")
LATER_FIELDS: tuple[str, ...] = ("text",)
_BATCH_PAGES = 64

# The gold schema as Arrow types (the same as `gold.load.features()`, for `datasets`).
_STRING_LIST = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("html", pa.string()),  # null for a text page
        ("text", pa.string()),  # a text page's lines; null for an HTML page
        ("url", pa.string()),
        ("lang", pa.string()),
        ("page_type", pa.string()),
        ("gold_text", pa.string()),
        ("with", _STRING_LIST),
        ("without", _STRING_LIST),
        ("noise", pa.list_(pa.struct([("label", pa.string()), ("text", pa.string())]))),
        ("optional", _STRING_LIST),
        ("meta", pa.string()),  # a JSON object: free-form, not part of the digest
    ]
)


def page_digest(record: Mapping[str, Any]) -> str:
    """sha256 of one record's canonical JSON (digest fields only, so `meta` notes do not change it).

    A field that is null and that the schema gained later (`text`) is left out, so adding it changed no
    digest of an existing set (nor the baselines pinned on one)."""
    canonical = {name: record.get(name) for name in DIGEST_FIELDS}
    for name in LATER_FIELDS:
        if canonical[name] is None:
            del canonical[name]
    for name in ("with", "without", "optional", "noise"):
        canonical[name] = list(canonical[name] or [])
    canonical["noise"] = [{"label": span["label"], "text": span["text"]} for span in canonical["noise"]]
    data = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def features() -> Any:
    """The gold schema as `datasets.Features` (the same types as `SCHEMA`); imports `datasets`."""
    import datasets

    string = datasets.Value("string")
    return datasets.Features(
        {
            "id": string,
            "html": string,
            "text": string,
            "url": string,
            "lang": string,
            "page_type": string,
            "gold_text": string,
            "with": datasets.List(string),
            "without": datasets.List(string),
            "noise": datasets.List({"label": string, "text": string}),
            "optional": datasets.List(string),
            "meta": string,
        }
    )


@dataclass
class GoldSet:
    """A loaded gold set. Iterate it for `GoldPage`s; `table` holds its pages (the gold schema, `SCHEMA`).

    `arrow_file`: the import-cache file the table maps, when cleanbench built it (its page digests are
    kept beside it)."""

    name: str
    spec: str
    table: pa.Table
    strict: bool = True
    arrow_file: Path | None = None
    _index: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return self.table.num_rows

    def __iter__(self) -> Iterator[GoldPage]:
        for row in self.rows():
            yield GoldPage.from_record(row, where=f"{self.name}: page {row['id']!r}")

    def rows(self, columns: Sequence[str] | None = None, *, batch_size: int = _BATCH_PAGES) -> Iterator[dict[str, Any]]:
        """Each page as a plain record of `columns` (all by default), a batch of pages decoded at a time."""
        table = self.table if columns is None else self.table.select(list(columns))
        for batch in table.to_batches(max_chunksize=batch_size):
            yield from batch.to_pylist()

    def annotations(self) -> Iterator[GoldPage]:
        """The pages without their HTML or text: what scorers and slices need, read without the bulk."""
        for row in self.rows([name for name in self.table.column_names if name not in ("html", "text")]):
            yield GoldPage.from_record({**row, "html": ""}, where=f"{self.name}: page {row['id']!r}")

    def html_sizes(self) -> list[int | None]:
        """Each page's HTML size in UTF-8 bytes, in page order, from the Arrow column's offsets: no page is read."""
        import pyarrow.compute as pc

        return pc.binary_length(self.table["html"]).to_pylist()

    def ids(self) -> list[str]:
        return self.table["id"].to_pylist()

    def statistics(self) -> GoldStatistics:
        """What the set holds, counted (`cleanbench data info`)."""
        text_pages = len(self) - self.table["text"].null_count
        return gold_statistics(self.annotations(), text_pages=text_pages)

    def page(self, page_id: str) -> GoldPage:
        """One page by id; raises `GoldError` naming the set when it is absent."""
        if self._index is None:
            self._index = {pid: row for row, pid in enumerate(self.ids())}
        if page_id not in self._index:
            raise GoldError(f"{self.name}: no page with id {page_id!r}")
        (row,) = self.table.slice(self._index[page_id], 1).to_pylist()
        return GoldPage.from_record(row, where=f"{self.name}: page {page_id!r}")

    def select(self, page_ids: Sequence[str], *, name: str | None = None) -> GoldSet:
        """A set of these pages of this one, in this order (its digests computed afresh)."""
        if self._index is None:
            self._index = {pid: row for row, pid in enumerate(self.ids())}
        missing = [page_id for page_id in page_ids if page_id not in self._index]
        if missing:
            raise GoldError(f"{self.name}: no page with id {missing[0]!r}")
        table = self.table.take(pa.array([self._index[page_id] for page_id in page_ids], type=pa.int64()))
        return GoldSet(name=name or self.name, spec=self.spec, table=table, strict=self.strict)

    @property
    def dataset(self) -> Any:
        """The pages as a `datasets.Dataset` (imports `datasets`)."""
        import datasets
        from datasets.table import InMemoryTable

        return datasets.Dataset(InMemoryTable(self.table), info=datasets.DatasetInfo(features=features()))

    def page_digests(self) -> dict[str, str]:
        """Per-page sha256, keyed by id (the prediction cache keys on these)."""
        return self._page_digests

    @cached_property
    def _page_digests(self) -> dict[str, str]:
        stored = self._stored_digests_path()
        if stored is not None and stored.is_file():
            try:
                found = json.loads(stored.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if isinstance(found, dict) and list(found) == self.ids():
                return found
        digests = {record["id"]: page_digest(record) for record in self.rows(DIGEST_FIELDS)}
        if stored is not None:
            _store_digests(stored, digests)
        return digests

    def _stored_digests_path(self) -> Path | None:
        """Where the digests of an Arrow file that cleanbench built under `cache_root()` are kept: beside it.

        Such a file never changes (new sources give a new fingerprint, so a new file), and the stored
        digests are used only when their ids equal the set's, in order. None for any other table.
        """
        if self.arrow_file is None:
            return None
        arrow = self.arrow_file.resolve()
        if not arrow.is_relative_to((cache_root() / "gold").resolve()):
            return None
        return arrow.with_name(f"{arrow.stem}.page-digests.json")

    def digest(self) -> str:
        """sha256 over the sorted per-page digests: independent of load order and of the source format."""
        lines = "".join(f"{pid}\t{d}\n" for pid, d in sorted(self.page_digests().items()))
        return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _store_digests(path: Path, digests: dict[str, str]) -> None:
    """Write the digests atomically; a cache that cannot be written is only slower, so errors pass."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(digests), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)

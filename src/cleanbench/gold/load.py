"""`load_gold(spec)`: a gold set from a name, a folder, a file, a public layout or the Hugging Face hub.

A `GoldSet` holds its pages in an Arrow table (memory-mapped from the import cache), so a large set is
decoded a batch of pages at a time, never all at once. Imports of folders, JSON Lines files and public
layouts are cached under the user cache directory, keyed by the source files' content (an edit that
keeps a file's size and time still loads afresh): the first import writes the Arrow file with
`datasets`, and records where it is (`gold/warm/<key>.json`); later loads map that file with pyarrow
alone, without importing `datasets` (about a second of start-up saved per command). Every page is read
under a size cap (`max_page_mb`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from cleanbench import __version__
from cleanbench.cache_dir import cache_root
from cleanbench.constants import DEFAULT_MAX_PAGE_MB
from cleanbench.errors import GoldError, GoldSpecError
from cleanbench.gold.formats import FORMATS, importer
from cleanbench.gold.formats._source import read_utf8
from cleanbench.gold.goldset import DIGEST_FIELDS, LATER_FIELDS, SCHEMA, GoldSet, features, page_digest
from cleanbench.gold.schema import RECORD_FIELDS, GoldPage
from cleanbench.jsonl import loads, read_json_lines

__all__ = ["BUNDLED", "DIGEST_FIELDS", "LATER_FIELDS", "GoldSet", "cache_root", "features", "fixtures_dir", "load_gold", "page_digest"]

# Bump when the record layout or an importer changes what it produces: old caches are then ignored.
_CACHE_LAYOUT = "4"  # 4: text pages (3: keyed by content; 2: by file names, sizes and times)
# Pages held in memory before a write to the Arrow file (datasets' default of 1,000 pages of HTML
# took WCXB's import past 2 GB of memory).
_WRITER_BATCH_PAGES = 100


BUNDLED: dict[str, str] = {"fixtures": "_fixtures", "fixtures-text": "_fixtures_text"}
"""The bundled gold sets, by spec: the HTML pages, and the text pages of the text stage."""


def fixtures_dir(name: str = "fixtures") -> Path:
    """A bundled gold set's folder: inside the wheel as `cleanbench/_fixtures[_text]`, else the source tree's."""
    packaged = Path(__file__).resolve().parents[1] / BUNDLED[name]
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


def load_gold(spec: str = "fixtures", *, max_page_mb: float = DEFAULT_MAX_PAGE_MB) -> GoldSet:
    """Load a gold set; a page whose decoded size passes `max_page_mb` is a `GoldError` naming it.

    Specs: `fixtures` (the bundled set); a folder of native `*.json` records (each may leave out `html`
    when `<id>.html` sits beside it) or a folder written by `datasets.save_to_disk`; a `.jsonl` or
    `.parquet` file in the native schema; `aeb:PATH`, `wcxb:PATH`, `trafilatura-eval:PATH`;
    `hf:NAME[:SPLIT]` through `datasets.load_dataset`.
    """
    if not (max_page_mb > 0 and math.isfinite(max_page_mb)):
        raise GoldSpecError(f"{spec}: max_page_mb must be a finite number above 0, got {max_page_mb!r}")
    limit = int(max_page_mb * 2**20)
    prefix, _, rest = spec.partition(":")
    if spec in BUNDLED:
        return _load_folder(fixtures_dir(spec), name=spec, spec=spec, limit=limit)
    if prefix == "hf" and rest:
        return _load_hub(rest, spec=spec, limit=limit)
    if prefix in FORMATS and rest:
        root = Path(rest)
        if not root.is_dir():
            raise GoldSpecError(f"{spec}: {root} is not a folder")
        module = importer(prefix)
        table, arrow_file = _build(module.records, root, files=module.source_files(root), kind=prefix, limit=limit, spec=spec)
        return GoldSet(name=root.resolve().name, spec=spec, table=table, strict=module.STRICT, arrow_file=arrow_file)
    path = Path(spec)
    if path.is_dir():
        if (path / "dataset_info.json").is_file() and (path / "state.json").is_file():
            try:
                saved = _quiet_datasets().load_from_disk(str(path))
            except Exception as error:  # noqa: BLE001  datasets raises many kinds on a damaged folder
                raise GoldSpecError(f"{spec}: not a readable datasets folder: {_first_line(error)}") from None
            return _checked(name=path.resolve().name, spec=spec, table=_table_of(saved), strict=True, limit=limit)
        if (path / "inject.json").is_file() and (path / "pages").is_dir():  # a derived set (cleanbench data inject)
            return _load_derived(path, spec=spec, limit=limit)
        return _load_folder(path, name=path.resolve().name, spec=spec, limit=limit)
    if path.is_file() and path.suffix == ".jsonl":
        table, arrow_file = _build(_jsonl_records, path, files=[path], kind="jsonl", limit=limit, spec=spec)
        return GoldSet(name=path.stem, spec=spec, table=table, arrow_file=arrow_file)
    if path.is_file() and path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path, memory_map=True)
        except Exception as error:  # noqa: BLE001  pyarrow raises many kinds on a bad file
            raise GoldSpecError(f"{spec}: not a readable Parquet file of cleanbench's gold schema: {_first_line(error)}") from None
        return _checked(name=path.stem, spec=spec, table=table, strict=True, limit=limit)
    if not path.exists() and prefix not in FORMATS and prefix != "hf":
        raise GoldSpecError(
            f"{spec}: no such file or folder (a gold spec is 'fixtures', a folder, a .jsonl/.parquet file, "
            f"{', '.join(p + ':PATH' for p in FORMATS)} or hf:NAME[:SPLIT])"
        )
    raise GoldSpecError(f"{spec}: cannot read this as a gold set (expected a folder, .jsonl or .parquet)")


def _load_derived(root: Path, *, spec: str, limit: int) -> GoldSet:
    """A derived set written by `cleanbench data inject` (`pages/part-*.parquet`, in name order, and
    `inject.json` saying whether its source was strict: a derived page is as doubtful as its source page)."""
    import pyarrow.parquet as pq

    try:
        parts = sorted((root / "pages").glob("part-*.parquet"))
        if not parts:
            raise GoldSpecError(f"{spec}: {root / 'pages'} holds no part-*.parquet files")
        tables = [pq.read_table(part, memory_map=True) for part in parts]
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    except GoldSpecError:
        raise
    except Exception as error:  # noqa: BLE001  pyarrow raises many kinds on a bad file
        raise GoldSpecError(f"{spec}: not a readable Parquet file of cleanbench's gold schema: {_first_line(error)}") from None
    strict = True
    try:
        manifest = json.loads((root / "inject.json").read_text(encoding="utf-8"))
        strict = bool(manifest.get("strict", True)) if isinstance(manifest, dict) else True
    except (OSError, ValueError):
        pass
    return _checked(name=root.resolve().name, spec=spec, table=table, strict=strict, limit=limit)


def _load_folder(root: Path, *, name: str, spec: str, limit: int) -> GoldSet:
    files = sorted(root.glob("*.json"))
    if not files:
        raise GoldSpecError(f"{spec}: folder {root} holds no *.json page records")
    table, arrow_file = _build(_folder_records, root, files=files + sorted(root.glob("*.html")) + sorted(root.glob("*.txt")), kind="folder", limit=limit, spec=spec)
    return GoldSet(name=name, spec=spec, table=table, arrow_file=arrow_file)


def _folder_records(root: Path, *, max_page_bytes: int) -> Iterator[dict[str, Any]]:
    for path in sorted(root.glob("*.json")):
        yield folder_record(path, max_page_bytes=max_page_bytes)


def folder_record(path: Path, *, max_page_bytes: int) -> dict[str, Any]:
    """One page of a folder set (`<id>.json`, its page in the record or in `<id>.html`/`<id>.txt`), checked."""
    root = path.parent
    where = f"{root.name}/{path.name}"
    record = loads(read_utf8(path, where=where, max_bytes=max_page_bytes * 2), where=where, error=GoldError, document=True)
    if not isinstance(record, dict):
        raise GoldError(f"{where}: expected one JSON object per file")
    if "html" not in record and "text" not in record:
        html_path, text_path = path.with_suffix(".html"), path.with_suffix(".txt")
        if text_path.exists() or text_path.is_symlink():
            record["text"] = read_utf8(text_path, where=f"{root.name}/{text_path.name}", max_bytes=max_page_bytes)
        elif html_path.exists() or html_path.is_symlink():
            record["html"] = read_utf8(html_path, where=f"{root.name}/{html_path.name}", max_bytes=max_page_bytes)
        else:
            raise GoldError(f"{where}: fields 'html' and 'text': absent, and no {html_path.name} or {text_path.name} beside it")
    return native_record(record, where=where, max_page_bytes=max_page_bytes)


def _jsonl_records(path: Path, *, max_page_bytes: int) -> Iterator[dict[str, Any]]:
    # A line holds a page and its annotations: it may be twice the page cap before it is refused unread.
    for where, record in read_json_lines(path, source=path.name, error=GoldError, max_line_bytes=2 * max_page_bytes):
        if not isinstance(record, dict):
            raise GoldError(f"{where}: expected a JSON object")
        yield native_record(record, where=where, max_page_bytes=max_page_bytes)


def native_record(record: dict[str, Any], *, where: str, max_page_bytes: int) -> dict[str, Any]:
    """Check a record's structure (raising a named GoldError) and return it in the Arrow layout."""
    page = GoldPage.from_record(record, where=where)
    _check_size(page.text if page.text is not None else page.html, where=where, max_page_bytes=max_page_bytes)
    arrow = page.to_record()
    arrow["meta"] = json.dumps(arrow["meta"], ensure_ascii=False, sort_keys=True)
    return arrow


def _check_size(html: str, *, where: str, max_page_bytes: int) -> None:
    # A character is 1 to 4 bytes: only a page that may pass the cap is encoded to be measured.
    if len(html) > max_page_bytes // 4 and len(html.encode("utf-8", "surrogatepass")) > max_page_bytes:
        raise GoldError(f"{where}: the page is larger than the page size cap of {max_page_bytes / 2**20:g} MB (--max-page-mb)")


def _generate(read: Any, root: str, fingerprint: str, max_page_bytes: int) -> Iterator[dict[str, Any]]:
    del fingerprint  # part of gen_kwargs only so that the cache key changes with the source files
    seen: dict[str, bool] = {}
    for record in read(Path(root), max_page_bytes=max_page_bytes):
        if not isinstance(record.get("meta"), str):
            record = native_record(record, where=f"{Path(root).name}: page {record.get('id')!r}", max_page_bytes=max_page_bytes)
        if record["id"] in seen:
            raise GoldError(f"{Path(root).name}: page {record['id']!r}: field 'id': duplicate id")
        seen[record["id"]] = True
        yield record


def _build(read: Any, root: Path, *, files: list[Path], kind: str, limit: int, spec: str) -> tuple[pa.Table, Path]:
    """The imported pages as a memory-mapped Arrow table, and its file: from the import cache when this
    import was made before (pyarrow alone), else written there by `datasets` (which reads every record
    through `read` and checks it)."""
    fingerprint = _fingerprint(root, files=files, kind=kind, limit=limit)
    warm = _warm(fingerprint)
    if warm is not None:
        return warm
    datasets = _quiet_datasets()
    try:
        dataset = datasets.Dataset.from_generator(
            _generate,
            features=features(),
            gen_kwargs={"read": read, "root": str(root), "fingerprint": fingerprint, "max_page_bytes": limit},
            cache_dir=str(cache_root() / "gold"),
            fingerprint=fingerprint,
            writer_batch_size=_WRITER_BATCH_PAGES,
        )
    except Exception as error:  # datasets wraps errors raised in the generator; surface ours unwrapped
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, (GoldError, GoldSpecError)):
                raise cause from None
            cause = cause.__cause__ or cause.__context__
        if "corresponds to no data" in str(error):  # datasets' words for a generator that yielded nothing
            raise GoldSpecError(f"{spec}: holds no pages") from None
        raise
    arrow_files = [Path(entry["filename"]) for entry in dataset.cache_files]
    _remember(fingerprint, arrow_files)
    return _table_of(dataset), arrow_files[0]


def _quiet_datasets() -> Any:
    """`datasets`, imported, with its progress bars and log lines off."""
    import datasets

    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    return datasets


def _warm_path(fingerprint: str) -> Path:
    return cache_root() / "gold" / "warm" / f"{fingerprint}.json"


def _warm(fingerprint: str) -> tuple[pa.Table, Path] | None:
    """The Arrow table an earlier import with this fingerprint wrote, mapped with pyarrow; None when
    there is none, or it cannot be read as the gold schema (the import then runs again)."""
    try:
        files = [Path(name) for name in json.loads(_warm_path(fingerprint).read_text(encoding="utf-8"))["arrow_files"]]
        tables = [pa.ipc.open_stream(pa.memory_map(str(path))).read_all() for path in files]
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0] if tables else None
    if table is None or not table.schema.equals(SCHEMA):
        return None
    return table, files[0]


def _remember(fingerprint: str, arrow_files: list[Path]) -> None:
    """Record where this import's Arrow files are (atomically); a cache that cannot be written is only slower."""
    path = _warm_path(fingerprint)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"arrow_files": [str(file) for file in arrow_files]}), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _table_of(dataset: Any) -> pa.Table:
    """A `datasets.Dataset`'s rows as a pyarrow table (a view of some rows made whole first)."""
    if getattr(dataset, "_indices", None) is not None:
        dataset = dataset.flatten_indices()
    return dataset.data.table


def _fingerprint(root: Path, *, files: list[Path], kind: str, limit: int) -> str:
    """The cache key of an import: what was imported, how, and the content of every source file."""
    hasher = hashlib.sha256(f"{kind}|{_CACHE_LAYOUT}|{__version__}|{root.resolve()}|{limit}".encode())
    for path in files:
        hasher.update(f"{path.name}|".encode())
        try:
            with path.open("rb") as source:
                hasher.update(hashlib.file_digest(source, "sha256").digest())
        except OSError:
            hasher.update(b"unreadable")  # reading it again during the import names the problem
    return hasher.hexdigest()


def _checked(*, name: str, spec: str, table: pa.Table, strict: bool, limit: int) -> GoldSet:
    """A set from a table that our own reader did not build (Parquet, a `datasets` folder, the hub):
    its columns brought to the gold schema, the structure of every record and every page's size checked."""
    if "text" not in table.column_names:  # written before text pages existed: every page is HTML
        table = table.append_column("text", pa.nulls(table.num_rows, pa.string()))
    missing = [column for column in RECORD_FIELDS if column not in table.column_names]
    if missing:
        raise GoldSpecError(f"{spec}: not in cleanbench's gold schema: missing column {missing[0]!r}")
    try:
        table = table.select(SCHEMA.names).cast(SCHEMA)
    except (pa.ArrowException, ValueError) as error:
        raise GoldSpecError(f"{spec}: not in cleanbench's gold schema: {_first_line(error)}") from None
    if not table.num_rows:
        raise GoldSpecError(f"{spec}: holds no pages")
    gold = GoldSet(name=name, spec=spec, table=table, strict=strict)
    import pyarrow.compute as pc

    sizes = pc.max_element_wise(pc.binary_length(table["html"]), pc.binary_length(table["text"]))
    too_large = [index for index, size in enumerate(sizes.to_pylist()) if size is not None and size > limit]
    if too_large:
        where = f"{spec}: row {too_large[0]} (page {table['id'][too_large[0]].as_py()!r})"
        raise GoldError(f"{where}: the page is larger than the page size cap of {limit / 2**20:g} MB (--max-page-mb)")
    seen: set[str] = set()
    for index, row in enumerate(gold.rows([column for column in RECORD_FIELDS if column != "html"])):
        where = f"{spec}: row {index}"
        GoldPage.from_record({**row, "html": ""}, where=where)
        if row["id"] in seen:
            raise GoldError(f"{where}: field 'id': duplicate id {row['id']!r}")
        seen.add(row["id"])
    return gold


def _load_hub(rest: str, *, spec: str, limit: int) -> GoldSet:
    name, _, split = rest.partition(":")
    try:
        dataset = _quiet_datasets().load_dataset(name, split=split or "train")
    except Exception as error:  # the hub client raises many types; offline they all mean "cannot fetch"
        offline = os.environ.get("HF_DATASETS_OFFLINE") == "1" or os.environ.get("HF_HUB_OFFLINE") == "1"
        hint = "offline mode is on" if offline else "no network, or no such dataset"
        raise GoldSpecError(f"{spec}: cannot load from the Hugging Face hub ({hint}): {_first_line(error)}") from None
    return _checked(name=name.rsplit("/", 1)[-1], spec=spec, table=_table_of(dataset), strict=False, limit=limit)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"

"""`load_gold(spec)`: a gold set from a name, a folder, a file, a public layout or the Hugging Face hub.

A `GoldSet` is backed by a `datasets.Dataset` with declared features (Arrow on disk, memory-mapped),
so a large set is decoded one page at a time, never all at once. Imports of folders are cached under
the user cache directory, keyed by the source files' content (an edit that keeps a file's size and time
still loads afresh). Every page is read under a size cap (`max_page_mb`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import datasets
import platformdirs
import pyarrow.compute as pc

from cleanbench import __version__
from cleanbench.constants import DEFAULT_MAX_PAGE_MB
from cleanbench.errors import GoldError, GoldSpecError
from cleanbench.gold.formats import FORMATS, importer
from cleanbench.gold.formats._source import read_utf8
from cleanbench.gold.schema import RECORD_FIELDS, GoldPage
from cleanbench.gold.statistics import GoldStatistics, gold_statistics
from cleanbench.jsonl import loads, read_json_lines

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "html": datasets.Value("string"),  # null for a text page
        "text": datasets.Value("string"),  # a text page's lines; null for an HTML page
        "url": datasets.Value("string"),
        "lang": datasets.Value("string"),
        "page_type": datasets.Value("string"),
        "gold_text": datasets.Value("string"),
        "with": datasets.List(datasets.Value("string")),
        "without": datasets.List(datasets.Value("string")),
        "noise": datasets.List({"label": datasets.Value("string"), "text": datasets.Value("string")}),
        "optional": datasets.List(datasets.Value("string")),
        "meta": datasets.Value("string"),  # a JSON object: free-form, not part of the digest
    }
)
# Bump when the record layout or an importer changes what it produces: old caches are then ignored.
_CACHE_LAYOUT = "4"  # 4: text pages (3: keyed by content; 2: by file names, sizes and times)
# Pages held in memory before a write to the Arrow file (datasets' default of 1,000 pages of HTML
# took WCXB's import past 2 GB of memory).
_WRITER_BATCH_PAGES = 100
DIGEST_FIELDS: tuple[str, ...] = tuple(name for name in RECORD_FIELDS if name != "meta")
LATER_FIELDS: tuple[str, ...] = ("text",)


def cache_root() -> Path:
    """cleanbench's cache directory: $CLEANBENCH_CACHE_DIR, else the user cache directory."""
    override = os.environ.get("CLEANBENCH_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("cleanbench"))


BUNDLED: dict[str, str] = {"fixtures": "_fixtures", "fixtures-text": "_fixtures_text"}
"""The bundled gold sets, by spec: the HTML pages, and the text pages of the text stage."""


def fixtures_dir(name: str = "fixtures") -> Path:
    """A bundled gold set's folder: inside the wheel as `cleanbench/_fixtures[_text]`, else the source tree's."""
    packaged = Path(__file__).resolve().parents[1] / BUNDLED[name]
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


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


@dataclass
class GoldSet:
    """A loaded gold set. Iterate it for `GoldPage`s; `dataset` is the underlying `datasets.Dataset`."""

    name: str
    spec: str
    dataset: datasets.Dataset
    strict: bool = True
    _index: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return self.dataset.num_rows

    def __iter__(self) -> Iterator[GoldPage]:
        for row in self.dataset:
            yield GoldPage.from_record(row, where=f"{self.name}: page {row['id']!r}")

    def annotations(self) -> Iterator[GoldPage]:
        """The pages without their HTML or text: what scorers and slices need, read without the bulk."""
        columns = [name for name in self.dataset.column_names if name not in ("html", "text")]
        for row in self.dataset.select_columns(columns):
            yield GoldPage.from_record({**row, "html": ""}, where=f"{self.name}: page {row['id']!r}")

    def html_sizes(self) -> list[int]:
        """Each page's HTML size in UTF-8 bytes, in page order, from the Arrow column's offsets: no page is read."""
        return pc.binary_length(self.dataset.with_format("arrow")["html"]).to_pylist()

    def ids(self) -> list[str]:
        return list(self.dataset["id"])

    def statistics(self) -> GoldStatistics:
        """What the set holds, counted (`cleanbench data info`)."""
        text_pages = sum(text is not None for text in self.dataset["text"])
        return gold_statistics(self.annotations(), text_pages=text_pages)

    def page(self, page_id: str) -> GoldPage:
        """One page by id; raises `GoldError` naming the set when it is absent."""
        if self._index is None:
            self._index = {pid: row for row, pid in enumerate(self.dataset["id"])}
        if page_id not in self._index:
            raise GoldError(f"{self.name}: no page with id {page_id!r}")
        row = self.dataset[self._index[page_id]]
        return GoldPage.from_record(row, where=f"{self.name}: page {page_id!r}")

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
        digests: dict[str, str] = {}
        columns = self.dataset.select_columns(list(DIGEST_FIELDS))
        for batch in columns.iter(batch_size=64):
            for row in range(len(batch["id"])):
                record = {name: batch[name][row] for name in DIGEST_FIELDS}
                digests[record["id"]] = page_digest(record)
        if stored is not None:
            _store_digests(stored, digests)
        return digests

    def _stored_digests_path(self) -> Path | None:
        """Where the digests of an Arrow file that cleanbench built under `cache_root()` are kept: beside it.

        Such a file never changes (new sources give a new fingerprint, so a new file), and the stored
        digests are used only when their ids equal the set's, in order. None for any other dataset.
        """
        files = self.dataset.cache_files
        if len(files) != 1 or self.dataset.num_rows != self.dataset.data.num_rows:  # a view of some rows
            return None
        arrow = Path(files[0]["filename"]).resolve()
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
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
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
        dataset = _build(module.records, root, files=module.source_files(root), kind=prefix, limit=limit, spec=spec)
        return GoldSet(name=root.resolve().name, spec=spec, dataset=dataset, strict=module.STRICT)
    path = Path(spec)
    if path.is_dir():
        if (path / "dataset_info.json").is_file() and (path / "state.json").is_file():
            try:
                saved = datasets.load_from_disk(str(path))
            except Exception as error:  # noqa: BLE001  datasets raises many kinds on a damaged folder
                raise GoldSpecError(f"{spec}: not a readable datasets folder: {_first_line(error)}") from None
            return _checked(GoldSet(name=path.resolve().name, spec=spec, dataset=saved), limit=limit)
        return _load_folder(path, name=path.resolve().name, spec=spec, limit=limit)
    if path.is_file() and path.suffix == ".jsonl":
        dataset = _build(_jsonl_records, path, files=[path], kind="jsonl", limit=limit, spec=spec)
        return GoldSet(name=path.stem, spec=spec, dataset=dataset)
    if path.is_file() and path.suffix == ".parquet":
        try:
            dataset = datasets.Dataset.from_parquet(str(path), features=FEATURES, cache_dir=str(cache_root() / "gold"))
        except Exception as error:  # noqa: BLE001  pyarrow and datasets raise many kinds on a bad file
            raise GoldSpecError(f"{spec}: not a readable Parquet file of cleanbench's gold schema: {_first_line(error)}") from None
        return _checked(GoldSet(name=path.stem, spec=spec, dataset=dataset), limit=limit)
    if not path.exists() and prefix not in FORMATS and prefix != "hf":
        raise GoldSpecError(
            f"{spec}: no such file or folder (a gold spec is 'fixtures', a folder, a .jsonl/.parquet file, "
            f"{', '.join(p + ':PATH' for p in FORMATS)} or hf:NAME[:SPLIT])"
        )
    raise GoldSpecError(f"{spec}: cannot read this as a gold set (expected a folder, .jsonl or .parquet)")


def _load_folder(root: Path, *, name: str, spec: str, limit: int) -> GoldSet:
    files = sorted(root.glob("*.json"))
    if not files:
        raise GoldSpecError(f"{spec}: folder {root} holds no *.json page records")
    dataset = _build(_folder_records, root, files=files + sorted(root.glob("*.html")) + sorted(root.glob("*.txt")), kind="folder", limit=limit, spec=spec)
    return GoldSet(name=name, spec=spec, dataset=dataset)


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


def _build(read: Any, root: Path, *, files: list[Path], kind: str, limit: int, spec: str) -> datasets.Dataset:
    fingerprint = _fingerprint(root, files=files, kind=kind, limit=limit)
    try:
        dataset = datasets.Dataset.from_generator(
            _generate,
            features=FEATURES,
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
    return dataset


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


def _checked(gold: GoldSet, *, limit: int) -> GoldSet:
    """Check the structure of every record of a set that was not built by our own generator."""
    if "text" not in gold.dataset.column_names:  # written before text pages existed: every page is HTML
        gold.dataset = gold.dataset.add_column("text", [None] * len(gold.dataset)).cast(FEATURES)
    missing = [name for name in RECORD_FIELDS if name not in gold.dataset.column_names]
    if missing:
        raise GoldSpecError(f"{gold.spec}: not in cleanbench's gold schema: missing column {missing[0]!r}")
    seen: set[str] = set()
    if not len(gold):
        raise GoldSpecError(f"{gold.spec}: holds no pages")
    for index, row in enumerate(gold.dataset.select_columns([n for n in RECORD_FIELDS if n != "html"])):
        where = f"{gold.spec}: row {index}"
        GoldPage.from_record({**row, "html": ""}, where=where)
        if row["id"] in seen:
            raise GoldError(f"{where}: field 'id': duplicate id {row['id']!r}")
        seen.add(row["id"])
    return gold


def _load_hub(rest: str, *, spec: str, limit: int) -> GoldSet:
    name, _, split = rest.partition(":")
    try:
        dataset = datasets.load_dataset(name, split=split or "train")
    except Exception as error:  # the hub client raises many types; offline they all mean "cannot fetch"
        offline = os.environ.get("HF_DATASETS_OFFLINE") == "1" or os.environ.get("HF_HUB_OFFLINE") == "1"
        hint = "offline mode is on" if offline else "no network, or no such dataset"
        raise GoldSpecError(f"{spec}: cannot load from the Hugging Face hub ({hint}): {_first_line(error)}") from None
    return _checked(GoldSet(name=name.rsplit("/", 1)[-1], spec=spec, dataset=dataset, strict=False), limit=limit)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"

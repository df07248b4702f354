"""`inject(gold, out, ...)`: a derived gold set written in streaming batches to `DIR/pages.parquet`.

Pages are read a window at a time, derived (in worker processes when `workers` > 1, order kept) and
written as Parquet row groups, so memory holds one window of pages whatever the set's size. `DIR/inject.json`
records the source, the request and what was written and skipped; it holds no time, so the same input
and seed give byte-identical files. `load_gold(DIR)` reads the folder as a gold set.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanbench import __version__
from cleanbench.errors import InjectError
from cleanbench.gold.goldset import SCHEMA, GoldSet
from cleanbench.inject.clutter import KINDS
from cleanbench.inject.derive import Request, Teaser, derive, teaser

PAGES_FILE = "pages.parquet"
MANIFEST_FILE = "inject.json"
_WINDOW = 24  # source pages derived at a time
_ROW_GROUP = 256  # derived pages per Parquet row group


@dataclass(frozen=True)
class InjectSummary:
    """What `inject` wrote: derived pages per kind (`clean` included), skipped pages per `kind: reason`."""

    out: Path
    source_pages: int
    written: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return sum(self.written.values())


def parse_kinds(text: str) -> tuple[str, ...]:
    """`duplicate,ad` (or `all`) as kinds in the order given; an unknown kind is an `InjectError` naming the known ones."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return KINDS
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise InjectError(f"unknown clutter kind {unknown[0] if unknown else text!r} (kinds: {', '.join(KINDS)}, or all)")
    return tuple(dict.fromkeys(names))


def inject(gold: GoldSet, out: str | Path, *, kinds: Sequence[str], seed: int = 0, all_variants: bool = False, workers: int = 1) -> InjectSummary:
    """Derive every page of `gold` once per kind (and a clean copy) into the folder `out`, which must be new or empty."""
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise InjectError(f"unknown clutter kind {unknown[0] if unknown else ''!r} (kinds: {', '.join(KINDS)})")
    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InjectError(f"{folder}: exists and is not an empty folder (inject writes a new gold set)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InjectError(f"{folder}: cannot create the folder: {error.strerror}") from None
    request = Request(kinds=tuple(kinds), seed=seed, all_variants=all_variants,
                      source={"spec": gold.spec, "name": gold.name, "digest": gold.digest()})
    teasers = _teasers(gold) if "related" in kinds else []
    written: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    import pyarrow as pa
    import pyarrow.parquet as pq

    temporary = folder / f".{PAGES_FILE}.{os.getpid()}.tmp"
    buffer: list[dict[str, Any]] = []
    with pq.ParquetWriter(temporary, SCHEMA, compression="zstd") as writer:
        for records, page_skips in _derived(gold, request=request, teasers=teasers, workers=workers):
            skipped.update(page_skips)
            for record in records:
                written[json.loads(record["meta"])["derived"]["kind"]] += 1
            buffer.extend(records)
            if len(buffer) >= _ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(buffer, schema=SCHEMA))
                buffer = []
        if buffer:
            writer.write_table(pa.Table.from_pylist(buffer, schema=SCHEMA))
    os.replace(temporary, folder / PAGES_FILE)
    summary = InjectSummary(out=folder, source_pages=len(gold), written=dict(written), skipped=dict(sorted(skipped.items())))
    manifest = {"source": request.source, "strict": gold.strict, "kinds": list(kinds), "seed": seed, "all_variants": all_variants,
                "cleanbench": __version__, "source_pages": len(gold), "written": summary.written, "skipped": summary.skipped}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return summary


def _teasers(gold: GoldSet) -> list[Teaser]:
    found = []
    for row in gold.rows(["id", "gold_text"]):
        made = teaser(row["id"], row["gold_text"]) if row["gold_text"] else None
        if made is not None:
            found.append(made)
    return found


_STATE: dict[str, Any] = {}


def _derive_one(item: tuple[int, dict[str, Any]]) -> tuple[list[dict[str, Any]], Counter[str]]:
    index, row = item
    return derive(row, index=index, request=_STATE["request"], teasers=_STATE["teasers"])


def _derived(gold: GoldSet, *, request: Request, teasers: list[Teaser], workers: int) -> Iterator[tuple[list[dict[str, Any]], Counter[str]]]:
    """Each window's derived records and skips, in source order; a window of source pages in memory at a time."""
    _STATE.update(request=request, teasers=teasers)
    pool = None
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(workers)  # forked: the teasers are inherited, not sent
    try:
        window: list[tuple[int, dict[str, Any]]] = []
        for index, row in enumerate(gold.rows(batch_size=32)):
            window.append((index, row))
            if len(window) == _WINDOW:
                yield from _run(window, pool)
                window = []
        if window:
            yield from _run(window, pool)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _STATE.clear()


def _run(window: list[tuple[int, dict[str, Any]]], pool: Any) -> Iterator[tuple[list[dict[str, Any]], Counter[str]]]:
    if pool is None:
        yield from map(_derive_one, window)
    else:
        yield from pool.map(_derive_one, window, chunksize=4)

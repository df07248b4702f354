"""`inject(gold, out, ...)`: a derived gold set written in streaming batches to `DIR/pages/part-NNNNN.parquet`.

Source pages are split into windows; each window is derived (in forked worker processes when
`workers` > 1) and written as its own part file in Parquet row groups, so a process holds a few
pages at a time whatever the set's size, and no page crosses a pipe. `DIR/inject.json`
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

PAGES_DIR = "pages"  # part-00000.parquet, ...: one file per window of source pages, in source order
MANIFEST_FILE = "inject.json"
_WINDOW = 48  # source pages per part file (derived one page at a time)
_WINDOWS_PER_WORKER = 4
_ROW_GROUP = 64  # derived pages per Parquet row group


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
    parts = folder / PAGES_DIR
    parts.mkdir()
    for part_written, part_skipped in _derived(gold, request=request, teasers=teasers, workers=workers, parts=parts):
        written.update(part_written)
        skipped.update(part_skipped)
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


def _derive_part(window: tuple[int, int]) -> tuple[Counter[str], Counter[str]]:
    """Derive source pages [start, stop) and write them as one part file; returns written and skipped counts.

    Runs in a worker (forked: the set, request and teasers are inherited, and no page crosses a pipe)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    start, stop = window
    gold: GoldSet = _STATE["gold"]
    written: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    target = _STATE["parts"] / f"part-{start // _WINDOW:05d}.parquet"
    temporary = target.with_name(f".{target.name}.tmp")
    subset = GoldSet(name=gold.name, spec=gold.spec, table=gold.table.slice(start, stop - start))
    with pq.ParquetWriter(temporary, SCHEMA, compression="zstd") as writer:
        buffer: list[dict[str, Any]] = []
        for offset, row in enumerate(subset.rows(batch_size=8)):
            records, page_skips = derive(row, index=start + offset, request=_STATE["request"], teasers=_STATE["teasers"])
            skipped.update(page_skips)
            for record in records:
                written[json.loads(record["meta"])["derived"]["kind"]] += 1
            buffer.extend(records)
            if len(buffer) >= _ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(buffer, schema=SCHEMA))
                buffer = []
        if buffer:
            writer.write_table(pa.Table.from_pylist(buffer, schema=SCHEMA))
    os.replace(temporary, target)
    return written, skipped


def _derived(gold: GoldSet, *, request: Request, teasers: list[Teaser], workers: int, parts: Path) -> Iterator[tuple[Counter[str], Counter[str]]]:
    """Each window's written and skipped counts, in source order; each worker holds a window of pages at a time."""
    _STATE.update(request=request, teasers=teasers, gold=gold, parts=parts)
    windows = [(start, min(start + _WINDOW, len(gold))) for start in range(0, len(gold), _WINDOW)]
    pool = None
    if workers > 1 and len(windows) > 1 and "fork" in multiprocessing.get_all_start_methods():
        # forked: what the workers need is inherited, not sent; a worker is replaced after a few windows, since
        # lxml's parser keeps names and short texts of every page it parsed (and the pages of the mapped set read stay resident)
        pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=_WINDOWS_PER_WORKER)
    try:
        yield from (map(_derive_part, windows) if pool is None else pool.imap(_derive_part, windows))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _STATE.clear()

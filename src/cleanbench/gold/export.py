"""Write a gold set in the native schema: JSONL, Parquet, or a `datasets.save_to_disk` folder.

Each format loads back through `load_gold` with the same digest.
"""

from __future__ import annotations

from pathlib import Path

from cleanbench.atomic import atomic_file, ensure_folder
from cleanbench.constants import EXPORT_FORMATS
from cleanbench.errors import GoldSpecError, OutputError
from cleanbench.gold.load import GoldSet
from cleanbench.jsonl import write_lines


def export_gold(gold: GoldSet, out: str | Path, *, fmt: str) -> Path:
    """Write `gold` to `out` as `fmt` (one of `EXPORT_FORMATS`); files are written atomically."""
    target = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise GoldSpecError(f"export: unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if fmt == "hf":
        ensure_folder(target)
        if any(target.iterdir()):
            raise OutputError(f"{target}: exists and is not empty: export into a new folder")
        try:
            gold.dataset.save_to_disk(str(target))
        except OSError as error:
            raise OutputError(f"{target}: cannot write: {error.strerror or error}") from None
        return target
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with atomic_file(target, binary=True) as handle:
            pq.write_table(gold.table, handle)
    else:
        with atomic_file(target) as handle:
            write_lines(handle, (page.to_record() for page in gold), sort_keys=True)
    return target

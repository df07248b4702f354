"""Write a gold set in the native schema: JSONL, Parquet, or a `datasets.save_to_disk` folder.

Each format loads back through `load_gold` with the same digest.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from cleanbench.errors import GoldSpecError
from cleanbench.gold.load import GoldSet

EXPORT_FORMATS: tuple[str, ...] = ("jsonl", "parquet", "hf")


def export_gold(gold: GoldSet, out: str | Path, *, fmt: str) -> Path:
    """Write `gold` to `out` as `fmt` (one of `EXPORT_FORMATS`); files are written atomically."""
    target = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise GoldSpecError(f"export: unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if fmt == "hf":
        if target.exists() and any(target.iterdir()):
            raise GoldSpecError(f"export: {target} exists and is not empty")
        gold.dataset.save_to_disk(str(target))
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        if fmt == "parquet":
            gold.dataset.to_parquet(temp)
        else:
            with open(temp, "w", encoding="utf-8") as lines:
                for page in gold:
                    lines.write(json.dumps(page.to_record(), ensure_ascii=False, sort_keys=True) + "\n")
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target

"""Where cleanbench keeps its caches: $CLEANBENCH_CACHE_DIR, else the user cache directory."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """cleanbench's cache directory: $CLEANBENCH_CACHE_DIR, else the user cache directory."""
    override = os.environ.get("CLEANBENCH_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("cleanbench"))

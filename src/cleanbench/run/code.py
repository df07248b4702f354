"""Which code made a stage's output: the digest the prediction cache keys on.

DESIGN.md "Cache key versus signature": a prediction may come from the cache only when the code that
made it is provably the same. The signature a baseline pins stays `name@version{options}`; the cache
key adds `code_digest(stage)`:

- cleanbench's own source (every file of the installed `cleanbench` package but its bundled gold
  pages), for every stage: the sandbox and the adapter base shape every output;
- for a plugin (an entry point or `module:attr`), every file of the plugin's top-level package (or its
  single module), wherever it is installed from (site-packages, an editable checkout, the current folder);
- for a `cmd:` stage, what the stage itself says (`code_identity()`): its program and the files its
  arguments name, or None when that cannot prove the code (an inline script such as `sh -c '...'`).

None means "cannot be proved": the stage is run on every page and never cached.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

# Not code: caches of compiled files, installed node packages, the bundled gold pages.
_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "_fixtures", ".git", ".mypy_cache", ".pytest_cache"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def code_digest(stage: Any) -> str | None:
    """The digest of the code behind `stage`'s output, or None when it cannot be established."""
    own = cleanbench_digest()
    identity = getattr(stage, "code_identity", None)
    if callable(identity):
        found = identity()
        return None if found is None else _combine(own, f"stage:{found}")
    module_name = getattr(stage, "code_module", None) or type(stage).__module__
    top = module_name.partition(".")[0]
    if top == "cleanbench":
        return _combine(own)
    package = package_digest(top)
    return None if package is None else _combine(own, f"{top}:{package}")


def cleanbench_digest() -> str:
    """sha256 over the files of the installed cleanbench package (its bundled gold pages left out)."""
    import cleanbench

    return _tree_digest(Path(path) for path in cleanbench.__path__)


def package_digest(top: str) -> str | None:
    """sha256 over the files of an imported top-level package or module; None when it has no files."""
    module = sys.modules.get(top)
    if module is None:
        return None
    return _module_digest(module)


def _module_digest(module: ModuleType) -> str | None:
    paths = getattr(module, "__path__", None)
    if paths:  # a package (perhaps a namespace package spread over several folders)
        return _tree_digest(Path(path) for path in paths)
    file = getattr(module, "__file__", None)
    if not file or not Path(file).is_file():  # built into the interpreter, or defined in an interactive session
        return None
    return file_digest(Path(file))


def file_digest(path: Path) -> str:
    """sha256 of one file's bytes."""
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def _tree_digest(roots: Iterable[Path]) -> str:
    hasher = hashlib.sha256()
    for root in sorted(roots):
        for path in _files(root):
            hasher.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            hasher.update(bytes.fromhex(file_digest(path)))
    return hasher.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, in a fixed order, skipping caches and data folders."""
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        if path.is_dir():
            if path.name not in _SKIPPED_FOLDERS:
                yield from _files(path)
        elif path.is_file() and not path.name.endswith(_SKIPPED_SUFFIXES):
            yield path


def _combine(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()

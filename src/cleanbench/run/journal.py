"""`Journal`: a run's output folder, written as pages complete and resumed after an interruption.

The folder holds `predictions.jsonl` (one `Prediction.to_json()` per line, appended and flushed as each
page completes), `run.json` (the gold set's digest and each extractor's signature, version and options,
so a resumed run cannot mix predictions of another set or version) and `.lock` (held while a run
writes). On opening, every complete line counts as done; a last line cut short by a kill is dropped
and its page runs again. A page may appear again only as a later attempt after a crash (the later line
wins). When the run ends the file is rewritten in a fixed order (extractor, then the gold set's page
order), atomically, so its content does not depend on the number of workers or on completion order.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleanbench.atomic import atomic_file, ensure_folder, write_atomic
from cleanbench.errors import OutputError, PredictionsError, RunError
from cleanbench.jsonl import dumps, json_lines, split_lines, write_lines
from cleanbench.prediction import Prediction

PREDICTIONS_FILE = "predictions.jsonl"
MANIFEST_FILE = "run.json"
LOCK_FILE = ".lock"


@dataclass(frozen=True)
class Recorded:
    """What `run.json` records of an extractor whose predictions the folder holds."""

    signature: str
    version: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"signature": self.signature, "version": self.version, "options": dict(self.options)}


class Journal:
    """An output folder open for one run. Build with `Journal.open`; `done` holds what it already has,
    `extractors` what `run.json` records (earlier runs' extractors first, then this run's new ones)."""

    def __init__(
        self, folder: Path, *, lock: IO[str], extractors: dict[str, Recorded], manifest: dict[str, Any], done: dict[tuple[str, str], Prediction]
    ) -> None:
        self.folder = folder
        self.done = done
        self.extractors = extractors
        self._lock = lock
        self._manifest = manifest
        self._file = _open_for_writing(folder / PREDICTIONS_FILE, "a")

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        gold_name: str,
        gold_digest: str,
        page_ids: Iterable[str],
        extractors: Mapping[str, Recorded],
    ) -> Journal:
        """Lock `folder` (created if needed), check it against this run, and read what it already holds.

        `extractors` maps each extractor name of this run to what is recorded of it. Raises
        `RunError` when another run holds the folder or it holds predictions of another gold set or
        another version or options of an extractor; `PredictionsError` for a malformed line.
        """
        ensure_folder(folder)
        lock = _open_for_writing(folder / LOCK_FILE, "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise RunError(f"{folder}: another run is writing to this folder") from None
        try:
            recorded = _checked_manifest(folder, gold_name=gold_name, gold_digest=gold_digest, extractors=extractors)
            manifest = {"gold": {"name": gold_name, "digest": gold_digest}, "extractors": {n: r.to_json() for n, r in recorded.items()}}
            done = _read_done(folder / PREDICTIONS_FILE, known=set(recorded), page_ids=set(page_ids))
            write_atomic(folder / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        except BaseException:
            lock.close()
            raise
        return cls(folder, lock=lock, extractors=recorded, manifest=manifest, done=done)

    def append(self, prediction: Prediction) -> None:
        """Record one completed page: one line, flushed, so a kill right after loses nothing."""
        self._file.write(dumps(prediction.to_json()) + "\n")
        self._file.flush()
        self.done[(prediction.extractor, prediction.page_id)] = prediction

    def finish(self, page_ids: Iterable[str]) -> Path:
        """Rewrite the predictions file in extractor order, then `page_ids` order; returns its path."""
        self._file.close()
        order = {page_id: index for index, page_id in enumerate(page_ids)}
        extractors = {name: index for index, name in enumerate(self._manifest["extractors"])}
        ranked = sorted(self.done.values(), key=lambda p: (extractors[p.extractor], order[p.page_id]))
        path = self.folder / PREDICTIONS_FILE
        with atomic_file(path) as out:
            write_lines(out, (p.to_json() for p in ranked))
        return path

    def close(self) -> None:
        self._file.close()
        self._lock.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _checked_manifest(folder: Path, *, gold_name: str, gold_digest: str, extractors: Mapping[str, Recorded]) -> dict[str, Recorded]:
    """The folder's recorded extractors merged with this run's; RunError when they disagree."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        if (folder / PREDICTIONS_FILE).exists():
            raise RunError(f"{folder}: holds {PREDICTIONS_FILE} but no {MANIFEST_FILE}: not a cleanbench output folder")
        return dict(extractors)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        found_name = manifest["gold"].get("name")
        found_digest = manifest["gold"]["digest"]
        found = {name: recorded_entry(entry) for name, entry in dict(manifest["extractors"]).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise RunError(f"{path}: unreadable run manifest: {type(error).__name__}: {error}") from None
    if found_digest != gold_digest:
        raise RunError(
            f"{path}: field 'gold.digest': the folder holds predictions for gold set {found_name!r} "
            f"(digest {str(found_digest)[:12]}), not {gold_name!r} (digest {gold_digest[:12]}); use another output folder"
        )
    for name, recorded in extractors.items():
        if name in found and found[name].signature != recorded.signature:
            raise RunError(
                f"{path}: field 'extractors.{name}': the folder holds predictions of {found[name].signature}, "
                f"not {recorded.signature}; use another output folder"
            )
    found.update({name: recorded for name, recorded in extractors.items() if name not in found})
    return found


def recorded_entry(entry: Any) -> Recorded:
    """One extractor's entry of run.json: a signature alone (older folders) or {signature, version, options}."""
    if isinstance(entry, str):
        return Recorded(signature=entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("signature"), str):
        raise TypeError("an extractor's entry needs a 'signature' string")
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise TypeError("an extractor's 'options' must be an object")
    version = entry.get("version")
    return Recorded(signature=entry["signature"], version=version if isinstance(version, str) else None, options=options)


def _read_done(path: Path, *, known: set[str], page_ids: set[str]) -> dict[tuple[str, str], Prediction]:
    """The predictions already in the file. A last line without its newline was cut by a kill: it is cut off."""
    done: dict[tuple[str, str], Prediction] = {}
    if not path.exists():
        return done
    try:
        with path.open("rb+") as file:
            data = file.read()
            complete = data.rfind(b"\n") + 1
            if complete < len(data):
                file.truncate(complete)
    except OSError as error:
        raise RunError(f"{path}: cannot read or repair this journal: {error.strerror or error}") from None
    for where, record in json_lines(split_lines(data[:complete]), source=str(path), error=PredictionsError):
        prediction = Prediction.from_json(record, where=where)
        if prediction.extractor not in known:
            raise PredictionsError(f"{where}: field 'extractor': {prediction.extractor!r} is not in {MANIFEST_FILE}")
        if prediction.page_id not in page_ids:
            raise PredictionsError(f"{where}: field 'page_id': {prediction.page_id!r} is not in the gold set")
        key = (prediction.extractor, prediction.page_id)
        before = done.get(key)
        if before is not None and not (before.status == "crash" and prediction.attempt > before.attempt):
            raise PredictionsError(f"{where}: page {prediction.page_id!r} of {prediction.extractor!r} appears twice")
        done[key] = prediction
    return done


def _open_for_writing(path: Path, mode: str) -> IO[str]:
    try:
        return path.open(mode, encoding="utf-8")
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from None

"""`Journal`: a run's output folder, written as pages complete and resumed after an interruption.

The folder holds `predictions.jsonl` (one `Prediction.to_json()` per line, appended and flushed as each
page completes), `run.json` (the gold set's digest and each extractor's signature, so a resumed run
cannot mix predictions of another set or version) and `.lock` (held while a run writes). On opening,
every complete line counts as done; a last line cut short by a kill is dropped and its page runs again.
When the run ends the file is rewritten in a fixed order (extractor, then the gold set's page order),
atomically, so its content does not depend on the number of workers or on completion order.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from cleanbench.errors import PredictionsError, RunError
from cleanbench.jsonl import json_lines
from cleanbench.results import write_atomic
from cleanbench.prediction import Prediction

PREDICTIONS_FILE = "predictions.jsonl"
MANIFEST_FILE = "run.json"
LOCK_FILE = ".lock"


class Journal:
    """An output folder open for one run. Build with `Journal.open`; `done` holds what it already has."""

    def __init__(self, folder: Path, *, lock: IO[str], manifest: dict[str, Any], done: dict[tuple[str, str], Prediction]) -> None:
        self.folder = folder
        self.done = done
        self._lock = lock
        self._manifest = manifest
        self._file = (folder / PREDICTIONS_FILE).open("a", encoding="utf-8")

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        gold_name: str,
        gold_digest: str,
        page_ids: Iterable[str],
        signatures: Mapping[str, str],
    ) -> Journal:
        """Lock `folder` (created if needed), check it against this run, and read what it already holds.

        `signatures` maps each extractor name of this run to its `name@version{options}`. Raises
        `RunError` when another run holds the folder or it holds predictions of another gold set or
        another version or options of an extractor; `PredictionsError` for a malformed line.
        """
        folder.mkdir(parents=True, exist_ok=True)
        lock = (folder / LOCK_FILE).open("w", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise RunError(f"{folder}: another run is writing to this folder") from None
        try:
            manifest = _checked_manifest(folder, gold_name=gold_name, gold_digest=gold_digest, signatures=signatures)
            done = _read_done(folder / PREDICTIONS_FILE, known=set(manifest["extractors"]), page_ids=set(page_ids))
            write_atomic(folder / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        except BaseException:
            lock.close()
            raise
        return cls(folder, lock=lock, manifest=manifest, done=done)

    def append(self, prediction: Prediction) -> None:
        """Record one completed page: one line, flushed, so a kill right after loses nothing."""
        self._file.write(json.dumps(prediction.to_json(), ensure_ascii=False) + "\n")
        self._file.flush()
        self.done[(prediction.extractor, prediction.page_id)] = prediction

    def finish(self, page_ids: Iterable[str]) -> Path:
        """Rewrite the predictions file in extractor order, then `page_ids` order; returns its path."""
        self._file.close()
        order = {page_id: index for index, page_id in enumerate(page_ids)}
        extractors = {name: index for index, name in enumerate(self._manifest["extractors"])}
        ranked = sorted(self.done.values(), key=lambda p: (extractors[p.extractor], order[p.page_id]))
        path = self.folder / PREDICTIONS_FILE
        write_atomic(path, "".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in ranked))
        return path

    def close(self) -> None:
        self._file.close()
        self._lock.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _checked_manifest(folder: Path, *, gold_name: str, gold_digest: str, signatures: Mapping[str, str]) -> dict[str, Any]:
    """The folder's manifest merged with this run's extractors; RunError when they disagree."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        if (folder / PREDICTIONS_FILE).exists():
            raise RunError(f"{folder}: holds {PREDICTIONS_FILE} but no {MANIFEST_FILE}: not a cleanbench output folder")
        return {"gold": {"name": gold_name, "digest": gold_digest}, "extractors": dict(signatures)}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        found_digest = manifest["gold"]["digest"]
        found = dict(manifest["extractors"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"{path}: unreadable run manifest: {type(error).__name__}: {error}") from None
    if found_digest != gold_digest:
        raise RunError(
            f"{path}: field 'gold.digest': the folder holds predictions for gold set {manifest['gold'].get('name')!r} "
            f"(digest {found_digest[:12]}), not {gold_name!r} (digest {gold_digest[:12]}); use another output folder"
        )
    for name, signature in signatures.items():
        if name in found and found[name] != signature:
            raise RunError(
                f"{path}: field 'extractors.{name}': the folder holds predictions of {found[name]}, "
                f"not {signature}; use another output folder"
            )
    found.update({name: signature for name, signature in signatures.items() if name not in found})
    return {"gold": {"name": manifest["gold"].get("name", gold_name), "digest": gold_digest}, "extractors": found}


def _read_done(path: Path, *, known: set[str], page_ids: set[str]) -> dict[tuple[str, str], Prediction]:
    """The predictions already in the file. A last line without its newline was cut by a kill: it is cut off."""
    done: dict[tuple[str, str], Prediction] = {}
    if not path.exists():
        return done
    with path.open("rb+") as file:
        data = file.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            file.truncate(complete)
    lines = data[:complete].decode("utf-8").splitlines()
    for where, record in json_lines(lines, source=str(path), error=PredictionsError):
        prediction = Prediction.from_json(record, where=where)
        if prediction.extractor not in known:
            raise PredictionsError(f"{where}: field 'extractor': {prediction.extractor!r} is not in {MANIFEST_FILE}")
        if prediction.page_id not in page_ids:
            raise PredictionsError(f"{where}: field 'page_id': {prediction.page_id!r} is not in the gold set")
        key = (prediction.extractor, prediction.page_id)
        if key in done:
            raise PredictionsError(f"{where}: page {prediction.page_id!r} of {prediction.extractor!r} appears twice")
        done[key] = prediction
    return done

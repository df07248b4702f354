"""Reading predictions made elsewhere: cleanbench's own JSONL and the AEB layout.

- `.jsonl`: one `Prediction.to_json()` object per line; a file may hold several extractors, each
  named by its `extractor` field.
- `.json`: AEB's layout, `{page_id: {"articleBody": text}}`, optionally wrapped as
  `{"version": ..., "output": {...}}`; the extractor is named by the file stem. An empty or absent
  articleBody is an `empty` prediction.

Errors name the file and the line (JSONL) or page (AEB).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanbench.errors import PredictionsError
from cleanbench.jsonl import json_lines, loads, split_lines
from cleanbench.prediction import Prediction

LAYOUTS: Mapping[str, str] = {".jsonl": "jsonl", ".json": "aeb"}


@dataclass(frozen=True)
class PredictionFile:
    """The predictions read from one file, and the versions it records (AEB's wrapped form has one)."""

    path: Path
    layout: str  # "jsonl" or "aeb"
    predictions: tuple[Prediction, ...]
    versions: Mapping[str, str]  # extractor -> version, where the file records it

    @property
    def extractors(self) -> tuple[str, ...]:
        """Extractor names in the order they first appear."""
        return tuple(dict.fromkeys(p.extractor for p in self.predictions))


def read_predictions(path: str | Path) -> PredictionFile:
    """Read a predictions file, choosing the layout by suffix (`.jsonl` ours, `.json` AEB's)."""
    source = Path(path)
    layout = LAYOUTS.get(source.suffix.lower())
    if layout is None:
        raise PredictionsError(f"{source}: unknown predictions layout (expected .jsonl: cleanbench's own, or .json: AEB's {{id: {{articleBody}}}})")
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise PredictionsError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise PredictionsError(f"{source}: is a folder, not a predictions file") from None
    except OSError as error:
        raise PredictionsError(f"{source}: unreadable: {error.strerror or error}") from None
    if layout == "jsonl":
        return PredictionFile(source, layout, _jsonl(data, source=source), {})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PredictionsError(f"{source}: not UTF-8 text (byte {data[error.start]:#04x} at offset {error.start})") from None
    return _aeb(text, source=source)


def _jsonl(data: bytes, *, source: Path) -> tuple[Prediction, ...]:
    predictions: list[Prediction] = []
    seen: dict[tuple[str, str], int] = {}
    for where, record in json_lines(split_lines(data), source=str(source), error=PredictionsError):
        prediction = Prediction.from_json(record, where=where)
        key = (prediction.extractor, prediction.page_id)
        if key in seen:
            raise PredictionsError(f"{where}: field 'page_id': {prediction.extractor} already has a prediction for page {prediction.page_id!r} (line {seen[key]})")
        seen[key] = int(where.rpartition(":")[2])
        predictions.append(prediction)
    return tuple(predictions)


def _aeb(text: str, *, source: Path) -> PredictionFile:
    document: Any = loads(text, where=str(source), error=PredictionsError, document=True)
    if not isinstance(document, dict):
        raise PredictionsError(f"{source}: expected an object {{id: {{articleBody}}}}, got {type(document).__name__}")
    name = source.stem
    versions: dict[str, str] = {}
    if set(document) <= {"version", "output"} and isinstance(document.get("output"), dict):
        if document.get("version") is not None:
            versions[name] = str(document["version"])
        document = document["output"]
    predictions = []
    for page_id, entry in document.items():
        where = f"{source}: page {page_id!r}"
        if not isinstance(entry, dict):
            raise PredictionsError(f"{where}: expected an object with 'articleBody', got {type(entry).__name__}")
        body = entry.get("articleBody")
        if body is not None and not isinstance(body, str):
            raise PredictionsError(f"{where}: field 'articleBody': expected a string, got {type(body).__name__}")
        body = body or ""
        predictions.append(Prediction(page_id=page_id, extractor=name, status="ok" if body.strip() else "empty", text=body))
    return PredictionFile(source, "aeb", tuple(predictions), versions)


def combine(files: Sequence[PredictionFile]) -> tuple[list[Prediction], dict[str, str]]:
    """All files' predictions, and `name@version` per extractor whose version a file records.

    An extractor name may appear in one file only: two files naming the same extractor would be two
    rows that cannot be told apart.
    """
    owner: dict[str, Path] = {}
    predictions: list[Prediction] = []
    signatures: dict[str, str] = {}
    for file in files:
        for name in file.extractors:
            if name in owner:
                raise PredictionsError(f"{file.path}: extractor {name!r} is already in {owner[name]}; rename one of them")
            owner[name] = file.path
        predictions.extend(file.predictions)
        signatures.update({name: f"{name}@{version}" for name, version in file.versions.items()})
    return predictions, signatures

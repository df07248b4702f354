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
from cleanbench.run.journal import Recorded, recorded_entry

LAYOUTS: Mapping[str, str] = {".jsonl": "jsonl", ".json": "aeb"}


@dataclass(frozen=True)
class PredictionFile:
    """The predictions read from one file, and the signatures it records: AEB's wrapped form has a version,
    and a cleanbench output folder's `run.json` beside its predictions.jsonl has every row's signature."""

    path: Path
    layout: str  # "jsonl" or "aeb"
    predictions: tuple[Prediction, ...]
    signatures: Mapping[str, Recorded]  # extractor -> its signature, version and options, where the file records them

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
        return PredictionFile(source, layout, _jsonl(data, source=source), _manifest_signatures(source))
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
    signatures: dict[str, str] = {}
    if set(document) <= {"version", "output"} and isinstance(document.get("output"), dict):
        if document.get("version") is not None:
            signatures[name] = Recorded(signature=f"{name}@{document['version']}", version=str(document["version"]))
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
    return PredictionFile(source, "aeb", tuple(predictions), signatures)


UNKNOWN_VERSION = "unknown"


def unknown_signature(name: str) -> str:
    """The signature of a row scored from predictions that record no code: `name@unknown{}`."""
    return f"{name}@{UNKNOWN_VERSION}{{}}"


def combine(files: Sequence[PredictionFile]) -> tuple[list[Prediction], dict[str, Recorded]]:
    """All files' predictions, and each extractor's signature: the one its files record, else
    `name@unknown{}` (a row whose code nobody can name, which `check` refuses without
    --allow-version-change).

    Several files may hold one extractor (shards of one run): their pages must not overlap, and the
    signatures they record must agree.
    """
    predictions: list[Prediction] = []
    pages: dict[tuple[str, str], Path] = {}
    signatures: dict[str, Recorded] = {}
    recorded_by: dict[str, Path] = {}
    for file in files:
        for prediction in file.predictions:
            key = (prediction.extractor, prediction.page_id)
            if key in pages:
                raise PredictionsError(f"{file.path}: page {prediction.page_id!r} of {prediction.extractor!r} is already in {pages[key]}")
            pages[key] = file.path
        predictions.extend(file.predictions)
        for name, signature in file.signatures.items():
            if name in signatures and signatures[name].signature != signature.signature:
                raise PredictionsError(
                    f"{file.path}: {name!r} was made by {signature.signature}, but {recorded_by[name]} says {signatures[name].signature}: not shards of one run"
                )
            signatures[name], recorded_by[name] = signature, file.path
    for name in dict.fromkeys(prediction.extractor for prediction in predictions):
        signatures.setdefault(name, Recorded(signature=unknown_signature(name)))
    return predictions, signatures


def _manifest_signatures(path: Path) -> dict[str, Recorded]:
    """The signatures `run.json` beside a predictions file records (an output folder of `cleanbench extract`)."""
    manifest = path.with_name("run.json")
    if not manifest.is_file():
        return {}
    try:
        raw = loads(manifest.read_text(encoding="utf-8"), where=str(manifest), error=PredictionsError, document=True)
        return {name: recorded_entry(entry) for name, entry in raw["extractors"].items()}
    except (OSError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
        raise PredictionsError(f"{manifest}: not a cleanbench run manifest (field 'extractors')") from None

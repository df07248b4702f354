"""`Prediction`: one row's output for one page (an extractor's, or a pipeline's last stage's), as the
runner records it and scorers read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cleanbench.errors import PredictionsError

# ok: text returned; empty: the stage returned no text; error: it raised; timeout: it ran past the
# per-page limit; crash: its worker died (segfault, os._exit, out of memory); dropped: a document-level
# cleaner dropped the page (its decision, counted apart from failures). All but `ok` score as empty.
STATUSES: tuple[str, ...] = ("ok", "empty", "error", "timeout", "crash", "dropped")
FAILURES: tuple[str, ...] = ("empty", "error", "timeout", "crash")  # the statuses counted as failures


@dataclass(frozen=True)
class Prediction:
    page_id: str
    extractor: str
    status: str
    text: str = ""
    seconds: float | None = None
    peak_rss_mb: float | None = None
    error: str | None = None  # why the status is not ok (for `dropped`: the cleaner's reason)
    attempt: int = 1  # 2 and more: run again after a crash (each resume retries a crashed page once)
    lang: str | None = None  # the language the stages were given, and where it came from (gold.rules)
    lang_source: str | None = None

    @property
    def scored_text(self) -> str:
        """What scorers see: the text when the status is `ok`, else the empty string."""
        return self.text if self.status == "ok" else ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, record: Any, *, where: str) -> Prediction:
        """Build from a JSON object; `where` ("preds.jsonl:12") names it in errors."""
        if not isinstance(record, dict):
            raise PredictionsError(f"{where}: expected a JSON object, got {type(record).__name__}")
        for name in ("page_id", "extractor", "status"):
            if not isinstance(record.get(name), str):
                raise PredictionsError(f"{where}: field {name!r}: expected a string")
        if record["status"] not in STATUSES:
            raise PredictionsError(f"{where}: field 'status': {record['status']!r} is not one of {', '.join(STATUSES)}")
        text = record.get("text") or ""
        if not isinstance(text, str):
            raise PredictionsError(f"{where}: field 'text': expected a string")
        for name in ("seconds", "peak_rss_mb"):
            value = record.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise PredictionsError(f"{where}: field {name!r}: expected a number or null")
        error = record.get("error")
        if error is not None and not isinstance(error, str):
            raise PredictionsError(f"{where}: field 'error': expected a string or null")
        attempt = record.get("attempt", 1)
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
            raise PredictionsError(f"{where}: field 'attempt': expected a whole number >= 1")
        for name in ("lang", "lang_source"):
            if record.get(name) is not None and not isinstance(record[name], str):
                raise PredictionsError(f"{where}: field {name!r}: expected a string or null")
        return cls(
            page_id=record["page_id"],
            extractor=record["extractor"],
            status=record["status"],
            text=text,
            seconds=record.get("seconds"),
            peak_rss_mb=record.get("peak_rss_mb"),
            error=error,
            attempt=attempt,
            lang=record.get("lang"),
            lang_source=record.get("lang_source"),
        )

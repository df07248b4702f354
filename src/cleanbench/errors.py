"""Typed errors. Core code raises these; only `cleanbench.cli` turns them into messages and exit codes."""

from __future__ import annotations


class CleanbenchError(Exception):
    """Base class of every error cleanbench raises on bad input or a failed step."""


class GoldError(CleanbenchError):
    """A gold set or one of its records is malformed. The message names the set, page or file, and field."""


class GoldSpecError(CleanbenchError):
    """A gold-set spec (`fixtures`, a path, `aeb:PATH`, `hf:NAME`, ...) cannot be resolved or loaded."""


class ExtractorError(CleanbenchError):
    """An extractor spec cannot be resolved, or its options are invalid."""


class NotInstalledError(ExtractorError):
    """An extractor's library is not installed; the message says what to install."""


class PredictionsError(CleanbenchError):
    """A predictions file is unreadable or malformed; the message names the file and line."""


class ResultError(CleanbenchError):
    """A saved RunResult or baseline file is unreadable, malformed or of an unknown schema version."""


class CacheError(CleanbenchError):
    """The prediction cache cannot be opened or read; the message names the file."""


class RunError(CleanbenchError):
    """A run cannot start or resume (output folder locked, or holding another run's predictions)."""


class BaselineRegressionError(CleanbenchError):
    """`check --update` would lower a floor or raise a ceiling; `lines` has one line per refused bound."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = tuple(lines)


class ReportError(CleanbenchError):
    """A report cannot be made: an unknown format or slice, inputs that do not match, or a missing optional library."""


class MetricError(CleanbenchError):
    """A metric or tokenizer name is unknown, or per-page counts stored for a metric are malformed."""


class OutputError(CleanbenchError):
    """A file or folder cannot be written (no such folder, no permission, not a folder, a full disk)."""


class AnnotationError(CleanbenchError):
    """An annotation cannot go on: unreadable pages to annotate, a change that does not apply, or a log that
    does not match the pages."""


class InjectError(CleanbenchError):
    """A derived gold set cannot be made: an unknown clutter kind, or an output folder that is not new or empty."""

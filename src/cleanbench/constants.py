"""Names and defaults the command line offers: here, so that building the parser (and `--help`)
imports nothing heavy. The modules that use them import them from here."""

from __future__ import annotations

# sandbox (cleanbench.run.sandbox, cleanbench.run.worker)
DEFAULT_TIMEOUT_S = 30.0
ENGINES = ("local", "ray")  # where a run's jobs run: this machine's sandbox, or the same sandbox in Ray tasks
DEFAULT_MEMORY_MB = 4096
DEFAULT_MAX_OUTPUT_MB = 16.0
DEFAULT_LOAD_TIMEOUT_S = 300.0
NETWORK_MODES: tuple[str, ...] = ("auto", "require", "off")

# gold sets (cleanbench.gold.load)
DEFAULT_MAX_PAGE_MB = 32.0
"""A page's decoded size cap: six times the largest page of the public sets (a WCXB page of 5.3 MB)."""
EXPORT_FORMATS: tuple[str, ...] = ("jsonl", "parquet", "hf")

# the annotation tool (cleanbench.annotate)
DEFAULT_ANNOTATE_PORT = 8765

# scoring (cleanbench.score.bootstrap, cleanbench.score.scoring)
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 12345
DEFAULT_MIN_PAGES = 5
SLICE_KINDS: tuple[str, ...] = ("page_type", "lang", "noise", "site")
SCORE_METRICS: tuple[str, ...] = ("words", "snippets")  # `cleanbench score` without --metrics: retention only

# the regression gate (cleanbench.baseline)
DEFAULT_EPSILON = 0.0005
MAX_EPSILON = 0.05
"""The largest tolerance a baseline may declare: a wider one lets real regressions through."""

# reports (cleanbench.report.table)
TABULATE_FORMATS: tuple[str, ...] = ("github", "pipe", "latex", "html", "rst", "plain")
TABLE_FORMATS: tuple[str, ...] = (*TABULATE_FORMATS, "csv", "json")

GOLD_SPEC_HELP = (
    "gold set: fixtures (default), fixtures-text, a folder, a .jsonl/.parquet file, aeb:PATH, wcxb:PATH, "
    "trafilatura-eval:PATH, hf:NAME[:SPLIT]"
)
STAGE_SPEC_HELP = (
    "a row: a stage (built-in or plugin name, name{json options}, module:attr, cmd:PROGRAM ARGS) or a pipeline "
    "STAGE|STAGE|...; repeatable"
)

"""Leaderboard tables: golden output per format, validity of latex/html, ranks, ties, blanks, bounds."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from synthetic import make_result

from cleanbench.constants import TABLE_FORMATS as FORMATS
from cleanbench.errors import ReportError
from cleanbench.report.formats import render_leaderboard
from cleanbench.report.table import leaderboard
from cleanbench.results import Comparison, Estimate, RunResult

GOLDEN = Path(__file__).parent / "golden"
# Golden files: written from the renderer once with CLEANBENCH_REGEN_GOLDEN=1, then read by eye (ranks,
# the 2= tie, bounds, the goose3 row, blank product cells, escaping, notes and signatures) and committed.
# Regenerate after an intended change with:
#   CLEANBENCH_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_table.py
# and read the diff before committing it.
REGEN = os.environ.get("CLEANBENCH_REGEN_GOLDEN") == "1"
SUFFIX = {
    "github": "github.md", "pipe": "pipe.md", "latex": "tex", "html": "html", "rst": "rst", "plain": "txt", "csv": "csv", "json": "json",
}
CASES = [(fmt, None) for fmt in FORMATS] + [("github", "page_type"), ("csv", "lang")]
NASTY = "x_y%z&w#v{u}~^\\t<script>alert(1)</script>"


@pytest.mark.parametrize(("fmt", "by"), CASES)
def test_golden(run_result: RunResult, fmt: str, by: str | None) -> None:
    path = GOLDEN / f"leaderboard{'-' + by if by else ''}.{SUFFIX[fmt]}"
    rendered = render_leaderboard(run_result, fmt=fmt, by=by)
    if REGEN:
        path.write_text(rendered + "\n", encoding="utf-8")
    assert rendered + "\n" == path.read_text(encoding="utf-8")


def _nasty_result() -> RunResult:
    """The fixture with LaTeX/HTML specials in an extractor name, its version and the not-installed reason."""
    result = make_result()
    rows = list(result.extractors)
    rows[1] = replace(rows[1], name=NASTY, version="1.0_rc#2")
    rows[-1] = replace(rows[-1], reason="goose3: not installed; pip install 'cleanbench[all]' & 100% <b>now</b>")
    return replace(result, extractors=tuple(rows), comparisons=())


# --- LaTeX ----------------------------------------------------------------------------------------


def _latex_problems(text: str) -> list[str]:
    """Structural checks of a tabular: balanced braces, begin/end pairs, one cell per column in every row."""
    problems = []
    body = re.sub(r"(?m)%.*$", "", re.sub(r"\\[{}%&#_$]", "", text))  # drop escaped specials, then comments
    depth = 0
    for char in body:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            problems.append("closing brace without an opening one")
            depth = 0
    if depth:
        problems.append(f"{depth} unclosed braces")
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", body):
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            problems.append(f"\\end{{{name}}} does not close the last \\begin")
    if stack:
        problems.append(f"unclosed environments: {stack}")
    for spec, rows in re.findall(r"\\begin\{tabular\}\{([lrc|]+)\}(.*?)\\end\{tabular\}", body, re.DOTALL):
        columns = len(spec.replace("|", ""))
        for row in rows.split("\\\\")[:-1]:
            cells = row.replace("\\hline", "").strip()
            if cells and cells.count("&") + 1 != columns:
                problems.append(f"row with {cells.count('&') + 1} cells in a {columns}-column tabular: {cells[:40]}")
    if "\\begin{tabular}" not in body:
        problems.append("no tabular")
    for special in ("_", "%", "&", "#"):
        # every unescaped special left is a column separator (&) or inside a comment line (already dropped)
        if special != "&" and special in body:
            problems.append(f"unescaped {special!r}")
    return problems


@pytest.mark.parametrize("by", [None, "page_type", "lang"])
def test_latex_is_a_valid_tabular(by: str | None) -> None:
    text = render_leaderboard(_nasty_result(), fmt="latex", by=by)
    assert _latex_problems(text) == []
    assert "x\\_y\\%z\\&w\\#v\\{u\\}" in text


def test_latex_checker_finds_broken_tables() -> None:
    # The checker itself must fail on what it is meant to catch.
    good = render_leaderboard(make_result(), fmt="latex")
    assert _latex_problems(good) == []
    assert _latex_problems(good.replace("\\end{tabular}", "")) != []
    assert _latex_problems(good.replace("acme\\_clean", "acme_clean")) != []
    assert _latex_problems(re.sub(r"acme\\_clean +&", "acme\\\\_clean & extra &", good)) != []


# --- HTML -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "page_type"])
def test_html_is_well_formed_and_escaped(by: str | None) -> None:
    text = render_leaderboard(_nasty_result(), fmt="html", by=by)
    tree = lxml.etree.fromstring(f"<div>{text}</div>")  # XML parse: every tag closed and nested
    assert tree.xpath("//script") == [] and tree.xpath("//b") == []
    assert any(NASTY in "".join(cell.itertext()) for cell in tree.xpath("//td"))
    for table in tree.xpath("//table"):
        width = len(table.xpath("./thead/tr/th"))
        assert width > 0
        assert {len(row.xpath("./td")) for row in table.xpath("./tbody/tr")} == {width}
    parsed = lxml.html.fragment_fromstring(text, create_parent="div")
    assert parsed.xpath("//script") == []


# --- rows -----------------------------------------------------------------------------------------


def test_ranks_ties_bounds_and_not_installed(run_result: RunResult) -> None:
    rows = leaderboard(run_result).tables[0].rows
    assert [(row.name, row.rank) for row in rows] == [
        ("trafilatura", "1"),
        ("justext", "2"),
        ("readability", "2="),  # tied with justext (comparison tied=True)
        ("everything", "bound"),
        ("acme_clean", "4"),  # tied with the bound above, but bounds are not ranked
        ("nothing", "bound"),
        ("goose3", "n/a"),
    ]


def test_ties_do_not_chain_past_the_rank_leader(run_result: RunResult) -> None:
    # Bug: each row was tied only with its neighbour, so a long run of small steps shared rank 1 with a
    # leader it differed from significantly. A row shares a rank only when tied with the rank's first row.
    chained = (
        Comparison(a="trafilatura", b="justext", key="words.f1", difference=Estimate(0.019, -0.004, 0.035), tied=True),
        Comparison(a="trafilatura", b="readability", key="words.f1", difference=Estimate(0.026, 0.002, 0.05), tied=False),
        # readability's neighbour justext is tied with it, but justext does not lead a rank: no effect
        Comparison(a="justext", b="readability", key="words.f1", difference=Estimate(0.007, -0.006, 0.02), tied=True),
    )
    rows = leaderboard(replace(run_result, comparisons=chained)).tables[0].rows
    assert [(row.name, row.rank) for row in rows if row.name in ("trafilatura", "justext", "readability")] == [
        ("trafilatura", "1"),
        ("justext", "1="),
        ("readability", "3"),
    ]


def test_lower_is_better_main_metric_sorts_ascending(run_result: RunResult) -> None:
    rows = leaderboard(replace(run_result, main_metric="duplication.value")).tables[0].rows
    ranked = [row.name for row in rows if row.rank not in ("bound", "n/a")]
    assert ranked == ["justext", "readability", "trafilatura", "acme_clean"]


def test_not_installed_row_has_reason_and_no_numbers(run_result: RunResult) -> None:
    reason = "goose3: not installed (goose3); pip install 'cleanbench[all]'"
    document = json.loads(render_leaderboard(run_result, fmt="json"))
    row = document["tables"][0]["rows"][-1]
    assert row["extractor"] == "goose3" and row["reason"] == reason
    assert [row[key] for key in ("f1", "precision", "recall", "duplication", "failures", "median_ms")] == [None] * 6
    assert set(row["leak"].values()) == {None}
    record = list(csv.DictReader(io.StringIO(render_leaderboard(run_result, fmt="csv"))))[-1]
    labels = ("rank", "extractor", "installed", "note", "signature", "metric_signature", "gold", "gold_digest")
    numbers = [value for key, value in record.items() if key not in labels]
    assert set(numbers) == {""} and record["note"] == reason
    line = render_leaderboard(run_result, fmt="github").splitlines()[8]
    assert line.startswith("|   n/a | goose3") and "0.000" not in line and reason in line


def test_failures_cell(run_result: RunResult) -> None:
    text = render_leaderboard(run_result, fmt="plain")
    assert "3 (2 timeout, 1 error)" in text
    assert "2 (1 crash, 1 missing)" in text


def test_small_slice_cells_are_blank(run_result: RunResult) -> None:
    document = json.loads(render_leaderboard(run_result, fmt="json", by="page_type"))
    tables = {table["slice"]["value"]: table for table in document["tables"]}
    assert tables["product"]["slice"]["pages"] == 3
    for row in tables["product"]["rows"]:
        assert (row["f1"], row["precision"], row["recall"], row["duplication"]) == (None, None, None, None)
        assert set(row["leak"].values()) == {None}
    assert tables["forum"]["rows"][0]["f1"]["value"] == pytest.approx(0.831)
    # With the threshold lowered the same slice shows its numbers.
    lowered = json.loads(render_leaderboard(run_result, fmt="json", by="page_type", min_pages=3))
    product = next(table for table in lowered["tables"] if table["slice"]["value"] == "product")
    assert product["rows"][0]["f1"]["value"] == pytest.approx(0.731)


def test_slice_with_missing_estimate_is_blank(run_result: RunResult) -> None:
    rows = list(run_result.extractors)
    traf = rows[1]
    forum = dict(traf.slices["page_type"]["forum"])
    del forum["words"]
    rows[1] = replace(traf, slices={**traf.slices, "page_type": {**traf.slices["page_type"], "forum": forum}})
    board = leaderboard(replace(run_result, extractors=tuple(rows)), by="page_type")
    forum_table = next(table for table in board.tables if table.value == "forum")
    row = next(row for row in forum_table.rows if row.name == "trafilatura")
    assert row.main == {"f1": None, "precision": None, "recall": None}
    assert forum_table.rows[-2].name == "trafilatura"  # blanks after numbers, before not-installed rows


def test_csv_is_one_table_with_signatures(run_result: RunResult) -> None:
    records = list(csv.DictReader(io.StringIO(render_leaderboard(run_result, fmt="csv", by="page_type"))))
    assert len(records) == 3 * 7
    assert {record["slice_value"] for record in records} == {"article", "forum", "product"}
    assert records[0]["signature"] == 'trafilatura@2.0.0{"favor_precision":false}'
    assert records[0]["gold_digest"] == run_result.gold.digest


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: render_leaderboard(r, fmt="markdown"), "unknown table format 'markdown'"),
        (lambda r: render_leaderboard(r, fmt="github", by="domain"), "unknown slice 'domain'"),
        (lambda r: render_leaderboard(r, fmt="github", by="noise"), "the result has no slices by 'noise'"),
    ],
)
def test_bad_requests_are_one_line_errors(run_result: RunResult, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportError, match=re.escape(message)):
        call(run_result)


def test_result_without_extractor_slices_or_comparisons_renders(run_result: RunResult) -> None:
    bare = replace(run_result, extractors=tuple(replace(row, slices={}) for row in run_result.extractors), comparisons=())
    text = render_leaderboard(bare, fmt="plain")
    assert "2=" not in text and "tied" not in text


def test_one_metric_signature_line_for_all_extractors(run_result: RunResult) -> None:
    # Each score's signature ends with its extractor (`|ext:...`), printed on the extractor's own line.
    board = leaderboard(run_result)
    assert board.metric_signatures == ("metric:words|tok:unicode|case:fold|agg:macro|ci:boot1000|seed:12345|v:0.1.0|gold:9f2c00000000",)
    assert board.signature_lines()[-1] == "extractor: goose3@not-installed{}"


@pytest.mark.parametrize(
    ("metric", "text"),
    [
        # Bug: every note said "mean over pages", though snippets pools counts and aeb's F1 is of the means.
        ("words", "F1, precision, recall: the mean of the per-page values"),
        ("snippets", "F1, precision, recall: pooled over pages (counts summed, then the ratio)"),
        ("aeb", "F1: the F1 of the mean precision and the mean recall; precision, recall: the mean of the per-page values"),
    ],
)
def test_note_says_how_each_value_is_aggregated(metric: str, text: str) -> None:
    from cleanbench.report.table import _aggregation_text

    assert _aggregation_text(metric, ("f1", "precision", "recall")) == text


CMD_NAME = "cmd:sh -c 'tr a-z A-Z | sed s/%/pct/ | tee `mktemp`'"


def _cmd_result() -> RunResult:
    result = make_result()
    rows = list(result.extractors)
    rows[1] = replace(rows[1], name=CMD_NAME, signature=f"{CMD_NAME}@sha256-0123{{}}")
    return replace(result, extractors=tuple(rows), comparisons=())


@pytest.mark.parametrize("fmt", ["github", "pipe"])
def test_markdown_escapes_pipes_in_cells_and_fences_backticks_in_signatures(fmt: str) -> None:
    # issue 10: cmd: and pipeline specs hold |, % and backticks legitimately; each format escapes them.
    text = render_leaderboard(_cmd_result(), fmt=fmt)
    table = [line for line in text.splitlines() if line.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert len(widths) == 1, "a row with another number of cells"
    assert any(CMD_NAME.replace("|", "\\|") in line for line in table)
    signature = next(line for line in text.splitlines() if "sha256-0123" in line)
    assert signature == f"- `` extractor: {CMD_NAME}@sha256-0123{{}} ``"


def test_latex_escapes_a_percent_in_a_name() -> None:
    text = render_leaderboard(_cmd_result(), fmt="latex")
    assert _latex_problems(text) == []
    assert "sed s/\\%/pct/" in text

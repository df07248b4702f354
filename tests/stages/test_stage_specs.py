"""The one stage and pipeline grammar (DESIGN.md "Shared rules"): `|` splits only outside quotes, braces
and backslash escapes; `name{json}` carries options; canonical forms name the rows."""

from __future__ import annotations

import pytest

from cleanbench.errors import ExtractorError
from cleanbench.stages.registry import resolve_pipeline
from cleanbench.stages.spec import parse_pipeline, split_stages


@pytest.mark.parametrize(
    ("spec", "stages"),
    [
        ("trafilatura", ["trafilatura"]),
        ("everything|line-dedup|c4-quality", ["everything", "line-dedup", "c4-quality"]),
        (" everything | line-dedup ", ["everything", "line-dedup"]),
        ("cmd:sh -c 'tr a b | cat'|line-dedup", ["cmd:sh -c 'tr a b | cat'", "line-dedup"]),
        ('cmd:sh -c "sort | uniq"', ['cmd:sh -c "sort | uniq"']),
        ("cmd:sh -c it\\'s\\|fine|line-dedup", ["cmd:sh -c it\\'s\\|fine", "line-dedup"]),
        ('boilerplate-lines{"scope": "set", "min_documents": 4}|line-dedup', ['boilerplate-lines{"scope": "set", "min_documents": 4}', "line-dedup"]),
        ('plugin:Stage{"sep": "|", "nested": {"a": "}|{"}}|line-dedup', ['plugin:Stage{"sep": "|", "nested": {"a": "}|{"}}', "line-dedup"]),
        ('x{"quote": "\\"|"}|y', ['x{"quote": "\\"|"}', "y"]),
        ("cmd:printf 'a\"b'|y", ["cmd:printf 'a\"b'", "y"]),
    ],
    ids=["one", "three", "spaces", "single-quoted-pipe", "double-quoted-pipe", "escaped-pipe", "options", "pipe-in-json", "escaped-quote-in-json", "other-quote-inside"],
)
def test_bars_split_stages_only_outside_quotes_braces_and_escapes(spec: str, stages: list[str]) -> None:
    assert split_stages(spec) == stages


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ('trafilatura{ "favor_recall" : true }', 'trafilatura{"favor_recall":true}'),
        ('boilerplate-lines{"scope":"set","min_documents":4}', 'boilerplate-lines{"min_documents":4,"scope":"set"}'),
        ("everything | line-dedup", "everything|line-dedup"),
        ('x:Y{"é": "ü"}', 'x:Y{"é":"ü"}'),
    ],
)
def test_canonical_forms_sort_keys_and_drop_spaces(spec: str, canonical: str) -> None:
    assert parse_pipeline(spec).canonical == canonical


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("everything||line-dedup", "an empty stage"),
        ("everything|", "an empty stage"),
        ("cmd:sh -c 'open", "quote is not closed"),
        ("cmd:", "no program"),
        ("trafilatura{favor_recall: true}", "not a JSON object"),
        ("trafilatura[1]", "not a stage name"),
        ('trafilatura{"favor_recall": true', "not a JSON object"),
    ],
)
def test_a_malformed_spec_is_one_line_naming_it(spec: str, message: str) -> None:
    with pytest.raises(ExtractorError, match=message) as raised:
        parse_pipeline(spec)
    assert "\n" not in str(raised.value)


def test_a_pipeline_row_is_named_by_its_stages_and_signed_by_their_chain() -> None:
    pipeline = resolve_pipeline('everything|boilerplate-lines{"min_documents": 4}|line-dedup')
    assert pipeline.name == 'everything|boilerplate-lines{"min_documents":4}|line-dedup'
    signatures = pipeline.signature.split(" | ")
    assert [signature.partition("@")[0] for signature in signatures] == ["everything", "boilerplate-lines", "line-dedup"]
    assert '{"min_documents":4,"scope":"site"}' in signatures[1]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('line-dedup{"k": 1}', "no option 'k'"),
        ('boilerplate-lines{"min_documents": 1}', "min_documents must be a whole number >= 2"),
        ('boilerplate-lines{"scope": "planet"}', "scope must be one of site, set"),
        ("line-dedupe", "did you mean 'line-dedup'"),
    ],
)
def test_bad_cleaner_options_and_names_are_refused_when_resolved(spec: str, message: str) -> None:
    with pytest.raises(ExtractorError, match=message):
        resolve_pipeline(spec)

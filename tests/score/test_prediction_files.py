"""Reading predictions made elsewhere: cleanbench JSONL and the AEB layout, errors naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.errors import PredictionsError
from cleanbench.prediction import Prediction
from cleanbench.score.prediction_files import combine, read_predictions


def write_jsonl(path: Path, predictions: list[Prediction]) -> Path:
    path.write_text("".join(json.dumps(p.to_json()) + "\n" for p in predictions), encoding="utf-8")
    return path


def test_jsonl_with_several_extractors(tmp_path: Path) -> None:
    given = [
        Prediction(page_id="a", extractor="one", status="ok", text="text a", seconds=0.5),
        Prediction(page_id="a", extractor="two", status="crash", error="segfault"),
        Prediction(page_id="b", extractor="one", status="empty"),
    ]
    found = read_predictions(write_jsonl(tmp_path / "preds.jsonl", given))
    assert found.predictions == tuple(given)
    assert found.extractors == ("one", "two")
    assert (found.layout, dict(found.signatures)) == ("jsonl", {})


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"page_id": "a", "extractor": "x", "status": "ok"}', "{not json"], r"preds.jsonl:2: not a JSON record"),
        (['{"page_id": "a", "extractor": "x", "status": "fine"}'], r"preds.jsonl:1: field 'status'"),
        (["", '{"page_id": 3, "extractor": "x", "status": "ok"}'], r"preds.jsonl:2: field 'page_id'"),
        (['{"page_id": "a", "extractor": "x", "status": "ok"}'] * 2, r"preds.jsonl:2: field 'page_id': x already has a prediction for page 'a' \(line 1\)"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "preds.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PredictionsError, match=message):
        read_predictions(path)


@pytest.mark.parametrize("wrapped", [False, True])
def test_aeb_layout(tmp_path: Path, wrapped: bool) -> None:
    output = {"p1": {"articleBody": "Body one."}, "p2": {"articleBody": ""}, "p3": {}}
    document = {"version": "2.0.0", "output": output} if wrapped else output
    path = tmp_path / "trafilatura.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    found = read_predictions(path)
    assert found.extractors == ("trafilatura",)
    assert [(p.page_id, p.status, p.text) for p in found.predictions] == [("p1", "ok", "Body one."), ("p2", "empty", ""), ("p3", "empty", "")]
    assert {name: entry.signature for name, entry in found.signatures.items()} == ({"trafilatura": "trafilatura@2.0.0"} if wrapped else {})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"p1": {"articleBody": 3}}', r"x.json: page 'p1': field 'articleBody': expected a string"),
        ('{"p1": "text"}', r"x.json: page 'p1': expected an object"),
        ("[1, 2]", r"x.json: expected an object"),
        ('{\n"p1": {\n"articleBody": }', r"x.json:3: not a JSON document"),
    ],
)
def test_aeb_errors_name_file_and_page(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PredictionsError, match=message):
        read_predictions(path)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PredictionsError, match=r"preds.csv: unknown predictions layout"):
        read_predictions(tmp_path / "preds.csv")
    with pytest.raises(PredictionsError, match=r"absent.jsonl: no such file"):
        read_predictions(tmp_path / "absent.jsonl")


def test_shards_of_one_extractor_merge_into_one_row(tmp_path: Path) -> None:
    # issue 11: several prediction files of one extractor (shards of a large run) are one row.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_jsonl(tmp_path / "a" / "run.jsonl", [Prediction(page_id="p1", extractor="same", status="ok", text="x")])
    second = write_jsonl(tmp_path / "b" / "run.jsonl", [Prediction(page_id="p2", extractor="same", status="ok", text="y")])
    predictions, signatures = combine([read_predictions(first), read_predictions(second)])
    assert [(p.extractor, p.page_id) for p in predictions] == [("same", "p1"), ("same", "p2")]
    assert signatures["same"].signature == "same@unknown{}"  # no run.json beside them: nobody can name the code


def test_shards_may_not_hold_one_page_twice(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_jsonl(tmp_path / "a" / "run.jsonl", [Prediction(page_id="p", extractor="same", status="ok", text="x")])
    second = write_jsonl(tmp_path / "b" / "run.jsonl", [Prediction(page_id="p", extractor="same", status="ok", text="y")])
    with pytest.raises(PredictionsError, match=r"b/run.jsonl: page 'p' of 'same' is already in .*a/run.jsonl"):
        combine([read_predictions(first), read_predictions(second)])
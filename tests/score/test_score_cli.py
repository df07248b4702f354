"""`cleanbench score`: the leaderboard table, JSON output, and errors as one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.gold.load import load_gold
from cleanbench.prediction import Prediction

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`gold` predicts every fixture page perfectly; `half` has only the first half of the pages."""
    pages = list(load_gold(str(FIXTURES)))
    rows = [Prediction(page_id=p.id, extractor="gold", status="ok", text=p.gold_text or "") for p in pages]
    rows += [Prediction(page_id=p.id, extractor="half", status="ok", text=p.gold_text or "") for p in pages[: len(pages) // 2]]
    path = tmp_path_factory.mktemp("preds") / "preds.jsonl"
    path.write_text("".join(json.dumps(row.to_json()) + "\n" for row in rows), encoding="utf-8")
    return path


def test_text_table(predictions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--gold", str(FIXTURES), "--predictions", str(predictions), "--metrics", "words", "leak:ad"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("extractor"))
    assert header.split() == ["extractor", "f1", "precision", "recall", "pages", "skipped", "missing", "failed"]
    gold_row = next(line for line in lines if line.startswith("gold "))
    assert gold_row.split()[1:4] == ["1.000", "[1.000,", "1.000]"]
    half_row = next(line for line in lines if line.startswith("half "))
    pages = len(list(FIXTURES.glob("*.json")))
    assert half_row.split()[-2] == str(pages - pages // 2)  # missing pages shown
    assert "signature: metric:words.f1|tok:unicode|case:fold|agg:macro|ci:boot1000|conf:0.95|seed:12345|" in out
    assert "leak:ad (lower is better; 95 % bootstrap intervals)" in out


def test_json_has_every_value_with_interval_and_signature(predictions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--gold", str(FIXTURES), "--predictions", str(predictions), "--metrics", "words,snippets", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["bootstrap"] == {"resamples": 1000, "seed": 12345, "confidence": 0.95}
    rows = {row["name"]: row for row in document["extractors"]}
    assert rows["half"]["missing"] == rows["half"]["pages"] - rows["half"]["pages"] // 2
    micro = rows["gold"]["metrics"]["words"]["values"]["micro_f1"]
    assert micro["value"] == 1.0 and micro["low"] == 1.0 and micro["high"] == 1.0
    assert "|agg:micro|" in micro["signature"]
    assert set(rows["gold"]["metrics"]["snippets"]["values"]) == {"f1", "precision", "recall", "accuracy"}
    assert "article" in rows["gold"]["slices"]["page_type"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--metrics", "word"], "unknown metric 'word'"),
        (["--gold", "nowhere-to-be-found"], "nowhere-to-be-found: no such file or folder"),
    ],
)
def test_errors(predictions: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str) -> None:
    base = {"--gold": str(FIXTURES), "--predictions": str(predictions)}
    for flag, value in zip(arguments[::2], arguments[1::2]):
        base[flag] = value
    argv = ["score", *[item for pair in base.items() for item in pair]]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_aeb_layout_rows_are_named_by_the_file_stem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = list(load_gold(str(FIXTURES)))
    output = {page.id: {"articleBody": page.gold_text or ""} for page in pages[:-1]}  # the last page missing
    path = tmp_path / "my-extractor.json"
    path.write_text(json.dumps({"version": "1.2.3", "output": output}), encoding="utf-8")
    assert main(["score", "--gold", str(FIXTURES), "--predictions", str(path), "--metrics", "aeb", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["extractors"]
    assert (row["name"], row["signature"], row["missing"]) == ("my-extractor", "my-extractor@1.2.3", 1)
    assert row["metrics"]["aeb"]["values"]["accuracy"]["value"] == pytest.approx((len(pages) - 1) / len(pages))
    assert row["metrics"]["aeb"]["values"]["f1"]["signature"].endswith("|ext:my-extractor@1.2.3")


def test_score_out_is_a_run_folder_that_report_compare_and_check_accept(predictions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 11.8: `score --out` writes result.json and pages.jsonl; a row scored from predictions that record
    # no code is `name@unknown{}`, and `check` refuses it unless --allow-version-change.
    out = tmp_path / "scored"
    assert main(["score", "--gold", str(FIXTURES), "--predictions", str(predictions), "--metrics", "words", "--out", str(out)]) == 0
    assert {"result.json", "pages.jsonl"} <= {path.name for path in out.iterdir()}
    assert main(["report", str(out), "--format", "latex"]) == 0
    assert "\\toprule" in capsys.readouterr().out
    assert main(["compare", str(out), str(out)]) == 0
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(out), "--baseline", str(baseline), "--update"]) == 0
    capsys.readouterr()
    assert main(["check", str(out), "--baseline", str(baseline)]) == 1
    assert "gold: made by code nobody recorded" in capsys.readouterr().out
    assert main(["check", str(out), "--baseline", str(baseline), "--allow-version-change"]) == 0


def test_shards_of_one_extractor_are_one_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = list(load_gold(str(FIXTURES)))
    shards = []
    for number, part in enumerate((pages[::2], pages[1::2])):
        path = tmp_path / f"shard-{number}.jsonl"
        path.write_text("".join(json.dumps(Prediction(page_id=p.id, extractor="split", status="ok", text=p.gold_text or "").to_json()) + "\n" for p in part), encoding="utf-8")
        shards.append(str(path))
    assert main(["score", "--gold", str(FIXTURES), "--predictions", *shards, "--metrics", "words", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["extractors"]
    assert (row["name"], row["missing"], row["metrics"]["words"]["values"]["f1"]["value"]) == ("split", 0, 1.0)


@pytest.mark.parametrize("fmt", ["github", "pipe", "latex", "html", "rst", "plain", "csv", "json"])
def test_score_prints_every_table_format(predictions: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main(["score", "--gold", str(FIXTURES), "--predictions", str(predictions), "--metrics", "words", "--format", fmt]) == 0
    assert "half" in capsys.readouterr().out

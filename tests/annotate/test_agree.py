"""annotate/agree.py and `cleanbench data agree`: two annotations of the same pages compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanbench.annotate.agree import agree
from cleanbench.cli import main
from cleanbench.gold.load import load_gold
from cleanbench.gold.schema import GoldPage

HTML = "<p>Alpha news text one.</p><p>Beta news text two.</p><p>Buy now cheap.</p><ul><li>Home</li><li>About</li></ul>"


def page(gold: str, noise: list[tuple[str, str]], page_id: str = "p1") -> GoldPage:
    return GoldPage(id=page_id, html=HTML, gold_text=gold, noise=tuple(GoldPage.from_record({"id": "x", "html": "", "gold_text": "", "noise": [{"label": l, "text": t} for l, t in noise]}).noise))


def test_agreement_by_hand() -> None:
    # Blocks: [content, content, ad, nav, nav] against [content, other, ad, nav, nav]: 4 of 5 alike;
    # expected agreement (2*1 + 1*1 + 2*2) / 25 = 0.28, so kappa = (0.8 - 0.28) / 0.72 = 13/18. Gold text: 4 of
    # 8 words shared, F1 = 2*4 / (8 + 4) = 2/3. The label `other` is used by one annotator only: F1 0.
    one = page("Alpha news text one.\n\nBeta news text two.", [("ad", "Buy now cheap."), ("nav", "Home About")])
    other = page("Alpha news text one.", [("other", "Beta news text two."), ("ad", "Buy now cheap."), ("nav", "Home About")])
    result = agree([one], [other], digests=("a" * 64, "b" * 64))
    assert result.confusion == {("content", "content"): 1, ("content", "other"): 1, ("ad", "ad"): 1, ("nav", "nav"): 2}
    assert result.observed == 0.8
    assert result.kappa == pytest.approx(13 / 18)
    assert result.words_f1 == pytest.approx(2 / 3)
    assert {label: result.label_f1(label) for label in ("ad", "nav", "other", "share")} == {
        "ad": (1.0, 1), "nav": (1.0, 1), "other": (0.0, 1), "share": (None, 0)
    }
    assert result.signature == "agree|seg:blocks-1|labels:13|tok:unicode|case:fold|v:0.1.0|a:aaaaaaaaaaaa|b:bbbbbbbbbbbb"


def test_pages_in_one_set_only_are_counted_apart() -> None:
    one = page("Alpha news text one.", [], "p1")
    result = agree([one, page("Alpha news text one.", [], "p2")], [one, page("Alpha news text one.", [], "p3")], digests=("a" * 64, "b" * 64))
    assert (len(result.pages), result.only_a, result.only_b, result.kappa) == (1, ("p2",), ("p3",), 1.0)


def test_data_agree_lists_the_pages_that_disagree_most(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixtures = load_gold("fixtures")
    records = [fixtures.page(page_id).to_record() for page_id in ("news-en-12", "blog-en-01", "forum-en-12")]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    changed = [dict(r) for r in records]
    changed[1]["noise"] = [{**span, "label": "related" if span["label"] == "share" else span["label"]} for span in records[1]["noise"]]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in changed), encoding="utf-8")
    assert main(["data", "agree", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--format", "json", "--top", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pages"] == 3 and report["words_f1"] == 1.0
    assert report["labels_f1"]["share"] == {"f1": 0.5, "pages": 2}  # news-en-12's share spans agree, blog-en-01's are gone
    assert [page["page_id"] for page in report["most_disagreeing"]] == ["blog-en-01"]
    assert 0 < report["kappa"] < 1
    assert main(["data", "agree", str(tmp_path / "a.jsonl"), str(tmp_path / "a.jsonl")]) == 0
    text = capsys.readouterr().out
    assert "blocks: Cohen's kappa" in text and "1.000" in text and "signature: agree|seg:blocks-1" in text

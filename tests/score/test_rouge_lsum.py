"""`rouge-lsum` equals rouge-score's rougeLsum (lines as sentences, whitespace tokens) page for page."""

from __future__ import annotations

import random

import pytest
from rouge_score import rouge_scorer

from cleanbench.gold.schema import GoldPage
from cleanbench.score.counts import OverlapCounts
from cleanbench.score.metrics import get_metric
from cleanbench.score.rouge import summary_lcs_hits

WORDS = {
    "en": "the of and a to in is you that it he was for on are as with his they at be this have from",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es Straße über",
    "zh": "的 一 是 在 不 了 有 和 人 这 中 大 为 上 个 国 我 以 要 他 时间 北京",
    "ar": "في من على إلى أن عن مع هذا كان التي الذي بين كل هذه",
    "ja": "の に は を た が で て と し れ さ ある いる 東京 です",
    "emoji": "👍 🎉 😀 ❤️ 🚀",
    "tiny": "a b",  # two words: many longest common subsequences, so the choice among them is tested
}
SEPARATORS = [" ", " ", " ", "  ", "\t", " \u00a0 "]


class WhitespaceTokenizer:
    """What rouge-score is handed: its rougeLsum calls `tokenize` on each line."""

    def tokenize(self, text: str) -> list[str]:
        return text.split()


def random_text(rng: random.Random, vocabulary: list[str]) -> str:
    lines = []
    for _ in range(rng.randint(0, 8)):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 14))]
        line = "".join(word + rng.choice(SEPARATORS) for word in words)
        lines.append(line.rstrip(" ") if rng.random() < 0.8 else line + "\r")
    return "\n".join(lines)


def pairs() -> list[tuple[str, str]]:
    rng = random.Random(20240531)  # fixed: the same 200 pairs on every run
    found = []
    for index in range(200):
        languages = rng.sample(sorted(WORDS), k=rng.randint(1, 3))
        vocabulary = [word for language in languages for word in WORDS[language].split()][: rng.randint(2, 40)]
        gold = random_text(rng, vocabulary)
        if index % 5 == 0:  # an extraction of the gold: some lines dropped, some repeated, some noise added
            lines = [line for line in gold.split("\n") if rng.random() < 0.7]
            prediction = "\n".join(lines + lines[: rng.randint(0, 2)] + [random_text(rng, vocabulary)])
        else:
            prediction = random_text(rng, vocabulary)
        found.append((gold, prediction))
    return found


@pytest.fixture(scope="module")
def scorer() -> rouge_scorer.RougeScorer:
    return rouge_scorer.RougeScorer(["rougeLsum"], tokenizer=WhitespaceTokenizer())


@pytest.mark.parametrize(("gold", "prediction"), pairs())
def test_equals_rouge_score(gold: str, prediction: str, scorer: rouge_scorer.RougeScorer) -> None:
    want = scorer.score(gold, prediction)["rougeLsum"]
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": gold})
    counts = get_metric("rouge-lsum").page_counts(prediction, page)
    assert isinstance(counts, OverlapCounts)
    got = counts.scores()
    assert got["precision"] == pytest.approx(want.precision, abs=1e-9)
    assert got["recall"] == pytest.approx(want.recall, abs=1e-9)
    assert got["f1"] == pytest.approx(want.fmeasure, abs=1e-9)


def test_the_longest_common_subsequence_is_rouge_scores_own_choice() -> None:
    # Gold line "a b" against predicted lines "b a" and "a": rouge-score's backtracking takes "a" from
    # "b a" (not "b"), so the union is {a}: one hit. Another LCS choice would give {a, b}: two hits.
    assert summary_lcs_hits("a b", "b a\na").hits == 1
    assert summary_lcs_hits("a b", "b a").hits == 1


def test_hits_are_clipped_by_token_counts() -> None:
    # Both gold lines match the one predicted "x"; only one copy of "x" is there to be hit.
    assert summary_lcs_hits("x\nx", "x") == (1, 2, 1)


def test_tokens_written_past_the_surrogate_code_points_score_the_same(scorer: rouge_scorer.RougeScorer) -> None:
    # Each distinct predicted token is written as one code point, skipping U+D800-U+DFFF: here the
    # scored words are the 55,301st and later distinct tokens, so their code points lie past that gap.
    filler = " ".join(f"f{i}" for i in range(0xD800))
    prediction = f"{filler}\nalpha beta gamma\ngamma beta alpha delta"
    gold = "alpha beta gamma delta\nbeta alpha\nepsilon"
    want = scorer.score(gold, prediction)["rougeLsum"]
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": gold})
    counts = get_metric("rouge-lsum").page_counts(prediction, page)
    assert isinstance(counts, OverlapCounts)
    assert counts.overlap == round(want.precision * counts.predicted)
    assert counts.scores()["f1"] == pytest.approx(want.fmeasure, abs=1e-9)


@pytest.mark.parametrize(
    ("gold", "prediction"),
    [
        ("a\x00b c\nd e", "a\x00b\nd c e"),  # the first candidate line mark, U+0000, is in both texts
        ("\x00 \x01 x\ny", "\x01 \x00\ny x"),  # so are the next ones
        ("a b\r\nc d\n\n \n", "c d\r\n\na b"),  # carriage returns and blank lines
        ("x\ny", "\n\n"),  # a prediction with lines but no tokens
    ],
)
def test_line_marks_and_blank_lines(gold: str, prediction: str, scorer: rouge_scorer.RougeScorer) -> None:
    want = scorer.score(gold, prediction)["rougeLsum"]
    page = GoldPage.from_record({"id": "p", "html": "", "gold_text": gold})
    counts = get_metric("rouge-lsum").page_counts(prediction, page)
    assert isinstance(counts, OverlapCounts)
    assert counts.scores()["f1"] == pytest.approx(want.fmeasure, abs=1e-9)
    assert counts.scores()["precision"] == pytest.approx(want.precision, abs=1e-9)

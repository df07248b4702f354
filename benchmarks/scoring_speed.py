"""How fast the scorers are, side by side with what they replace, in one run.

    python benchmarks/scoring_speed.py                     # WCXB: every 10th page
    python benchmarks/scoring_speed.py --extract-every 1   # WCXB: all 1,497 pages (about a minute more)

1. AEB: `cleanbench score --metrics aeb` on the ten prediction files of ../shared/data/aeb/output
   (the command as a subprocess, and the scoring alone in this process) against a faithful pure-Python
   reimplementation of Zyte's evaluate.py with 1,000 bootstrap resamples. The reimplementation draws
   the same resample indices as cleanbench (numpy's default_rng(12345)), so its std must equal ours.
2. ROUGE-LSum: rouge-score's rougeLsum against cleanbench's rouge-lsum on synthetic pages of 10,000
   whitespace tokens (lines of about 40), one an extraction of the gold and one unrelated text.
3. WCXB: trafilatura (canonical options) extracts the 1,497 dev pages (or every Nth), then every metric
   scores its output, slices and bootstrap included: both CPU times, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RESAMPLES, SEED = 1000, 12345
CANONICAL = {"fast": False, "include_comments": False, "include_tables": True, "include_formatting": False}


# --- 1. AEB ---------------------------------------------------------------------------------------

_ZYTE_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def zyte_evaluate(truth: dict[str, Any], prediction: dict[str, Any], indices: list[list[int]]) -> dict[str, tuple[float, float]]:
    """Zyte's evaluate.py in pure Python: 4-gram shingle TP/FP/FN per page, normalised; P/R means; bootstrap std."""
    keys = sorted(truth)  # cleanbench orders pages by id; the same order makes the same resamples
    tp_fp_fns, accuracies = [], []
    for key in keys:
        true, pred = truth[key].get("articleBody", ""), prediction[key].get("articleBody", "")
        tp_fp_fns.append(_shingle_matching(true, pred))
        accuracies.append(float(_ZYTE_TOKEN.findall(true or "") == _ZYTE_TOKEN.findall(pred or "")))
    point = _zyte_metrics(tp_fp_fns, accuracies)
    spread: dict[str, list[float]] = {name: [] for name in point}
    for drawn in indices:
        sample = _zyte_metrics([tp_fp_fns[i] for i in drawn], [accuracies[i] for i in drawn])
        for name, value in sample.items():
            spread[name].append(value)
    return {name: (point[name], _std(spread[name])) for name in point}


def _shingle_matching(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    true_shingles, pred_shingles = _shingles(true, n), _shingles(pred, n)
    tp = fp = fn = 0.0
    for key in set(true_shingles) | set(pred_shingles):
        true_count, pred_count = true_shingles.get(key, 0), pred_shingles.get(key, 0)
        tp += min(true_count, pred_count)
        fp += max(0, pred_count - true_count)
        fn += max(0, true_count - pred_count)
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return tp, fp, fn


def _shingles(text: str, n: int) -> dict[tuple[str, ...], int]:
    tokens = _ZYTE_TOKEN.findall(text or "")
    found = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            found.append(shingle)
    return dict(Counter(found))


def _zyte_metrics(tp_fp_fns: list[tuple[float, float, float]], accuracies: list[float]) -> dict[str, float]:
    precisions = [tp / (tp + fp) for tp, fp, fn in tp_fp_fns if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, fp, fn in tp_fp_fns if tp + fn > 0]
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return {
        "f1": 2 * precision * recall / (precision + recall),
        "precision": precision,
        "recall": recall,
        "accuracy": sum(accuracies) / len(accuracies),
    }


def _std(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def aeb(data: Path) -> None:
    from cleanbench.gold.load import load_gold
    from cleanbench.score.aggregate import resampled_values
    from cleanbench.score.bootstrap import Bootstrap
    from cleanbench.score.metrics import get_metric
    from cleanbench.score.prediction_files import combine, read_predictions
    from cleanbench.score.scoring import score_predictions

    root = data / "aeb"
    files = sorted((root / "output").glob("*.json"))
    spec = f"aeb:{root}"
    command = [sys.executable, "-m", "cleanbench", "score", "--gold", spec, "--predictions", *map(str, files), "--metrics", "aeb", "--format", "json"]
    subprocess.run(command, check=True, capture_output=True)  # warm: the gold set's Arrow import is cached
    cli_seconds, completed = _best(lambda: subprocess.run(command, check=True, capture_output=True, text=True), repeat=3)
    cli = {row["name"]: row["metrics"]["aeb"]["values"] for row in json.loads(completed.stdout)["extractors"]}

    gold = load_gold(spec)
    gold.digest()
    predictions, versions = combine([read_predictions(path) for path in files])
    inprocess_seconds, scoring = _best(lambda: score_predictions(predictions, gold, metrics=["aeb"], slice_by=(), extractor_signatures=versions))
    metric = get_metric("aeb")
    stds = {}
    for row in scoring.extractors:
        counts = {r.page_id: r.counts["aeb"] for r in scoring.records if r.extractor == row.name}
        stds[row.name] = {name: float(values.std()) for name, values in resampled_values(counts, metric.counts_type, bootstrap=Bootstrap()).items()}  # type: ignore[arg-type]

    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    indices = Bootstrap(resamples=RESAMPLES, seed=SEED).indices(len(truth)).tolist()
    outputs = {}
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        outputs[path.stem] = document.get("output", document) if set(document) <= {"version", "output"} else document
    start = time.perf_counter()
    reference = {name: zyte_evaluate(truth, output, indices) for name, output in outputs.items()}
    reference_seconds = time.perf_counter() - start

    print("1. AEB: ten prediction files, 181 pages, aeb with 1,000 bootstrap resamples")
    rows, worst_value, worst_std = [], 0.0, 0.0
    for name in sorted(reference):
        cells = []
        for value in ("f1", "precision", "recall", "accuracy"):
            ref_value, ref_std = reference[name][value]
            ours, our_std = cli[name][value]["value"], stds[name][value]
            worst_value, worst_std = max(worst_value, abs(ours - ref_value)), max(worst_std, abs(our_std - ref_std))
            cells.append(f"{ours:.3f} ± {our_std:.3f}")
        rows.append(f"   {name:14s} " + "  ".join(cells))
    print("   system         F1             precision      recall         accuracy")
    print("\n".join(rows))
    print(f"   largest difference from the reference: value {worst_value:.1e}, std {worst_std:.1e}")
    print(f"   pure-Python Zyte scorer (reference)      {reference_seconds:7.2f} s")
    print(f"   cleanbench score (whole command, best of 3) {cli_seconds:6.2f} s   ({reference_seconds / cli_seconds:.1f}x)")
    print(f"   cleanbench scoring in process (counts + bootstrap) {inprocess_seconds:6.2f} s   ({reference_seconds / inprocess_seconds:.1f}x)")
    startup, _ = _best(lambda: subprocess.run([sys.executable, "-c", "import cleanbench.cli, cleanbench.gold.load, cleanbench.score.scoring"], check=True), repeat=3)
    print(f"   of the command: interpreter start and imports (datasets, pyarrow, pandas) {startup:.2f} s")


# --- 2. ROUGE-LSum --------------------------------------------------------------------------------


def synthetic_lines(rng: random.Random, tokens: int, vocabulary: list[str], weights: list[float]) -> list[str]:
    words = rng.choices(vocabulary, weights, k=tokens)
    lines, start = [], 0
    while start < len(words):
        width = rng.randint(20, 60)
        lines.append(" ".join(words[start : start + width]))
        start += width
    return lines


def rouge(tokens: int) -> None:
    from rouge_score import rouge_scorer

    from cleanbench.gold.schema import GoldPage
    from cleanbench.score.metrics import get_metric

    class Whitespace:
        def tokenize(self, text: str) -> list[str]:
            return text.split()

    rng = random.Random(SEED)
    vocabulary = [f"w{i}" for i in range(5000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]  # Zipf-like, as words are
    gold_lines = synthetic_lines(rng, tokens, vocabulary, weights)
    kept = [line for line in gold_lines if rng.random() > 0.2]
    extraction = "\n".join(kept + synthetic_lines(rng, tokens - sum(len(line.split()) for line in kept), vocabulary, weights))
    unrelated = "\n".join(synthetic_lines(rng, tokens, vocabulary, weights))
    gold = "\n".join(gold_lines)
    scorer = rouge_scorer.RougeScorer(["rougeLsum"], tokenizer=Whitespace())
    metric = get_metric("rouge-lsum")
    page = GoldPage.from_record({"id": "page", "html": "", "gold_text": gold})
    print(f"\n2. ROUGE-LSum on pages of {tokens:,} whitespace tokens ({len(gold_lines)} gold lines)")
    for label, prediction in (("an extraction of the gold", extraction), ("unrelated text", unrelated)):
        start = time.perf_counter()
        want = scorer.score(gold, prediction)["rougeLsum"]
        theirs = time.perf_counter() - start
        ours, counts = _best(lambda prediction=prediction: metric.page_counts(prediction, page), repeat=3)
        got = counts.scores()  # type: ignore[union-attr]
        same = max(abs(got["precision"] - want.precision), abs(got["recall"] - want.recall), abs(got["f1"] - want.fmeasure))
        print(f"   {label:26s} rouge-score {theirs:7.2f} s   cleanbench {ours:6.3f} s   {theirs / ours:6.0f}x   F1 {got['f1']:.6f} (difference {same:.0e})")


# --- 3. WCXB --------------------------------------------------------------------------------------


def wcxb(data: Path, *, every: int) -> None:
    import trafilatura

    from cleanbench.gold.load import load_gold
    from cleanbench.prediction import Prediction
    from cleanbench.score.metrics import METRIC_NAMES
    from cleanbench.score.scoring import score_predictions

    load_seconds, gold = _best(lambda: load_gold(f"wcxb:{data / 'wcxb-dev'}"), repeat=1)
    pages = list(gold.annotations())[::every]
    inputs = [(row["html"], row["url"]) for row in gold.rows(["html", "url"])][::every]  # read before timing
    start = time.process_time()
    outputs = [trafilatura.extract(html, url=url, **CANONICAL) for html, url in inputs]
    extract_seconds = time.process_time() - start
    predictions = [Prediction(page_id=page.id, extractor="trafilatura", status="ok", text=output or "") for page, output in zip(pages, outputs)]
    start = time.process_time()  # from cold: no token of these pages is cached yet
    score_predictions(predictions, pages, metrics=list(METRIC_NAMES))
    score_seconds = time.process_time() - start
    which = "all pages" if every == 1 else f"every {every}th page ({len(pages)} pages; --extract-every 1 for all)"

    print(f"\n3. WCXB dev, {which}: trafilatura's extraction, then every metric ({len(METRIC_NAMES)}) on its output, with slices")
    print(f"   trafilatura extraction, CPU: {extract_seconds:.1f} s ({extract_seconds / len(pages) * 1000:.1f} ms/page)")
    print(f"   scoring, CPU in process: {score_seconds:.2f} s ({score_seconds / len(pages) * 1000:.1f} ms/page)")
    print(f"   scoring / extraction: {score_seconds / extract_seconds:.1%} (target < 10 %); gold set load (cached Arrow) {load_seconds:.2f} s")


def _best(run: Callable[[], Any], *, repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"the public gold sets (default {DATA})")
    parser.add_argument("--extract-every", type=int, default=10, help="extract and score every Nth WCXB page (default 10; 1 = all)")
    parser.add_argument("--tokens", type=int, default=10_000, help="tokens per synthetic ROUGE page (default 10,000)")
    parser.add_argument("--parts", nargs="+", choices=("aeb", "rouge", "wcxb"), default=("aeb", "rouge", "wcxb"), help="what to time (default: all)")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"public gold sets not found at {args.data}")
    if len(args.parts) > 1:  # each part in a fresh interpreter: one part's heap does not slow the next
        for part in args.parts:
            options = ["--data", str(args.data), "--extract-every", str(args.extract_every), "--tokens", str(args.tokens)]
            subprocess.run([sys.executable, __file__, "--parts", part, *options], check=True)
        return
    if "aeb" in args.parts:
        aeb(args.data)
    if "rouge" in args.parts:
        rouge(args.tokens)
    if "wcxb" in args.parts:
        wcxb(args.data, every=args.extract_every)


if __name__ == "__main__":
    main()

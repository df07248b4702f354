"""How much work the pre-filled guess of `cleanbench annotate` saves: the guess alone, with no click, scored
against the committed gold of a set (the bundled set by default).

- words F1 of the guessed gold text against the committed gold text (the `words` metric: macro mean
  over pages, and pooled);
- the same words F1 for the panel's vote alone (a block is content when 3 of the 5 extractors keep it,
  no cue, no cut), to show what the cues add;
- per-label accuracy over blocks: each block of the guess (after its glued-clutter cuts) has a true
  label, that of the committed span covering at least half of its text (`annotate.project`), and the
  accuracy of a label is the share of its blocks the guess labels so; overall, the share of all blocks.

    .venv/bin/python benchmarks/annotate_guess.py [--gold fixtures] [--workers 2]

Prints a table and writes benchmarks/results/annotate_guess.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from tabulate import tabulate

from cleanbench import __version__
from cleanbench.annotate.blocks import SEGMENTATION, segment_html
from cleanbench.annotate.guess import guess_page
from cleanbench.annotate.panel import PANEL, VOTES_NEEDED, Panel, votes
from cleanbench.annotate.project import project
from cleanbench.annotate.record import gold_text
from cleanbench.annotate.sources import SourcePage
from cleanbench.annotate.state import LABELS
from cleanbench.gold.load import load_gold
from cleanbench.score.metrics.retention import WordsMetric

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default="fixtures")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    gold = load_gold(args.gold)
    pages = [page for page in gold if not page.is_text and page.gold_text is not None]
    sources = [SourcePage(page.id, page.html, page.url, "gold", "utf-8", "gold") for page in pages]
    with Panel(workers=args.workers) as panel:
        outputs = panel.run(sources)
        signatures = panel.signatures
    metric = WordsMetric()
    counts = None
    vote_counts = None
    truth_total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    guessed_total: Counter[str] = Counter()
    for page in pages:
        state = guess_page(segment_html(page.html), outputs[page.id], panel=PANEL, html=page.html)
        page_counts = metric.count(gold_text(state), page)
        counts = page_counts if counts is None else counts + page_counts
        blocks = [block.text for block in segment_html(page.html).blocks]
        kept = [text for text, keepers in zip(blocks, votes(blocks, outputs[page.id])) if len(keepers) >= VOTES_NEEDED]
        vote_page = metric.count("\n\n".join(kept), page)
        vote_counts = vote_page if vote_counts is None else vote_counts + vote_page
        truth = project([b.text for b in state.blocks], [b.source for b in state.blocks], page)
        for guessed, true in zip(state.labels, truth):
            truth_total[true] += 1
            guessed_total[guessed] += 1
            right[true] += guessed == true
    assert counts is not None and vote_counts is not None
    scores = counts.scores()
    vote_scores = vote_counts.scores()
    blocks = sum(truth_total.values())
    summary = {
        "gold": gold.name,
        "digest": gold.digest(),
        "pages": len(pages),
        "segmentation": SEGMENTATION,
        "panel": list(signatures),
        "cleanbench": __version__,
        "words_f1_macro": round(float(scores["f1"]), 4),
        "words_precision_macro": round(float(scores["precision"]), 4),
        "words_recall_macro": round(float(scores["recall"]), 4),
        "words_f1_micro": round(float(scores["micro_f1"]), 4),
        "vote_alone_words_f1_macro": round(float(vote_scores["f1"]), 4),
        "blocks": blocks,
        "block_accuracy": round(sum(right.values()) / blocks, 4),
        "per_label": {
            label: {"blocks": truth_total[label], "accuracy": round(right[label] / truth_total[label], 4), "guessed": guessed_total[label]}
            for label in LABELS
            if truth_total[label]
        },
    }
    rows = [(label, v["blocks"], v["guessed"], f"{v['accuracy']:.3f}") for label, v in summary["per_label"].items()]
    rows.append(("all blocks", blocks, blocks, f"{summary['block_accuracy']:.3f}"))
    print(f"{gold.name}: {len(pages)} pages; guessed gold text vs committed: words F1 {summary['words_f1_macro']:.3f} (macro), "
          f"{summary['words_f1_micro']:.3f} (micro); P {summary['words_precision_macro']:.3f}, R {summary['words_recall_macro']:.3f}; "
          f"the panel's vote alone: {summary['vote_alone_words_f1_macro']:.3f}")
    print(tabulate(rows, headers=("true label", "blocks", "guessed as it", "accuracy"), tablefmt="github", disable_numparse=True))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "annotate_guess.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

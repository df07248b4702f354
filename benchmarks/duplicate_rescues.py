"""Where does an injected duplicate copy RAISE an extractor's F1? Per duplicate variant, on a run over a
derived set (`cleanbench data inject ... --kinds duplicate`): the mean paired ΔF1 (copy minus clean),
and the pages the copy rescues, where the extractor keeps (almost) nothing of the original page (clean
F1 < 0.1) but the copy lifts it by more than 0.5: the copy is the gold paragraphs in plain markup, a
second chance for an extractor that misses the original container.

    .venv/bin/python benchmarks/duplicate_rescues.py RUN [--gold DERIVED] [-e trafilatura]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict

from cleanbench.gold.load import load_gold
from cleanbench.results import load_result, page_records

LOST, RESCUE = 0.1, 0.5  # clean F1 below LOST, and a gain above RESCUE: a page the copy rescued


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a run folder on a derived set")
    parser.add_argument("--gold", help="the derived set's spec (default: the one the run recorded, relative to where it ran)")
    parser.add_argument("-e", "--extractor", action="append", dest="extractors", help="rows to analyse (default: every installed row)")
    args = parser.parse_args()
    result = load_result(args.run)
    gold = load_gold(args.gold or result.gold.spec)
    variant = {page.id: page.meta["derived"]["variant"] for page in gold.annotations() if (page.meta.get("derived") or {}).get("kind") == "duplicate"}
    f1: dict[tuple[str, str], float] = {}
    for record in page_records(args.run):
        words = record["counts"].get("words")
        if words and words["pages"]:
            f1[record["extractor"], record["page_id"]] = words["f1_sum"]
    for name in args.extractors or [row.name for row in result.extractors if row.installed]:
        pairs = []  # (variant, clean F1, gain)
        for page_id, kind_variant in sorted(variant.items()):
            clean = page_id.rsplit(".", 1)[0] + ".clean"
            if (name, page_id) in f1 and (name, clean) in f1:
                pairs.append((kind_variant, f1[name, clean], f1[name, page_id] - f1[name, clean]))
        if not pairs:
            continue
        rescued = [pair for pair in pairs if pair[1] < LOST and pair[2] > RESCUE]
        others = [gain for pair in pairs if pair not in rescued for gain in [pair[2]]]
        print(f"{name}: {len(pairs)} pairs, mean ΔF1 {statistics.fmean(gain for _, _, gain in pairs):+.4f}; {len(rescued)} pages rescued "
              f"(clean F1 < {LOST}, gain > {RESCUE}); mean ΔF1 of the others {statistics.fmean(others) if others else float('nan'):+.4f}")
        by_variant: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for pair in pairs:
            by_variant[pair[0]].append(pair)
        for kind_variant, group in sorted(by_variant.items()):
            saved = sum(1 for pair in group if pair in rescued)
            print(f"  {kind_variant:10s} {len(group):5d} pages  mean ΔF1 {statistics.fmean(gain for _, _, gain in group):+.3f}  rescued {saved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

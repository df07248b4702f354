"""The text stage, measured: `everything|...` and `trafilatura|...` pipelines through every built-in
cleaner, on the bundled set, the bundled text pages and WCXB dev (README "Text stage").

    .venv/bin/python benchmarks/text_stage.py [--sets fixtures,fixtures-text,wcxb-dev] [--workers 2]

For each set: the leaderboard (words F1 with its interval, precision, recall, duplication, drops and
the share of gold words lost to them), what each cleaner lets through of each clutter label (sets with
noise spans), and each document filter's drop rate on pages that have main content (a non-empty gold
text). Predictions are cached as in any run; the run folders (result.json, every prediction) go to
runs/text-stage/<set>/, not committed. Writes benchmarks/results/text-stage.json (each row's values,
intervals and signature) and benchmarks/results/text-stage.md (the tables). `--render-only` rebuilds
both from the run folders.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
RUNS = REPO / "runs" / "text-stage"

SETS = {"fixtures": "fixtures", "fixtures-text": "fixtures-text", "wcxb-dev": f"wcxb:{DATA / 'wcxb-dev'}"}
CLEANERS = ("line-dedup", "boilerplate-lines", "refinedweb-lines", "justext-text", "c4-quality", "c4-paragraph", "gopher-repetition", "gopher-quality", "fineweb-quality")
DOCUMENT_FILTERS = ("c4-quality", "c4-paragraph", "gopher-repetition", "gopher-quality", "fineweb-quality")


def pipelines(gold_spec: str) -> list[str]:
    """The rows of a set: `everything` and (on HTML sets) `trafilatura`, each alone and before every cleaner."""
    firsts = ["everything"] if gold_spec == "fixtures-text" else ["everything", "trafilatura"]
    rows = []
    for first in firsts:
        rows += [first, *(f"{first}|{cleaner}" for cleaner in CLEANERS)]
    return [*rows, "everything|line-dedup|boilerplate-lines|c4-quality"]


def cell(estimate: dict | None, *, interval: bool = False) -> str:
    if not estimate or estimate.get("value") is None:
        return ""
    text = f"{estimate['value']:.3f}"
    if interval and estimate.get("low") is not None:
        text += f" [{estimate['low']:.3f}, {estimate['high']:.3f}]"
    return text


def tables(name: str, result: dict, predictions: Path, gold: object) -> str:
    rows = sorted(result["extractors"], key=lambda row: -(row["metrics"]["words"]["values"]["f1"]["value"] or 0))
    lines = [f"### {name} ({result['gold']['pages']} pages, gold digest {result['gold']['digest'][:12]})", ""]
    lines += ["| pipeline | words F1 | precision | recall | duplication | dropped | gold lost | failures |", "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        words = row["metrics"]["words"]["values"]
        drops = row.get("drops") or {}
        failures = sum(row.get("failures", {}).values())
        duplication = row["metrics"].get("duplication", {}).get("values", {}).get("value")
        lines.append(
            f"| `{row['name']}` | {cell(words['f1'], interval=True)} | {cell(words['precision'])} | {cell(words['recall'])} | {cell(duplication)} "
            f"| {drops.get('pages', 0)} | {drops.get('gold_words_share') or 0:.3f} | {failures or ''} |"
        )
    labels = [key.removeprefix("leak:") for key in rows[0]["metrics"] if key.startswith("leak:")]
    if labels:
        by_name = {row["name"]: row for row in rows}
        lines += ["", "What each cleaner lets through after `everything` (leak: share of a label's clutter 3-grams in the output; lower is better):", ""]
        lines += ["| pipeline | " + " | ".join(labels) + " | duplication |", "|---|" + "---|" * (len(labels) + 1)]
        for pipeline in ["everything", *(f"everything|{cleaner}" for cleaner in CLEANERS)]:
            row = by_name[pipeline]
            leaks = [cell(row["metrics"][f"leak:{label}"]["values"]["value"]) for label in labels]
            lines.append(f"| `{pipeline}` | " + " | ".join(leaks) + f" | {cell(row['metrics']['duplication']['values']['value'])} |")
    content = {page.id for page in gold.annotations() if page.gold_text and page.gold_text.strip()}  # type: ignore[attr-defined]
    dropped: dict[str, int] = {}
    for line in predictions.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("status") == "dropped" and record.get("page_id") in content:
            dropped[record["extractor"]] = dropped.get(record["extractor"], 0) + 1
    lines += ["", f"Document filters: pages with main content ({len(content)}) that each one drops:", ""]
    lines += ["| filter | after `everything` | after `trafilatura` |", "|---|---|---|"]
    for name_ in DOCUMENT_FILTERS:
        shares = []
        for first in ("everything", "trafilatura"):
            pipeline = f"{first}|{name_}"
            shares.append(f"{dropped.get(pipeline, 0)} ({dropped.get(pipeline, 0) / len(content):.1%})" if pipeline in {r["name"] for r in rows} else "")
        lines.append(f"| `{name_}` | {shares[0]} | {shares[1]} |")
    return "\n".join(lines) + "\n"


def compact(result: dict) -> dict:
    """A run's rows without slices or per-value signatures: values, intervals, drops, failures, signature."""
    rows = {}
    for row in result["extractors"]:
        rows[row["name"]] = {
            "signature": row["signature"],
            "drops": row.get("drops"),
            "failures": row.get("failures", {}),
            "metrics": {
                metric: {value: [estimate.get("value"), estimate.get("low"), estimate.get("high")] for value, estimate in scores["values"].items()}
                for metric, scores in row["metrics"].items()
            },
        }
    return {"gold": result["gold"], "cleanbench_version": result["cleanbench_version"], "created": result["created"], "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--render-only", action="store_true", help="re-render from runs/text-stage/<set>/ without running")
    args = parser.parse_args()
    from cleanbench.benchmark import benchmark
    from cleanbench.gold.load import load_gold
    from cleanbench.run.cache import PredictionCache
    from cleanbench.run.sandbox import Limits

    sections, summary = [], {}
    for name in args.sets.split(","):
        gold = load_gold(SETS[name])
        out = RUNS / name
        if not args.render_only:
            with PredictionCache() as cache:
                benchmark(gold, pipelines(SETS[name]), out=out, workers=args.workers, limits=Limits(), cache=cache, progress=True)
        raw = json.loads((out / "result.json").read_text(encoding="utf-8"))
        summary[name] = compact(raw)
        sections.append(tables(name, raw, out / "predictions.jsonl", gold))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "text-stage.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (RESULTS / "text-stage.md").write_text("\n".join(sections), encoding="utf-8")
    print("\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())

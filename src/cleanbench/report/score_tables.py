"""How `cleanbench score` shows scored predictions: one small table per metric, best first, each with its
signature; or everything (each value with its interval and signature, and the slices) as JSON."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from cleanbench.report.comparison import estimate_json, interval_text
from cleanbench.score.scoring import Scoring


def render_score_tables(scoring: Scoring) -> str:
    blocks = []
    level = f"{scoring.bootstrap.confidence * 100:g} %"
    for metric in scoring.metrics:
        rows = [row for row in scoring.extractors if row.metrics[metric.name].pages]
        if not rows:
            skipped = max(row.metrics[metric.name].skipped for row in scoring.extractors) if scoring.extractors else 0
            blocks.append(f"{metric.name}: no page has what it needs ({', '.join(metric.requires)}); {skipped} pages skipped\n")
            continue
        shown = [value.name for value in metric.values if value.aggregation != "micro" or metric.headline == value.name]
        headline = metric.headline

        def rank(row: Any, metric_name: str = metric.name, higher: bool = metric.higher_is_better, value_name: str = headline) -> tuple[bool, float]:
            value = row.metrics[metric_name].values[value_name].value
            return (value is None, -(value or 0.0) if higher else (value or 0.0))

        table = []
        for row in sorted(rows, key=rank):
            scores = row.metrics[metric.name]
            cells = [interval_text(scores.values[name]) for name in shown]
            table.append([row.name, *cells, scores.pages, scores.skipped, row.missing, sum(row.failures.values())])
        headers = ["extractor", *shown, "pages", "skipped", "missing", "failed"]
        direction = "higher is better" if metric.higher_is_better else "lower is better"
        lines = [f"{metric.name} ({direction}; {level} bootstrap intervals)", tabulate(table, headers=headers, tablefmt="simple", disable_numparse=True)]
        lines.append(f"signature: {scoring.signature(metric.name)}")
        blocks.append("\n".join(lines) + "\n")
    signed = [f"extractor: {row.signature}" for row in scoring.extractors if row.signature]
    blocks.append("\n".join([f"gold: {scoring.gold_name} sha256:{scoring.gold_digest} ({len(scoring.pages)} pages)", *signed]))
    return "\n".join(blocks)


def score_json(scoring: Scoring, *, spec: str) -> dict[str, Any]:
    rows = []
    for row in scoring.extractors:
        metrics = {}
        for name, scores in row.metrics.items():
            values = {value: {**estimate_json(estimate), "aggregation": estimate.aggregation, "signature": estimate.signature} for value, estimate in scores.values.items()}
            metrics[name] = {"higher_is_better": scores.higher_is_better, "pages": scores.pages, "skipped": scores.skipped, "signature": scores.signature, "values": values}
        slices = {
            kind: {
                group: {
                    name: {"pages": scores.pages, "skipped": scores.skipped, "values": {v: estimate_json(e) for v, e in scores.values.items()}}
                    for name, scores in by_metric.items()
                }
                for group, by_metric in groups.items()
            }
            for kind, groups in row.slices.items()
        }
        rows.append({"name": row.name, "signature": row.signature, "pages": row.pages, "missing": row.missing, "failures": dict(row.failures), "metrics": metrics, "slices": slices})
    bootstrap = scoring.bootstrap
    return {
        "gold": {"name": scoring.gold_name, "spec": spec, "digest": scoring.gold_digest, "pages": len(scoring.pages)},
        "bootstrap": {"resamples": bootstrap.resamples, "seed": bootstrap.seed, "confidence": bootstrap.confidence},
        "extractors": rows,
    }

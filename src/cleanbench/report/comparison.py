"""How `cleanbench compare` shows a comparison: a table of changes with their paired intervals and the
pages that moved most, or the same as JSON."""

from __future__ import annotations

import json
from typing import Any

from tabulate import tabulate

from cleanbench.compare import RunComparison
from cleanbench.results import Estimate


def render_comparison(comparison: RunComparison, *, fmt: str, before: str, after: str) -> str:
    """`fmt` "text" (a table, signature changes and rows on one side only) or "json"."""
    if fmt == "json":
        return json.dumps(comparison_json(comparison, before=before, after=after), ensure_ascii=False, indent=2)
    lines = [f"{extractor}: options or version changed: {old} -> {new}" for extractor, old, new in comparison.signature_changes]
    rows = []
    for change in comparison.changes:
        moved = ", ".join(f"{m.page_id} {m.change:+.3f}" for m in change.top_pages)
        rows.append(
            (
                change.extractor,
                change.key,
                fixed(change.before),
                fixed(change.after),
                interval_text(change.difference),
                "yes" if change.significant else "",
                change.pages_changed,
                moved,
            )
        )
    headers = ("extractor", "metric", "before", "after", "change [95% CI]", "significant", "pages changed", "pages that moved most")
    lines.append(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    lines += [f"{name}: only in {before}" for name in comparison.only_before]
    lines += [f"{name}: only in {after}" for name in comparison.only_after]
    return "\n".join(lines)


def comparison_json(comparison: RunComparison, *, before: str, after: str) -> dict[str, Any]:
    return {
        "before": before,
        "after": after,
        "signature_changes": [{"extractor": e, "before": a, "after": b} for e, a, b in comparison.signature_changes],
        "only_before": list(comparison.only_before),
        "only_after": list(comparison.only_after),
        "changes": [
            {
                "extractor": c.extractor,
                "key": c.key,
                "before": c.before,
                "after": c.after,
                "difference": estimate_json(c.difference),
                "significant": c.significant,
                "pages_changed": c.pages_changed,
                "top_pages": [{"page_id": m.page_id, "before": m.before, "after": m.after} for m in c.top_pages],
            }
            for c in comparison.changes
        ],
    }


def fixed(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def interval_text(estimate: Estimate) -> str:
    if estimate.value is None:
        return "-"
    if estimate.low is None or estimate.high is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


def estimate_json(estimate: Estimate) -> dict[str, float | None]:
    return {"value": estimate.value, "low": estimate.low, "high": estimate.high}

"""Robustness to injected clutter on a public gold set (issue 13): inject every clutter kind into AEB's
181 pages (one variant per page and kind, round-robin, seed 0), run extractors on the derived set, and
write the `cleanbench robustness` table and heatmap.

    .venv/bin/python benchmarks/robustness.py [--aeb ../shared/data/aeb] [-e trafilatura -e resiliparse -e justext]

With `--wcxb PATH`, the same on WCXB dev (14,949 derived pages; about 35 minutes for four extractors on
a 2-core machine). Writes benchmarks/results/robustness/aeb.md (the command lines, the table and the signature) and
aeb.png. Every number in them is measured by the run this script makes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "robustness"
DEFAULT_EXTRACTORS = ("trafilatura", "resiliparse", "justext", "everything")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aeb", default=str(ROOT.parent / "shared" / "data" / "aeb"))
    parser.add_argument("--wcxb", metavar="PATH", help="WCXB dev instead of AEB (no per-variant pass); writes wcxb-dev.md and .png")
    parser.add_argument("-e", "--extractor", action="append", dest="extractors")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    extractors = args.extractors or list(DEFAULT_EXTRACTORS)
    cli = [sys.executable, "-m", "cleanbench"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="robustness-") as scratch:
        spec, name = (f"wcxb:{args.wcxb}", "wcxb-dev") if args.wcxb else (f"aeb:{args.aeb}", "aeb")
        derived, run = Path(scratch) / f"{name}-injected", Path(scratch) / "run"
        inject = [*cli, "data", "inject", spec, "--kinds", "all", "--out", str(derived), "--seed", "0", "--workers", str(args.workers)]
        made = subprocess.run(inject, check=True, capture_output=True, text=True).stdout.strip().replace(str(derived), "DIR")
        start = time.perf_counter()
        command = [*cli, "run", "--gold", str(derived), "--out", str(run), "--no-progress", "--workers", str(args.workers)]
        for extractor in extractors:
            command += ["-e", extractor]
        subprocess.run(command, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        table = subprocess.run([*cli, "robustness", str(run), "--png", str(RESULTS / f"{name}.png")], check=True, capture_output=True, text=True).stdout
        if args.wcxb:
            (RESULTS / f"{name}.md").write_text("\n".join([
                "# Robustness to injected clutter: WCXB dev (1,497 pages), every kind", "",
                "Made by `benchmarks/robustness.py --wcxb PATH`:", "", "```",
                "cleanbench data inject wcxb:WCXB --kinds all --out DIR --seed 0",
                f"cleanbench run --gold DIR {' '.join('-e ' + extractor for extractor in extractors)}",
                f"cleanbench robustness RUN --png {name}.png", "```", "",
                f"inject: {made.splitlines()[0]}; run: {seconds:.0f} s on this machine.", "", table.strip(), ""]), encoding="utf-8")
            print(table)
            return 0
        # the duplicate kind again, every variant on every page: do the bundled set's findings (print,
        # noscript and AMP copies emitted twice) hold on real pages?
        variants, run_variants = Path(scratch) / "aeb-duplicates", Path(scratch) / "run-duplicates"
        subprocess.run([*inject[:6], "--kinds", "duplicate", "--out", str(variants), "--seed", "0", "--all-variants"], check=True, capture_output=True)
        again = [*command[:5], str(variants), "--out", str(run_variants), *command[8:]]
        subprocess.run(again, check=True, capture_output=True, text=True)
        by_variant = subprocess.run([*cli, "robustness", str(run_variants), "--by-variant", "--png", str(RESULTS / "aeb-duplicate-variants.png")],
                                    check=True, capture_output=True, text=True).stdout
    lines = [
        "# Robustness to injected clutter: AEB (181 pages), every kind",
        "",
        "Made by `benchmarks/robustness.py`:",
        "",
        "```",
        "cleanbench data inject aeb:AEB --kinds all --out DIR --seed 0",
        f"cleanbench run --gold DIR {' '.join('-e ' + extractor for extractor in extractors)}",
        "cleanbench robustness RUN --png aeb.png",
        "```",
        "",
        f"inject: {made.splitlines()[0]}; run: {seconds:.0f} s on this machine.",
        "",
        table.strip(),
        "",
        "## The duplicate kind, every variant on every page",
        "",
        "```",
        "cleanbench data inject aeb:AEB --kinds duplicate --all-variants --out DIR --seed 0",
        "cleanbench robustness RUN --by-variant --png aeb-duplicate-variants.png",
        "```",
        "",
        by_variant.strip(),
        "",
    ]
    (RESULTS / "aeb.md").write_text("\n".join(lines), encoding="utf-8")
    print(table)
    print(by_variant)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What cleanbench adds to a text cleaner: the `c4-quality` stage of `everything|c4-quality` over WCXB dev
(1 worker, the `everything` text taken from the cache) against a bare loop calling datatrove's
C4QualityFilter on the same texts in a process of its own (target: the stage at most 1.2 x the bare loop).

    .venv/bin/python benchmarks/cleaner_overhead.py [--gold wcxb:../shared/data/wcxb-dev] [--rounds 2]

Both sides build the filter once per language and give it the same texts, line breaks made "\\n" the
same way (`cleaners.datatrove.as_lines`), and both start from a fresh interpreter, so both pay for
importing datatrove and spaCy: the bare loop runs in a subprocess of its own, timed from outside, and
the stage's time is the runner's wall time (starting the worker, loading datatrove there, sending each
text over the pipe, the per-page clock). Rounds alternate the two sides; each side's best round is
compared. Results go to
benchmarks/results/cleaner_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def bare_loop(texts: list[tuple[str, str, str]]) -> dict[str, int]:
    """C4QualityFilter over (id, lang, text), built once per language: the verdicts."""
    from datatrove.data import Document
    from datatrove.pipeline.filters.c4_filters import C4QualityFilter

    from cleanbench.cleaners.datatrove import as_lines

    filters: dict[str, object] = {}
    verdicts = {"kept": 0, "dropped": 0, "error": 0}
    for page_id, lang, text in texts:
        try:
            if lang not in filters:
                filters[lang] = C4QualityFilter(language=lang)
            verdict = filters[lang].filter(Document(text=as_lines(text), id=page_id, metadata={"language": lang}))  # type: ignore[attr-defined]
        except (ImportError, ValueError, KeyError):
            verdicts["error"] += 1
            continue
        kept = verdict[0] if isinstance(verdict, tuple) else verdict
        verdicts["kept" if kept else "dropped"] += 1
    return verdicts


def timed_bare_loop(texts_file: Path) -> tuple[float, dict[str, int]]:
    """Seconds for `bare_loop` in a fresh interpreter (imports included), timed from outside, and its verdicts."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--bare", str(texts_file)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def stage_run(gold: object, cache_file: Path, scratch: Path) -> tuple[float, dict[str, int]]:
    """Seconds for `everything|c4-quality` with `everything` cached, 1 worker, and the statuses."""
    from cleanbench.run.cache import PredictionCache
    from cleanbench.run.runner import run

    copy = scratch / "cache-copy.sqlite3"
    shutil.copyfile(cache_file, copy)  # the upstream text only: c4-quality's own outputs never come from it
    with PredictionCache(copy) as cache:
        start = time.perf_counter()
        row = run(gold, ["everything|c4-quality"], workers=1, cache=cache, progress=False)["everything|c4-quality"]  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
    copy.unlink()
    assert row.from_cache == 0, "the c4-quality stage must run, not come from the cache"
    counts = row.counts()
    return seconds, {"kept": counts["ok"] + counts["empty"], "dropped": counts["dropped"], "error": counts["error"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=f"wcxb:{ROOT.parent / 'shared' / 'data' / 'wcxb-dev'}")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)  # the bare loop's own process
    args = parser.parse_args()
    if args.bare is not None:
        print(json.dumps(bare_loop([tuple(row) for row in json.loads(args.bare.read_text(encoding="utf-8"))])))
        return 0
    from cleanbench.gold.load import load_gold
    from cleanbench.run.cache import PredictionCache
    from cleanbench.run.runner import run

    gold = load_gold(args.gold)
    with tempfile.TemporaryDirectory(prefix="cleanbench-cleaner-") as folder:
        scratch = Path(folder)
        cache_file = scratch / "cache.sqlite3"
        with PredictionCache(cache_file) as cache:
            upstream = run(gold, ["everything"], workers=2, cache=cache, progress=False)["everything"]
        texts = [(p.page_id, p.lang or "en", p.text) for p in upstream.predictions if p.status == "ok"]
        texts_file = scratch / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        stage_times, bare_times = [], []
        for _ in range(args.rounds):
            seconds, stage_verdicts = stage_run(gold, cache_file, scratch)
            stage_times.append(seconds)
            seconds, bare_verdicts = timed_bare_loop(texts_file)
            bare_times.append(seconds)
    summary = {
        "gold": gold.name,
        "pages": len(gold),
        "texts": len(texts),
        "rounds": args.rounds,
        "stage_seconds": [round(s, 2) for s in stage_times],
        "bare_seconds": [round(s, 2) for s in bare_times],
        "ratio_best": round(min(stage_times) / min(bare_times), 3),
        "stage_verdicts": stage_verdicts,
        "bare_verdicts": bare_verdicts,
        "python": sys.version.split()[0],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cleaner_overhead.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))
    return 0 if summary["ratio_best"] <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())

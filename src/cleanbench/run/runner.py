"""`run(gold, rows, ...)`: every row (an extractor, or a pipeline `STAGE|STAGE|...`) over every page.

A row's prediction for a page comes from the output folder of an interrupted run (`out`), else from
the prediction cache, else from running its stages. Stages run level by level: every first stage of
every row, then every second stage, and so on, each distinct prefix once (`cleanbench.run.plan`); a
corpus-level cleaner is fitted in this process on its prefix's outputs before it runs. A page that
failed at a stage (error, timeout, crash, dropped, or empty) is not sent to the stages after it: the
row takes that outcome. Each prefix's outputs are cached (text, empty and dropped: the page's own
outcomes) and each row's predictions appended to the output folder as they complete. A page whose
last outcome in the output folder is a `crash` runs once more on each resume (its attempt counted).
A row whose library is missing gets its one-line "not installed" message instead of predictions; the
output folder's rows that this run did not ask for are kept as rows from an earlier run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleanbench.constants import ENGINES
from cleanbench.errors import RunError
from cleanbench.gold.load import GoldSet
from cleanbench.gold.rules import page_language, page_site
from cleanbench.prediction import STATUSES, Prediction
from cleanbench.run.cache import CachedOutcome, PredictionCache
from cleanbench.run.journal import Journal, Recorded
from cleanbench.run.plan import Output, Plan, Prefix, Row, make_plan
from cleanbench.run.progress import Progress
from cleanbench.run.sandbox import Job, Limits, Sandbox
from cleanbench.stages.base import PageInput

if TYPE_CHECKING:
    from cleanbench.run.ray_engine import RayEngine

CACHED = frozenset({"ok", "empty", "dropped"})  # a page's own outcomes (an error may be the environment's)


@dataclass(frozen=True)
class ExtractorPredictions:
    """One row's predictions over a gold set, in the set's page order.

    `resumed`, `from_cache` and `retried` count the pages taken from the output folder, taken from the
    cache, and run again after a crash. `earlier`: a row the output folder held from an earlier run
    (this run did not ask for it). `not_cached`: why its outputs are not cached, when they are not.
    """

    name: str
    signature: str
    version: str | None
    predictions: tuple[Prediction, ...]
    options: Mapping[str, object] = field(default_factory=dict)
    resumed: int = 0
    from_cache: int = 0
    retried: int = 0
    earlier: bool = False
    not_cached: str | None = None

    def counts(self) -> dict[str, int]:
        """Pages per status, every status listed (in `STATUSES` order)."""
        found = Counter(prediction.status for prediction in self.predictions)
        return {status: found[status] for status in STATUSES}


@dataclass(frozen=True)
class Predictions:
    """What a run produced: per row (in the order asked, then earlier rows), per page; the rows not
    installed; what isolated the workers (None when no page was extracted); and the engine that ran them."""

    gold_name: str
    gold_digest: str
    page_ids: tuple[str, ...]
    extractors: tuple[ExtractorPredictions, ...]
    not_installed: Mapping[str, str] = field(default_factory=dict)
    isolation: str | None = None
    engine: str = "local"

    def __getitem__(self, name: str) -> ExtractorPredictions:
        for extractor in self.extractors:
            if extractor.name == name:
                return extractor
        raise KeyError(name)


@dataclass(frozen=True)
class _PageFacts:
    """What every stage of a page is told beside its input: url, language (and its source), site."""

    url: str | None
    lang: str
    lang_source: str
    site: str | None


def run(
    gold: GoldSet,
    extractors: Sequence[str],
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    cache: PredictionCache | None = None,
    out: Path | None = None,
    progress: bool | None = None,
    cmd_versions: Mapping[str, str] | None = None,
    engine: str = "local",
    ray_address: str | None = None,
) -> Predictions:
    """Run each row spec (an extractor or a pipeline) over every page of `gold`.

    `workers` defaults to the CPUs available; `limits` bound each page (timeout, memory, output size,
    network). With `out`, predictions are appended to `out/predictions.jsonl` as they complete and a
    rerun resumes from it. `progress`: a bar on a terminal, a line every few seconds elsewhere (None:
    only on a terminal). `cmd_versions` names the version of `cmd:` stages whose code cannot be proved
    otherwise (by their spec, or their program's name). `engine`: where the pages run, `local` (a
    sandbox on this machine) or `ray` (the same sandbox in Ray tasks; `ray_address` None starts a Ray
    here, `auto` joins a running cluster). The result does not depend on `workers`, the engine or
    completion order.
    """
    _check_engine(engine, ray_address=ray_address)
    plan = make_plan(extractors, cmd_versions=cmd_versions or {})
    page_ids = gold.ids()
    digests = gold.page_digests()
    facts = _page_facts(gold)
    earlier: list[ExtractorPredictions] = []
    isolation = None
    with ExitStack() as stack:
        journal = None
        if out is not None:
            recorded = {row.name: Recorded(signature=row.signature, version=row.pipeline.version, options=row.pipeline.options) for row in plan.rows}
            journal = stack.enter_context(Journal.open(out, gold_name=gold.name, gold_digest=gold.digest(), page_ids=page_ids, extractors=recorded))
            for row in plan.rows:
                _resume(row, journal, page_ids=page_ids)
            earlier = _earlier_rows(journal, asked={row.name for row in plan.rows}, not_installed=plan.not_installed, page_ids=page_ids)
        total = len(plan.rows) * len(page_ids)
        meter = stack.enter_context(Progress(total=total, done=sum(len(row.found) for row in plan.rows), enabled=progress))
        execution = _Execution(plan, gold=gold, facts=facts, digests=digests, cache=cache, journal=journal, progress=meter)
        execution.want(page_ids)
        if any(prefix.want for prefix in plan.prefixes):
            sandbox = stack.enter_context(_open_engine(engine, workers=workers, limits=limits, ray_address=ray_address))
            execution.run(sandbox)
            isolation = sandbox.isolation
        if journal is not None:
            journal.finish(page_ids)

    rows = [
        ExtractorPredictions(
            name=row.name,
            signature=row.signature,
            version=row.pipeline.version,
            predictions=tuple(row.found[page_id] for page_id in page_ids),
            options=row.pipeline.options,
            resumed=row.resumed,
            from_cache=row.from_cache,
            retried=sum(1 for page_id in page_ids if row.attempts.get(page_id, 1) > 1),
            not_cached=row.not_cached,
        )
        for row in plan.rows
    ]
    return Predictions(
        gold_name=gold.name,
        gold_digest=gold.digest(),
        page_ids=tuple(page_ids),
        extractors=(*rows, *earlier),
        not_installed=plan.not_installed,
        isolation=isolation,
        engine=engine,
    )


class _Execution:
    """The level-by-level run of a plan's prefixes: wants, cache, fits, jobs, and rows' predictions."""

    def __init__(
        self,
        plan: Plan,
        *,
        gold: GoldSet,
        facts: Mapping[str, _PageFacts],
        digests: Mapping[str, str],
        cache: PredictionCache | None,
        journal: Journal | None,
        progress: Progress,
    ) -> None:
        self.plan = plan
        self.gold = gold
        self.facts = facts
        self.digests = digests
        self.cache = cache
        self.journal = journal
        self.progress = progress
        self.rows_of: dict[int, list[Row]] = {}
        for row in plan.rows:
            self.rows_of.setdefault(id(row.prefix), []).append(row)

    def want(self, page_ids: Sequence[str]) -> None:
        """What each prefix must produce: each row's missing pages, less what the cache already holds
        (deepest prefixes first, so a cached longer prefix spares the shorter ones)."""
        for row in self.plan.rows:
            row.prefix.want.update(page_id for page_id in page_ids if page_id not in row.found)
        for prefix in reversed(self.plan.prefixes):
            if prefix.want:
                self._take_from_cache(prefix)
            missing = {page_id for page_id in prefix.want if page_id not in prefix.outputs}
            if prefix.parent is not None:
                prefix.parent.want.update(page_ids if prefix.corpus else missing)  # a fit reads every page

    def run(self, sandbox: Sandbox | RayEngine) -> None:
        for depth in sorted({prefix.depth for prefix in self.plan.prefixes}):
            level = [prefix for prefix in self.plan.prefixes if prefix.depth == depth and prefix.want]
            for prefix in level:
                if prefix.corpus:
                    self._fit(prefix)
                self._take_from_cache(prefix)
            jobs: dict[int, tuple[Prefix, str]] = {}
            for outcome in sandbox.run(self._jobs(level, sandbox, jobs)):
                prefix, page_id = jobs.pop(outcome.key)
                parent = prefix.parent.outputs[page_id] if prefix.parent is not None else None
                seconds = (outcome.seconds or 0.0) + (parent.seconds or 0.0 if parent else 0.0)
                peak = max((p for p in (outcome.peak_rss_mb, parent.peak_rss_mb if parent else None) if p is not None), default=None)
                failed_at = prefix.stage_name if outcome.status != "ok" else None
                output = Output(outcome.status, outcome.text, outcome.error, round(seconds, 6), peak, failed_at)
                key = prefix.cache_key()
                if self.cache is not None and key is not None and outcome.cacheable and output.status in CACHED:
                    self.cache.put(key, digest=self.digests[page_id], outcome=_cached(output))
                self._record(prefix, page_id, output)

    def _take_from_cache(self, prefix: Prefix) -> None:
        key = prefix.cache_key()
        if self.cache is None or key is None:
            return
        wanted = [page_id for page_id in prefix.want if page_id not in prefix.outputs]
        hits = self.cache.get_many(key, digests=(self.digests[page_id] for page_id in wanted))
        for page_id in sorted(wanted):
            hit = hits.get(self.digests[page_id])
            if hit is not None:
                output = Output(hit.status, hit.text, hit.error, hit.seconds, hit.peak_rss_mb, prefix.stage_name if hit.status != "ok" else None)
                self._record(prefix, page_id, output, from_cache=True)

    def _fit(self, prefix: Prefix) -> None:
        """Fit a corpus cleaner on its input: every page's output of the prefix before it (or the pages)."""
        pages = [self._input(prefix, page_id) for page_id in self.gold.ids()]
        state = prefix.stage.fit([page for page in pages if page is not None])
        prefix.use_state(state)

    def _jobs(self, level: Sequence[Prefix], sandbox: Sandbox | RayEngine, jobs: dict[int, tuple[Prefix, str]]) -> Iterator[Job]:
        """The jobs of one level, page by page; pages whose input failed take its outcome instead."""
        for prefix in level:
            if prefix.sandbox_index is None:
                prefix.sandbox_index = sandbox.add_stage(prefix.stage_name, state=prefix.state)
        key = 0
        for page_id, html, text in self._sources(level):
            for prefix in level:
                if page_id not in prefix.want or page_id in prefix.outputs:
                    continue
                page = self._input(prefix, page_id, html=html, text=text)
                if page is None:
                    continue
                problem = _input_problem(prefix, page)
                if problem is not None:
                    self._record(prefix, page_id, Output("error", error=problem, failed_at=prefix.stage_name))
                    continue
                jobs[key] = (prefix, page_id)
                yield Job(key, prefix.sandbox_index or 0, page)
                key += 1

    def _sources(self, level: Sequence[Prefix]) -> Iterator[tuple[str, str | None, str | None]]:
        """(page id, html, text) of every page, read a batch of columns at a time, only where a first stage needs them."""
        if not any(prefix.parent is None for prefix in level):
            for page_id in self.gold.ids():
                yield page_id, None, None
            return
        for row in self.gold.rows(["id", "html", "text"], batch_size=32):
            yield row["id"], row["html"], row["text"]

    def _input(self, prefix: Prefix, page_id: str, *, html: str | None = None, text: str | None = None) -> PageInput | None:
        """What the prefix's last stage receives for a page; None when the page failed before it."""
        facts = self.facts[page_id]
        gold = self.gold.page(page_id) if getattr(prefix.stage, "reads_gold", False) else None
        if prefix.parent is None:
            if html is None and text is None:
                page = self.gold.page(page_id)
                html, text = page.html or None, page.text
            return PageInput(page_id, html=html, text=text, url=facts.url, lang=facts.lang, lang_source=facts.lang_source, site=facts.site, gold=gold)
        before = prefix.parent.outputs.get(page_id)
        if before is None:
            return None
        if before.status != "ok":
            self._record(prefix, page_id, before)
            return None
        return PageInput(page_id, text=before.text, url=facts.url, lang=facts.lang, lang_source=facts.lang_source, site=facts.site, gold=gold)

    def _record(self, prefix: Prefix, page_id: str, output: Output, *, from_cache: bool = False) -> None:
        """Keep a prefix's output; where it completes a row's page, that row's prediction is made."""
        prefix.outputs[page_id] = output
        for row in self.rows_of.get(id(prefix), []):
            if page_id in row.found or page_id not in row.prefix.want:
                continue
            facts = self.facts[page_id]
            error = output.error
            if output.failed_at is not None and len(row.pipeline.stages) > 1 and error is not None:
                error = f"{output.failed_at}: {error}"
            prediction = Prediction(
                page_id=page_id,
                extractor=row.name,
                status=output.status,
                text=output.text if output.status == "ok" else "",
                seconds=output.seconds,
                peak_rss_mb=output.peak_rss_mb,
                error=error,
                attempt=row.attempts.get(page_id, 1),
                lang=facts.lang,
                lang_source=facts.lang_source,
            )
            row.found[page_id] = prediction
            row.from_cache += from_cache
            if self.journal is not None:
                self.journal.append(prediction)
            self.progress.advance(prediction.status)


def _check_engine(engine: str, *, ray_address: str | None) -> None:
    """Refuse an unknown engine, a Ray address without the ray engine, and the ray engine without Ray."""
    if engine not in ENGINES:
        raise RunError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if ray_address is not None and engine != "ray":
        raise RunError("a Ray address needs the ray engine (--engine ray)")
    if engine == "ray":
        from cleanbench.run.ray_engine import require_ray

        require_ray()


def _open_engine(engine: str, *, workers: int | None, limits: Limits | None, ray_address: str | None) -> Sandbox | RayEngine:
    """Where the jobs run: a sandbox here, or Ray tasks each running one (`cleanbench.run.ray_engine`)."""
    if engine == "ray":
        from cleanbench.run.ray_engine import RayEngine

        return RayEngine(address=ray_address, workers=workers, limits=limits)
    return Sandbox(workers=workers, limits=limits)


def _input_problem(prefix: Prefix, page: PageInput) -> str | None:
    """Why a stage cannot take this input: a cleaner given an HTML page (it reads text)."""
    if getattr(prefix.stage, "consumes", "html") == "text" and page.text is None:
        return f"{prefix.stage_name} is a cleaner: it reads text, and this page is HTML (start the pipeline with an extractor: everything|{prefix.stage_name})"
    return None


def _page_facts(gold: GoldSet) -> dict[str, _PageFacts]:
    """Every page's url, language by DESIGN.md's rule (from the gold, else the page's declaration) and site."""
    import json

    facts: dict[str, _PageFacts] = {}
    for row in gold.rows(["id", "html", "url", "lang", "meta"]):
        language = page_language(lang=row["lang"], html=row["html"])
        site = page_site(meta=json.loads(row["meta"]) if row["meta"] else {}, url=row["url"])
        facts[row["id"]] = _PageFacts(url=row["url"], lang=language.tag, lang_source=language.source, site=site)
    return facts


def _resume(row: Row, journal: Journal, *, page_ids: Sequence[str]) -> None:
    """Take this row's finished pages from the output folder; a page that crashed runs once more."""
    for page_id in page_ids:
        resumed = journal.done.get((row.name, page_id))
        if resumed is None:
            continue
        if resumed.status == "crash":
            row.attempts[page_id] = resumed.attempt + 1
            continue
        row.found[page_id] = resumed
    row.resumed = len(row.found)


def _earlier_rows(journal: Journal, *, asked: set[str], not_installed: Mapping[str, str], page_ids: Sequence[str]) -> list[ExtractorPredictions]:
    """The output folder's rows this run did not ask for, as rows from an earlier run."""
    rows = []
    for name, recorded in journal.extractors.items():
        if name in asked or name in not_installed:
            continue
        predictions = tuple(journal.done[(name, page_id)] for page_id in page_ids if (name, page_id) in journal.done)
        rows.append(
            ExtractorPredictions(
                name=name,
                signature=recorded.signature,
                version=recorded.version,
                predictions=predictions,
                options=dict(recorded.options),
                resumed=len(predictions),
                earlier=True,
            )
        )
    return rows


def _cached(output: Output) -> CachedOutcome:
    return CachedOutcome(status=output.status, text=output.text, error=output.error, seconds=output.seconds, peak_rss_mb=output.peak_rss_mb)

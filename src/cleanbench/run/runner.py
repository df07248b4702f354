"""`run(gold, extractors, ...)`: every extractor over every page of a gold set, as `Predictions`.

A page's prediction comes, in this order, from the output folder of an interrupted run (`out`), from
the prediction cache (`cache`), or from the sandbox's workers. Each new prediction is appended to the
output folder as it completes and stored in the cache when its outcome is deterministic. An extractor
whose library is missing gets its one-line "not installed" message instead of predictions.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanbench.errors import NotInstalledError, RunError
from cleanbench.extractors.base import extractor_signature, extractor_version
from cleanbench.gold.load import GoldSet
from cleanbench.prediction import STATUSES, Prediction
from cleanbench.run.cache import CachedOutcome, PredictionCache
from cleanbench.run.journal import Journal
from cleanbench.run.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, Job, Outcome, Sandbox


@dataclass(frozen=True)
class ExtractorPredictions:
    """One extractor's predictions over a gold set, in the set's page order.

    `resumed` and `from_cache` count the pages taken from the output folder and from the cache.
    """

    name: str
    signature: str
    version: str | None
    predictions: tuple[Prediction, ...]
    options: Mapping[str, object] = field(default_factory=dict)
    resumed: int = 0
    from_cache: int = 0

    def counts(self) -> dict[str, int]:
        """Pages per status, every status listed (in `STATUSES` order)."""
        found = Counter(prediction.status for prediction in self.predictions)
        return {status: found[status] for status in STATUSES}


@dataclass(frozen=True)
class Predictions:
    """What a run produced: per extractor (in the order asked), per page; and the extractors not installed."""

    gold_name: str
    gold_digest: str
    page_ids: tuple[str, ...]
    extractors: tuple[ExtractorPredictions, ...]
    not_installed: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ExtractorPredictions:
        for extractor in self.extractors:
            if extractor.name == name:
                return extractor
        raise KeyError(name)


@dataclass
class _Plan:
    """An installed extractor of this run and the predictions gathered for it so far, by page id."""

    spec: str
    extractor: Any
    signature: str
    found: dict[str, Prediction] = field(default_factory=dict)
    resumed: int = 0
    from_cache: int = 0


def run(
    gold: GoldSet,
    extractors: Sequence[str],
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    cache: PredictionCache | None = None,
    out: Path | None = None,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    progress: bool | None = None,
) -> Predictions:
    """Run each extractor spec over every page of `gold`.

    `workers` defaults to the CPUs available; `timeout` is per page (seconds); `memory_mb` caps each
    worker's address space (None: no cap). With `out`, predictions are appended to
    `out/predictions.jsonl` as they complete and a rerun resumes from it. `progress`: a bar on stderr
    (None: only when stderr is a terminal). The result does not depend on `workers` or completion order.
    """
    plans, not_installed = _plans(extractors)
    page_ids = gold.ids()
    digests = gold.page_digests()
    with ExitStack() as stack:
        journal = None
        if out is not None:
            signatures = {plan.extractor.name: plan.signature for plan in plans}
            journal = stack.enter_context(
                Journal.open(out, gold_name=gold.name, gold_digest=gold.digest(), page_ids=page_ids, signatures=signatures)
            )
            for plan in plans:
                for page_id in page_ids:
                    resumed = journal.done.get((plan.extractor.name, page_id))
                    if resumed is not None:
                        plan.found[page_id] = resumed
                plan.resumed = len(plan.found)
        if cache is not None:
            for plan in plans:
                _take_from_cache(plan, cache, page_ids=page_ids, digests=digests, journal=journal)

        total = len(plans) * len(page_ids)
        done = sum(len(plan.found) for plan in plans)
        bar = stack.enter_context(_progress_bar(total=total, done=done, enabled=progress))
        if done < total:
            sandbox = stack.enter_context(
                Sandbox([plan.spec for plan in plans], workers=workers, timeout=timeout, memory_mb=memory_mb)
            )
            jobs: dict[int, tuple[_Plan, str]] = {}
            for outcome in sandbox.run(_jobs(gold, plans, jobs)):
                plan, page_id = jobs.pop(outcome.key)
                prediction = _prediction(outcome, page_id=page_id, extractor=plan.extractor.name)
                plan.found[page_id] = prediction
                if journal is not None:
                    journal.append(prediction)
                if cache is not None and outcome.cacheable:
                    cache.put(plan.signature, digest=digests[page_id], outcome=_cached(prediction))
                bar.update(1)
        if journal is not None:
            journal.finish(page_ids)

    return Predictions(
        gold_name=gold.name,
        gold_digest=gold.digest(),
        page_ids=tuple(page_ids),
        extractors=tuple(
            ExtractorPredictions(
                name=plan.extractor.name,
                signature=plan.signature,
                version=extractor_version(plan.extractor),
                predictions=tuple(plan.found[page_id] for page_id in page_ids),
                options=dict(getattr(plan.extractor, "options", {})),
                resumed=plan.resumed,
                from_cache=plan.from_cache,
            )
            for plan in plans
        ),
        not_installed=not_installed,
    )


def _plans(specs: Sequence[str]) -> tuple[list[_Plan], dict[str, str]]:
    """Resolve the specs: a plan per installed extractor, and the not-installed line of each other one."""
    from cleanbench.extractors.registry import resolve

    plans: list[_Plan] = []
    not_installed: dict[str, str] = {}
    for spec in specs:
        extractor = resolve(spec)
        if any(plan.extractor.name == extractor.name for plan in plans) or extractor.name in not_installed:
            raise RunError(f"extractor {extractor.name!r} is asked for twice")
        check = getattr(extractor, "check_installed", None)
        try:
            if check is not None:
                check()
        except NotInstalledError as error:
            not_installed[extractor.name] = str(error)
            continue
        plans.append(_Plan(spec=spec, extractor=extractor, signature=extractor_signature(extractor)))
    return plans, not_installed


def _take_from_cache(
    plan: _Plan, cache: PredictionCache, *, page_ids: Sequence[str], digests: Mapping[str, str], journal: Journal | None
) -> None:
    missing = [page_id for page_id in page_ids if page_id not in plan.found]
    hits = cache.get_many(plan.signature, digests=(digests[page_id] for page_id in missing))
    for page_id in missing:
        hit = hits.get(digests[page_id])
        if hit is None:
            continue
        prediction = Prediction(
            page_id=page_id,
            extractor=plan.extractor.name,
            status=hit.status,
            text=hit.text,
            seconds=hit.seconds,
            peak_rss_mb=hit.peak_rss_mb,
            error=hit.error,
        )
        plan.found[page_id] = prediction
        plan.from_cache += 1
        if journal is not None:
            journal.append(prediction)


def _jobs(gold: GoldSet, plans: Sequence[_Plan], jobs: dict[int, tuple[_Plan, str]]) -> Iterator[Job]:
    """A job per page still missing, in page order; `jobs` maps each job's key back to (plan, page id).

    Pages are read a batch of columns at a time (much cheaper than row by row); the whole `GoldPage` is
    read only for an extractor that takes it (`uses_gold`).
    """
    columns = gold.dataset.select_columns(["id", "html", "url", "lang"])
    page_index = 0
    for batch in columns.iter(batch_size=32):
        for page_id, html, url, lang in zip(batch["id"], batch["html"], batch["url"], batch["lang"]):
            for index, plan in enumerate(plans):
                if page_id in plan.found:
                    continue
                key = page_index * len(plans) + index
                jobs[key] = (plan, page_id)
                page = gold.page(page_id) if getattr(plan.extractor, "uses_gold", False) else None
                yield Job(key, index, html, url=url, lang=lang, page=page)
            page_index += 1


def _prediction(outcome: Outcome, *, page_id: str, extractor: str) -> Prediction:
    seconds = None if outcome.seconds is None else round(outcome.seconds, 6)
    return Prediction(
        page_id=page_id,
        extractor=extractor,
        status=outcome.status,
        text=outcome.text,
        seconds=seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        error=outcome.error,
    )


def _cached(prediction: Prediction) -> CachedOutcome:
    return CachedOutcome(
        status=prediction.status,
        text=prediction.text,
        error=prediction.error,
        seconds=prediction.seconds,
        peak_rss_mb=prediction.peak_rss_mb,
    )


def _progress_bar(*, total: int, done: int, enabled: bool | None) -> Any:
    from tqdm import tqdm

    show = sys.stderr.isatty() if enabled is None else enabled
    return tqdm(total=total, initial=done, disable=not show, file=sys.stderr, unit="page", desc="extract", dynamic_ncols=True)

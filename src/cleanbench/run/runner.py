"""`run(gold, extractors, ...)`: every extractor over every page of a gold set, as `Predictions`.

A page's prediction comes, in this order, from the output folder of an interrupted run (`out`), from
the prediction cache (`cache`), or from the sandbox's workers. Each new prediction is appended to the
output folder as it completes and stored in the cache when it is the page's own outcome (text or
empty). A page whose last outcome in the output folder is a `crash` is run once more on each resume
(its attempt counted). An extractor whose library is missing gets its one-line "not installed" message
instead of predictions; the output folder's extractors that this run did not ask for are kept and
returned as rows from an earlier run.
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
from cleanbench.extractors.base import (
    extractor_options,
    extractor_signature,
    extractor_version,
)
from cleanbench.gold.load import GoldSet
from cleanbench.prediction import STATUSES, Prediction
from cleanbench.run.cache import CachedOutcome, PredictionCache, stage_key
from cleanbench.run.code import code_digest
from cleanbench.run.journal import Journal, Recorded
from cleanbench.run.sandbox import Job, Limits, Outcome, Sandbox


@dataclass(frozen=True)
class ExtractorPredictions:
    """One extractor's predictions over a gold set, in the set's page order.

    `resumed`, `from_cache` and `retried` count the pages taken from the output folder, taken from the
    cache, and run again after a crash. `earlier`: a row the output folder held from an earlier run
    (this run did not ask for it). `cached`: why its outputs are not cached, when they are not.
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
    """What a run produced: per extractor (in the order asked, then earlier rows), per page; the
    extractors not installed; and what isolated the workers (None when no page was extracted)."""

    gold_name: str
    gold_digest: str
    page_ids: tuple[str, ...]
    extractors: tuple[ExtractorPredictions, ...]
    not_installed: Mapping[str, str] = field(default_factory=dict)
    isolation: str | None = None

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
    cache_key: str | None  # None: its code cannot be proved the same, so it is never cached
    not_cached: str | None = None
    found: dict[str, Prediction] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)  # page id -> attempt of the prediction to make
    resumed: int = 0
    from_cache: int = 0


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
) -> Predictions:
    """Run each extractor spec over every page of `gold`.

    `workers` defaults to the CPUs available; `limits` bound each page (timeout, memory, output size,
    network). With `out`, predictions are appended to `out/predictions.jsonl` as they complete and a
    rerun resumes from it. `progress`: a bar on stderr (None: only when stderr is a terminal).
    `cmd_versions` names the version of `cmd:` extractors whose code cannot be proved otherwise (by their
    spec, or by their program's name). The result does not depend on `workers` or completion order.
    """
    plans, not_installed = _plans(extractors, cmd_versions=cmd_versions or {})
    page_ids = gold.ids()
    digests = gold.page_digests()
    earlier: list[ExtractorPredictions] = []
    isolation = None
    with ExitStack() as stack:
        journal = None
        if out is not None:
            recorded = {plan.extractor.name: _recorded(plan) for plan in plans}
            journal = stack.enter_context(Journal.open(out, gold_name=gold.name, gold_digest=gold.digest(), page_ids=page_ids, extractors=recorded))
            for plan in plans:
                _resume(plan, journal, page_ids=page_ids)
            earlier = _earlier_rows(journal, asked={plan.extractor.name for plan in plans}, not_installed=not_installed, page_ids=page_ids)
        if cache is not None:
            for plan in plans:
                _take_from_cache(plan, cache, page_ids=page_ids, digests=digests, journal=journal)

        total = len(plans) * len(page_ids)
        done = sum(len(plan.found) for plan in plans)
        bar = stack.enter_context(_progress_bar(total=total, done=done, enabled=progress))
        if done < total:
            sandbox = stack.enter_context(Sandbox([plan.spec for plan in plans], workers=workers, limits=limits))
            jobs: dict[int, tuple[_Plan, str]] = {}
            for outcome in sandbox.run(_jobs(gold, plans, jobs)):
                plan, page_id = jobs.pop(outcome.key)
                prediction = _prediction(outcome, page_id=page_id, extractor=plan.extractor.name, attempt=plan.attempts.get(page_id, 1))
                plan.found[page_id] = prediction
                if journal is not None:
                    journal.append(prediction)
                if cache is not None and plan.cache_key is not None and outcome.cacheable:
                    cache.put(plan.cache_key, digest=digests[page_id], outcome=_cached(prediction))
                bar.update(1)
            isolation = sandbox.isolation
        if journal is not None:
            journal.finish(page_ids)

    rows = [
        ExtractorPredictions(
            name=plan.extractor.name,
            signature=plan.signature,
            version=extractor_version(plan.extractor),
            predictions=tuple(plan.found[page_id] for page_id in page_ids),
            options=extractor_options(plan.extractor),
            resumed=plan.resumed,
            from_cache=plan.from_cache,
            retried=sum(1 for page_id in page_ids if plan.attempts.get(page_id, 1) > 1),
            not_cached=plan.not_cached,
        )
        for plan in plans
    ]
    return Predictions(
        gold_name=gold.name,
        gold_digest=gold.digest(),
        page_ids=tuple(page_ids),
        extractors=(*rows, *earlier),
        not_installed=not_installed,
        isolation=isolation,
    )


def _plans(specs: Sequence[str], *, cmd_versions: Mapping[str, str]) -> tuple[list[_Plan], dict[str, str]]:
    """Resolve the specs: a plan per installed extractor, and the not-installed line of each other one."""
    from cleanbench.extractors.registry import resolve

    versions = _cmd_versions(specs, cmd_versions)
    plans: list[_Plan] = []
    not_installed: dict[str, str] = {}
    for spec in specs:
        extractor = resolve(spec, version=versions.get(spec))
        if any(plan.extractor.name == extractor.name for plan in plans) or extractor.name in not_installed:
            raise RunError(f"extractor {extractor.name!r} is asked for twice")
        check = getattr(extractor, "check_installed", None)
        try:
            if check is not None:
                check()
        except NotInstalledError as error:
            not_installed[extractor.name] = str(error)
            continue
        signature = extractor_signature(extractor)
        code = code_digest(extractor)
        reason = None
        if code is None:
            reason = (
                "its code cannot be proved the same from run to run (inline code); name its version with --cmd-version"
                if spec.startswith("cmd:")
                else "its code has no file to digest (defined in an interactive session?)"
            )
        plans.append(_Plan(spec=spec, extractor=extractor, signature=signature, cache_key=None if code is None else stage_key(signature, code), not_cached=reason))
    return plans, not_installed


def _cmd_versions(specs: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """`--cmd-version NAME=STRING` by spec: NAME is a `cmd:` spec of the run, or the name of the program of
    exactly one of them."""
    commands = [spec for spec in specs if spec.startswith("cmd:")]
    versions: dict[str, str] = {}
    for name, version in given.items():
        if name in commands:
            versions[name] = version
            continue
        matching = [spec for spec in commands if _program(spec) == name]
        if len(matching) != 1:
            found = "no cmd: extractor of this run" if not matching else f"{len(matching)} cmd: extractors of this run"
            raise RunError(f"--cmd-version {name}=...: {found} runs {name!r} (give the whole cmd: spec, or the program's name)")
        versions[matching[0]] = version
    return versions


def _program(spec: str) -> str | None:
    import shlex

    try:
        words = shlex.split(spec[len("cmd:") :])
    except ValueError:
        return None
    return Path(words[0]).name if words else None


def _recorded(plan: _Plan) -> Recorded:
    return Recorded(signature=plan.signature, version=extractor_version(plan.extractor), options=extractor_options(plan.extractor))


def _resume(plan: _Plan, journal: Journal, *, page_ids: Sequence[str]) -> None:
    """Take this extractor's finished pages from the output folder; a page that crashed runs once more."""
    for page_id in page_ids:
        resumed = journal.done.get((plan.extractor.name, page_id))
        if resumed is None:
            continue
        if resumed.status == "crash":
            plan.attempts[page_id] = resumed.attempt + 1
            continue
        plan.found[page_id] = resumed
    plan.resumed = len(plan.found)


def _earlier_rows(journal: Journal, *, asked: set[str], not_installed: Mapping[str, str], page_ids: Sequence[str]) -> list[ExtractorPredictions]:
    """The output folder's extractors this run did not ask for, as rows from an earlier run."""
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


def _take_from_cache(
    plan: _Plan, cache: PredictionCache, *, page_ids: Sequence[str], digests: Mapping[str, str], journal: Journal | None
) -> None:
    if plan.cache_key is None:
        return
    missing = [page_id for page_id in page_ids if page_id not in plan.found]
    hits = cache.get_many(plan.cache_key, digests=(digests[page_id] for page_id in missing))
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
            attempt=plan.attempts.get(page_id, 1),
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


def _prediction(outcome: Outcome, *, page_id: str, extractor: str, attempt: int) -> Prediction:
    seconds = None if outcome.seconds is None else round(outcome.seconds, 6)
    return Prediction(
        page_id=page_id,
        extractor=extractor,
        status=outcome.status,
        text=outcome.text,
        seconds=seconds,
        peak_rss_mb=outcome.peak_rss_mb,
        error=outcome.error,
        attempt=attempt,
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


"""Scoring predictions against a gold set: the library entry point behind `cleanbench score`.

Two steps, each usable alone:
- `count_pages`: one `PageRecord` per (gold page, extractor) with every metric's counts. A prediction
  whose status is not `ok` scores as empty text; a gold page with no prediction scores as empty text
  too, with status `missing`. Records round-trip through JSON (the sidecar of a run).
- `summarize`: per-extractor summaries from records alone: every value with its bootstrap interval,
  pages scored and skipped per metric, failures and missing pages, slices by page type, language and
  noise label (no estimate under `min_pages` pages), and signatures.

`score_predictions` runs both. Results depend on the pages and counts only, not on their order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from cleanbench.constants import DEFAULT_MIN_PAGES, SLICE_KINDS
from cleanbench.errors import MetricError, PredictionsError
from cleanbench.gold.load import GoldSet
from cleanbench.gold.rules import page_site
from cleanbench.gold.schema import GoldPage
from cleanbench.prediction import FAILURES, STATUSES, Prediction
from cleanbench.results import Comparison, Drops, MetricScores
from cleanbench.score.aggregate import estimate, paired_difference
from cleanbench.score.bootstrap import Bootstrap
from cleanbench.score.counts import Counts
from cleanbench.score.metrics import SCORE_DEFAULTS, Metric, expand_metrics, get_metric
from cleanbench.score.signature import Signature

MISSING = "missing"  # the status of a gold page that has no prediction


@dataclass(frozen=True)
class PageInfo:
    """What slicing needs to know of a gold page."""

    id: str
    page_type: str | None
    lang: str | None
    noise_labels: tuple[str, ...]
    site: str | None = None  # DESIGN.md's site rule
    cluster: str | None = None  # a derived page's source page (`meta.derived.source.page_id`): the bootstrap's unit

    @classmethod
    def of(cls, page: GoldPage) -> PageInfo:
        site = page_site(meta=page.meta, url=page.url)
        return cls(id=page.id, page_type=page.page_type, lang=page.lang, noise_labels=page.noise_labels(), site=site,
                   cluster=source_page(page.meta))

    def slice_values(self, kind: str) -> tuple[str, ...]:
        if kind == "noise":
            return self.noise_labels
        if kind == "lang":  # by language, not by regional variant: en-GB and en-US pages are English pages
            return (self.lang.replace("_", "-").split("-", 1)[0].lower(),) if self.lang else ()
        value = getattr(self, kind)
        return (value,) if value else ()


def source_page(meta: Mapping[str, Any]) -> str | None:
    """The id of the page a derived page was made from (`meta.derived.source.page_id`), else None."""
    derived = meta.get("derived") if isinstance(meta, Mapping) else None
    source = derived.get("source") if isinstance(derived, Mapping) else None
    page_id = source.get("page_id") if isinstance(source, Mapping) else None
    return page_id if isinstance(page_id, str) else None


def clusters_of(pages: Iterable[PageInfo]) -> dict[str, str] | None:
    """Page id -> source page for the derived pages of a set; None when no page is derived (plain bootstrap)."""
    found = {page.id: page.cluster for page in pages if page.cluster is not None}
    return found or None


@dataclass(frozen=True)
class PageRecord:
    """One extractor on one page: its status and time, and each metric's counts (None: page skipped)."""

    page_id: str
    extractor: str
    status: str  # a Prediction status, or "missing"
    seconds: float | None
    counts: Mapping[str, Counts | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "page_id": self.page_id,
            "extractor": self.extractor,
            "status": self.status,
            "seconds": self.seconds,
            "counts": {name: None if counts is None else counts.to_json() for name, counts in self.counts.items()},
        }

    @classmethod
    def from_json(cls, raw: Any, *, where: str) -> PageRecord:
        """Rebuild from `to_json()`'s form; errors name `where` ("pages.jsonl:12") and the field."""
        if not isinstance(raw, Mapping):
            raise MetricError(f"{where}: expected a page record object, got {type(raw).__name__}")
        for name in ("page_id", "extractor", "status"):
            if not isinstance(raw.get(name), str):
                raise MetricError(f"{where}: field {name!r}: expected a string")
        if raw["status"] not in (*STATUSES, MISSING):
            raise MetricError(f"{where}: field 'status': {raw['status']!r} is not one of {', '.join((*STATUSES, MISSING))}")
        seconds = raw.get("seconds")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))):
            raise MetricError(f"{where}: field 'seconds': expected a number or null")
        stored = raw.get("counts")
        if not isinstance(stored, Mapping):
            raise MetricError(f"{where}: field 'counts': expected an object {{metric: counts}}")
        counts: dict[str, Counts | None] = {}
        for name, value in stored.items():
            metric = get_metric(name)
            counts[name] = None if value is None else metric.counts_from_json(value, where=f"{where}: counts {name!r}")
        return cls(page_id=raw["page_id"], extractor=raw["extractor"], status=raw["status"], seconds=seconds, counts=counts)


@dataclass(frozen=True)
class ExtractorScores:
    """One extractor's summary: the same fields a `RunResult` row holds for its scores."""

    name: str
    signature: str | None  # name@version{options}, where known
    pages: int  # gold pages
    missing: int  # gold pages with no prediction (scored as empty)
    failures: Mapping[str, int]  # failed status (empty, error, timeout, crash) -> pages (scored as empty)
    metrics: Mapping[str, MetricScores]
    # slice kind ("page_type", "lang", "noise", "site") -> slice value -> metric -> scores
    slices: Mapping[str, Mapping[str, Mapping[str, MetricScores]]] = field(default_factory=dict)
    drops: Drops | None = None  # pages a cleaner dropped (scored as empty, not failures); None: none dropped


@dataclass(frozen=True)
class Scoring:
    """Everything `score_predictions` computed, with what is needed to recompute or compare."""

    gold_name: str
    gold_digest: str | None
    pages: tuple[PageInfo, ...]
    metrics: tuple[Metric, ...]
    bootstrap: Bootstrap
    records: tuple[PageRecord, ...]
    extractors: tuple[ExtractorScores, ...]

    @cached_property
    def clusters(self) -> dict[str, str] | None:
        """Page id -> source page for a derived set (the bootstrap's unit), else None; computed once."""
        return clusters_of(self.pages)

    def extractor(self, name: str) -> ExtractorScores:
        for row in self.extractors:
            if row.name == name:
                return row
        raise MetricError(f"no scores for extractor {name!r} (scored: {', '.join(r.name for r in self.extractors)})")

    def signature(self, metric: str, value: str | None = None, *, extractor: str | None = None) -> Signature:
        """The signature of one value of one metric (for one extractor, when given)."""
        found = next((m for m in self.metrics if m.name == metric), None)
        if found is None:
            raise MetricError(f"metric {metric!r} was not scored (scored: {', '.join(m.name for m in self.metrics)})")
        ext_signature = self.extractor(extractor).signature if extractor is not None else None
        return found.signature(value, bootstrap=self.bootstrap, gold_digest=self.gold_digest, extractor=ext_signature,
                               clustered=self.clusters is not None)

    def compare(self, a: str, b: str, *, metric: str, value: str | None = None) -> Comparison:
        """Paired bootstrap of a minus b on `metric`'s value (its headline by default); tied when the interval holds 0."""
        found = next((m for m in self.metrics if m.name == metric), None)
        if found is None:
            raise MetricError(f"metric {metric!r} was not scored (scored: {', '.join(m.name for m in self.metrics)})")
        for extractor in (a, b):
            self.extractor(extractor)  # raises on an unknown name
        name = value or found.values[0].name
        by_extractor = _counts_by_extractor(self.records, found.name)
        difference = paired_difference(by_extractor.get(a, {}), by_extractor.get(b, {}), found.counts_type, value=name,
                                       bootstrap=self.bootstrap, clusters=self.clusters)
        return Comparison(a=a, b=b, key=f"{metric}.{name}", difference=difference.estimate, tied=bool(difference.tied))


def score_predictions(
    predictions: Iterable[Prediction],
    gold: GoldSet | Sequence[GoldPage],
    *,
    metrics: Sequence[str | Metric] = SCORE_DEFAULTS,
    bootstrap: Bootstrap | None = None,
    min_pages: int = DEFAULT_MIN_PAGES,
    slice_by: Sequence[str] = SLICE_KINDS,
    extractor_signatures: Mapping[str, str] | None = None,
) -> Scoring:
    """Score predictions against a gold set: per-page records and per-extractor summaries."""
    chosen = _metrics(metrics)
    bootstrap = bootstrap or Bootstrap()
    pages = _pages(gold)
    records = count_pages(predictions, pages, metrics=chosen)
    infos = tuple(PageInfo.of(page) for page in pages)
    digest = gold.digest() if isinstance(gold, GoldSet) else None
    summaries = summarize(
        records,
        infos,
        metrics=chosen,
        bootstrap=bootstrap,
        min_pages=min_pages,
        slice_by=slice_by,
        gold_digest=digest,
        extractor_signatures=extractor_signatures,
    )
    name = gold.name if isinstance(gold, GoldSet) else "pages"
    return Scoring(name, digest, infos, tuple(chosen), bootstrap, tuple(records), summaries)


def count_pages(predictions: Iterable[Prediction], pages: Sequence[GoldPage], *, metrics: Sequence[Metric]) -> list[PageRecord]:
    """One record per (gold page, extractor), extractors in order of first appearance."""
    by_extractor: dict[str, dict[str, Prediction]] = {}
    for prediction in predictions:
        own = by_extractor.setdefault(prediction.extractor, {})
        if prediction.page_id in own:
            raise PredictionsError(f"{prediction.extractor}: two predictions for page {prediction.page_id!r}")
        own[prediction.page_id] = prediction
    known = {page.id for page in pages}
    for name, own in by_extractor.items():
        unknown = sorted(own.keys() - known)
        if unknown:
            raise PredictionsError(f"{name}: {len(unknown)} predictions name pages the gold set lacks, e.g. {unknown[0]!r} (wrong --gold?)")
    records = []
    for page in pages:
        for name, own in by_extractor.items():
            prediction = own.get(page.id)
            text = prediction.scored_text if prediction else ""
            counts = {metric.name: metric.page_counts(text, page) for metric in metrics}
            records.append(
                PageRecord(
                    page_id=page.id,
                    extractor=name,
                    status=prediction.status if prediction else MISSING,
                    seconds=prediction.seconds if prediction else None,
                    counts=counts,
                )
            )
    return records


def summarize(
    records: Iterable[PageRecord],
    pages: Sequence[PageInfo],
    *,
    metrics: Sequence[str | Metric],
    bootstrap: Bootstrap | None = None,
    min_pages: int = DEFAULT_MIN_PAGES,
    slice_by: Sequence[str] = SLICE_KINDS,
    gold_digest: str | None = None,
    extractor_signatures: Mapping[str, str] | None = None,
) -> tuple[ExtractorScores, ...]:
    """Per-extractor summaries computed from per-page records alone."""
    chosen = _metrics(metrics)
    bootstrap = bootstrap or Bootstrap()
    unknown_kinds = [kind for kind in slice_by if kind not in SLICE_KINDS]
    if unknown_kinds:
        raise MetricError(f"unknown slice kind {unknown_kinds[0]!r} (kinds: {', '.join(SLICE_KINDS)})")
    signatures = extractor_signatures or {}
    rows: dict[str, list[PageRecord]] = {}
    for record in records:
        rows.setdefault(record.extractor, []).append(record)
    groups = {kind: _groups(pages, kind) for kind in slice_by}
    clusters = clusters_of(pages)
    summaries = []
    for name, own in rows.items():
        statuses = Counter(record.status for record in own)
        every_page = [record.page_id for record in own]
        by_metric = [(metric, _counts(own, metric.name)) for metric in chosen]
        signed = {
            metric.name: {
                value.name: str(metric.signature(value.name, bootstrap=bootstrap, gold_digest=gold_digest, extractor=signatures.get(name),
                                                 clustered=clusters is not None))
                for value in metric.values
            }
            for metric in chosen
        }
        summaries.append(
            ExtractorScores(
                name=name,
                signature=signatures.get(name),
                pages=len(own),
                missing=statuses[MISSING],
                failures={status: statuses[status] for status in FAILURES if statuses[status]},
                drops=_drops(own),
                metrics={
                    metric.name: _scores(metric, counts, every_page, signature=signed[metric.name], bootstrap=bootstrap, min_pages=1, clusters=clusters)
                    for metric, counts in by_metric
                },
                slices={
                    kind: {
                        value: {
                            metric.name: _scores(metric, counts, ids, signature=signed[metric.name], bootstrap=bootstrap, min_pages=min_pages, sign_values=False,
                                           clusters=clusters)
                            for metric, counts in by_metric
                        }
                        for value, ids in values.items()
                        if len(ids) >= min_pages  # a smaller slice has no estimate: left out, not stored blank
                    }
                    for kind, values in groups.items()
                },
            )
        )
    return tuple(summaries)


def _drops(records: Sequence[PageRecord]) -> Drops | None:
    """Pages dropped, and the share of all gold words (the `words` metric's gold tokens) they held."""
    dropped = [record for record in records if record.status == "dropped"]
    if not dropped:
        return None
    gold = {record.page_id: getattr(record.counts.get("words"), "gold", None) for record in records}
    total = sum(count for count in gold.values() if count)
    lost = sum(gold[record.page_id] or 0 for record in dropped)
    return Drops(pages=len(dropped), gold_words_share=lost / total if total else None)


def _scores(
    metric: Metric,
    counts: Mapping[str, Counts],
    page_ids: Sequence[str],
    *,
    signature: Mapping[str, str],
    bootstrap: Bootstrap,
    min_pages: int,
    sign_values: bool = True,
    clusters: Mapping[str, str] | None = None,
) -> MetricScores:
    """One metric over some pages: its values (none under `min_pages` scored pages), each with its
    aggregation and (`sign_values`) signature, and the pages scored and skipped. A slice's values are
    not signed one by one: the metric's signature says how they were made, and a result holds a slice
    for every page type, language, label and site (signing each value took a bundled run's result.json
    from 2 MB to 50 MB)."""
    scored = {page: counts[page] for page in page_ids if page in counts}
    found = estimate(scored, metric.counts_type, bootstrap=bootstrap, min_pages=min_pages, clusters=clusters)
    return MetricScores(
        metric=metric.name,
        higher_is_better=metric.higher_is_better,
        signature=signature[metric.headline],
        values={
            value.name: replace(found[value.name], aggregation=value.aggregation, signature=signature[value.name] if sign_values else None)
            for value in metric.values
        },
        pages=len(scored),
        skipped=len(page_ids) - len(scored),
    )


def _metrics(metrics: Sequence[str | Metric]) -> list[Metric]:
    """Metric objects for names (`leak:*` expands) or objects, in order, without repeats."""
    chosen: list[Metric] = []
    for metric in metrics:
        chosen.extend(expand_metrics([metric]) if isinstance(metric, str) else [metric])
    if not chosen:
        raise MetricError("no metric given")
    return list({metric.name: metric for metric in chosen}.values())


def _pages(gold: GoldSet | Sequence[GoldPage]) -> list[GoldPage]:
    """The gold pages; without their HTML when read from a GoldSet (scoring never needs it)."""
    return list(gold.annotations()) if isinstance(gold, GoldSet) else list(gold)


def _groups(pages: Sequence[PageInfo], kind: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for page in pages:
        for value in page.slice_values(kind):
            groups.setdefault(value, []).append(page.id)
    return dict(sorted(groups.items()))


def _counts(records: Iterable[PageRecord], metric: str) -> dict[str, Counts]:
    found: dict[str, Counts] = {}
    for record in records:
        counts = record.counts.get(metric)
        if counts is not None:
            found[record.page_id] = counts
    return found


def _counts_by_extractor(records: Iterable[PageRecord], metric: str) -> dict[str, dict[str, Counts]]:
    found: dict[str, dict[str, Counts]] = {}
    for record in records:
        counts = record.counts.get(metric)
        if counts is not None:
            found.setdefault(record.extractor, {})[record.page_id] = counts
    return found


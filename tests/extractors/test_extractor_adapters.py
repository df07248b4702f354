"""Every built-in adapter on real fixture pages, the baselines, options and recorded versions."""

from __future__ import annotations

import importlib.metadata
import inspect
import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from cleanbench.errors import ExtractorError
from cleanbench.extractors.justext import STOPLISTS, stoplist_for
from cleanbench.gold.schema import GoldPage, fold_whitespace
from cleanbench.gold.visible import visible_text
from cleanbench.stages.base import PageInput, options_text
from cleanbench.stages.base import Stage as Extractor
from cleanbench.stages.base import stage_signature as extractor_signature
from cleanbench.stages.base import stage_version as extractor_version
from cleanbench.stages.registry import EXTRACTORS as BUILTINS
from cleanbench.stages.registry import resolve

Get = Callable[[str], Extractor]
Page = Callable[[str], GoldPage]
CONSTRAINTS = Path(__file__).resolve().parents[2] / "constraints.txt"
BASELINES = ("everything", "nothing", "gold")
TOOLS = tuple(name for name in BUILTINS if name not in BASELINES)
PAGES = ("news-en-01", "docs-en-01")


def run(extractor: Extractor, page: GoldPage) -> str:
    """The stage contract, as the runner calls it: the page (with its gold for a stage that reads it)."""
    output = extractor.process(PageInput.of(page, reads_gold=getattr(extractor, "reads_gold", False)))
    assert isinstance(output, str)
    return output


@pytest.mark.parametrize("page_id", PAGES)
@pytest.mark.parametrize("name", TOOLS)
def test_adapter_keeps_a_with_snippet(adapter: Get, name: str, page_id: str, fixture_page: Page) -> None:
    # Every tool, main-content or full-page, keeps at least one `with` snippet of these two English pages.
    page = fixture_page(page_id)
    text = run(adapter(name), page)
    assert text.strip(), f"{name} returned no text on {page_id}"
    folded = fold_whitespace(text)
    assert any(fold_whitespace(snippet) in folded for snippet in page.with_snippets), f"{name} on {page_id}: no `with` snippet"


@pytest.mark.parametrize("page_id", PAGES)
def test_everything_is_the_visible_text(adapter: Get, page_id: str, fixture_page: Page) -> None:
    page = fixture_page(page_id)
    assert run(adapter("everything"), page) == visible_text(page.html)


@pytest.mark.parametrize("page_id", PAGES)
def test_nothing_is_empty(adapter: Get, page_id: str, fixture_page: Page) -> None:
    assert run(adapter("nothing"), fixture_page(page_id)) == ""


@pytest.mark.parametrize("page_id", PAGES)
def test_gold_returns_the_gold_text(adapter: Get, page_id: str, fixture_page: Page) -> None:
    page = fixture_page(page_id)
    assert page.gold_text
    assert run(adapter("gold"), page) == page.gold_text


def test_gold_without_gold_text_joins_the_with_snippets(adapter: Get) -> None:
    page = GoldPage.from_record({"id": "p", "html": "<p>x</p>", "with": ["first kept", "second kept"]})
    assert run(adapter("gold"), page) == "first kept\n\nsecond kept"


def test_gold_refuses_a_page_without_its_gold(adapter: Get) -> None:
    with pytest.raises(ExtractorError, match="needs the gold page"):
        adapter("gold").process(PageInput("p", html="<p>some page</p>"))  # type: ignore[attr-defined]


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        name, _, pinned = line.partition("==")
        pins[re.sub(r"[-_.]+", "-", name).lower()] = pinned.strip()
    return pins


@pytest.mark.pinned
@pytest.mark.parametrize("name", [name for name in TOOLS if name != "readability-js"])
def test_version_is_the_installed_distribution_pinned_in_constraints(adapter: Get, name: str) -> None:
    extractor = adapter(name)
    assert extractor.package is not None
    installed = importlib.metadata.version(extractor.package)
    assert extractor_version(extractor) == installed
    assert _pins()[re.sub(r"[-_.]+", "-", extractor.package).lower()] == installed
    note = f"({extractor.note})" if getattr(extractor, "note", "") else ""
    assert extractor_signature(extractor) == f"{name}@{installed}{options_text(extractor.options)}{note}"


@pytest.mark.parametrize("name", BASELINES)
def test_baselines_carry_cleanbench_version(name: str) -> None:
    from cleanbench import __version__

    assert extractor_signature(resolve(name)) == f"{name}@{__version__}{{}}"


@pytest.mark.parametrize("name", ["trafilatura", "trafilatura-fast", "trafilatura-precision", "trafilatura-recall"])
def test_trafilatura_passes_exactly_its_options(adapter: Get, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = adapter(name)
    extractor.extract("<html><body><p>load</p></body></html>")  # loads the library once
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(extractor, "_tool", lambda html, **kwargs: calls.append(kwargs))
    assert extractor.extract("<html><body><p>x</p></body></html>", url="https://example.org/a") == ""
    assert calls == [{"url": "https://example.org/a", **extractor.options}]


@pytest.mark.parametrize("name", ["trafilatura", "trafilatura-fast", "trafilatura-precision", "trafilatura-recall"])
def test_trafilatura_names_every_option_as_a_parameter(adapter: Get, name: str) -> None:
    # trafilatura 1.x took `fast` into **kwargs and ignored it: trafilatura-fast ran with its fallbacks.
    extractor = adapter(name)
    extractor.extract("<html><body><p>load</p></body></html>")
    parameters = inspect.signature(extractor._tool).parameters  # type: ignore[attr-defined]
    assert [key for key in extractor.options if key not in parameters] == []


def test_trafilatura_options_table() -> None:
    # trafilatura's own benchmark settings, and one switch per variant.
    base = {
        "fast": False, "favor_precision": False, "favor_recall": False, "include_comments": False, "include_tables": True,
        "include_formatting": False, "include_links": False, "include_images": False, "deduplicate": False,
    }
    assert resolve("trafilatura").options == base
    assert resolve("trafilatura-fast").options == {**base, "fast": True}
    assert resolve("trafilatura-precision").options == {**base, "favor_precision": True}
    assert resolve("trafilatura-recall").options == {**base, "favor_recall": True}


@pytest.mark.parametrize(
    ("lang", "stoplist"),
    [
        ("de", "German"),
        ("pt-BR", "Portuguese"),
        ("EN_us", "English"),
        ("nb", "Norwegian_Bokmal"),
        ("be-tarask", "Belarusian_Taraskievica"),
        ("be", "Belarusian"),
        ("zh-CN", "English"),  # jusText has no Chinese list
        ("ja", "English"),
        ("", "English"),
        (None, "English"),
    ],
)
def test_justext_stoplist_for(lang: str | None, stoplist: str) -> None:
    assert stoplist_for(lang) == stoplist


def test_justext_stoplist_table_names_real_stoplists() -> None:
    justext = pytest.importorskip("justext")
    assert set(STOPLISTS.values()) <= justext.get_stoplists()


@pytest.mark.parametrize("page_id", ["news-de-01", "news-fr-01", "forum-ru-01"])
def test_justext_uses_the_page_language(adapter: Get, page_id: str, fixture_page: Page) -> None:
    # With the English list jusText keeps nothing of these pages; with their own it keeps the article.
    # (Without the gold lang the page's own <html lang> is used: take it out to get the English list.)
    extractor = adapter("justext")
    page = fixture_page(page_id)
    assert extractor.extract(re.sub(r"(<html\b[^>]*?)\slang=\"[^\"]*\"", r"\1", page.html, count=1)) == ""
    text = fold_whitespace(run(extractor, page))
    assert any(fold_whitespace(snippet) in text for snippet in page.with_snippets)


@pytest.mark.extras
def test_newspaper4k_keeps_text_past_100000_characters(adapter: Get) -> None:
    paragraph = "<p>" + "The council met again on Tuesday and approved the new budget for the schools. " * 5 + "</p>\n"
    html = f"<html><head><title>Budget</title></head><body><article>{paragraph * 400}</article></body></html>"
    text = adapter("newspaper4k").extract(html)
    assert len(text) > 150_000  # newspaper's default cut is 100,000 characters


@pytest.mark.extras
def test_newspaper4k_missing_nltk_data_is_one_line(adapter: Get, monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = adapter("newspaper4k")
    extractor.extract("<html><body><p>load</p></body></html>")
    banner = "\n" + "*" * 70 + "\n  Resource \x1b[93mpunkt_tab\x1b[0m not found.\n  Please use the NLTK Downloader\n" + "*" * 70
    banner = banner.replace("\x1b[93m", "'").replace("\x1b[0m", "'")

    def parse(self: object) -> None:
        raise LookupError(banner)

    monkeypatch.setattr(extractor._tool, "parse", parse)  # type: ignore[attr-defined]
    with pytest.raises(ExtractorError) as raised:
        extractor.extract("<html><body><p>text</p></body></html>")
    assert str(raised.value) == (
        "newspaper4k: NLTK punkt_tab not found (its tokenizer for this page's language needs it: python -m nltk.downloader punkt_tab)"
    )


@pytest.mark.extras
def test_goose3_keeps_one_instance_and_pickling_drops_it(adapter: Get, fixture_page: Page) -> None:
    extractor = adapter("goose3")
    page = fixture_page("news-en-01")
    extractor.extract(page.html)
    goose = extractor._tool  # type: ignore[attr-defined]
    extractor.extract(page.html)
    assert extractor._tool is goose  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(extractor))
    assert copy._tool is None and not copy._loaded
    assert run(copy, page) == run(extractor, page)

"""The built-in cleaners on hand-made texts (each expected output follows from the cleaner's published
rules, cited in its module) and on the seed page (../shared/seed/example-page.txt: the body twice, ticket
ads glued to body lines, related teasers, a comment counter)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cleanbench.errors import ExtractorError
from cleanbench.stages.base import Drop, PageInput
from cleanbench.stages.registry import CLEANERS, resolve

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "example-page.txt"
needs_datatrove = pytest.mark.skipif(importlib.util.find_spec("datatrove") is None, reason="datatrove is not installed: pip install 'cleanbench[text]'")
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the seed page is not here ({SEED}); it ships with ../shared")

# Five sentences of our own, one per line, each ending in a full stop: passes every document filter.
PROSE = (
    "The harbour committee met on Tuesday to discuss the new ferry timetable.\n"
    "Several members argued that the early crossing should run all year.\n"
    "Others worried that the cost of fuel would rise again before the summer.\n"
    "In the end they agreed to try the plan for six months and then review it.\n"
    "The first boats under the new schedule will leave the pier in March."
)


def clean(name: str, text: str, *, lang: str = "en", site: str | None = None) -> str | Drop:
    stage = resolve(name)
    stage.prepare()
    return stage.process(PageInput("page", text=text, lang=lang, site=site))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # CCNet's dedup form: lower case, digits to 0; the second blank line is a repeat too.
        ("line-dedup", "Alpha line one.\nBeta 12 line.\nalpha LINE one.\nBeta 34 line.\n\nGamma.\n\nGamma", "Alpha line one.\nBeta 12 line.\n\nGamma.\nGamma"),
        # CCNet's unicode punctuation goes before comparing; ASCII punctuation stays.
        ("line-dedup", "「引用」のテスト。\n引用のテスト\nDone!\nDone", "「引用」のテスト。\nDone!\nDone"),
        # RefinedWeb (DCLM): upper case, numeric and counter lines, one-word lines, "Read more..." and "Sign-in" cuts.
        (
            "refinedweb-lines",
            "ALL CAPS HEADLINE HERE\n12345\n1.2K likes\n34 comments\nOK\nThe real sentence stays here.\nRead more...\nSign-in to comment now\nTwo words",
            "The real sentence stays here.\nto comment now\nTwo words",
        ),
        ("refinedweb-lines", "Only this.\nJust 7 items in cart", "Only this.\nJust 7"),
        # C4: lines without terminal punctuation, of fewer than 3 words, naming javascript or a cookie policy go;
        # citations are cut; the five prose sentences keep the page.
        (
            "c4-quality",
            "A heading without an end\nTwo words.\nEnable JavaScript to see the map.\nWe use cookies on this site.\nThe pier opened in 1890.[1]\n" + PROSE,
            "The pier opened in 1890.\n" + PROSE,
        ),
        ("c4-quality", PROSE + "\nLorem ipsum dolor sit amet.", Drop("c4-quality: lorem_ipsum")),
        ("c4-quality", PROSE + "\nThe config reads {port: 80} here.", Drop("c4-quality: curly_bracket")),
        ("c4-quality", "Only one sentence is here.\nAnd a second one.", Drop("c4-quality: too_few_sentences")),
        ("c4-paragraph", PROSE, Drop("c4-paragraph: < 3 paragraphs")),
        ("c4-paragraph", "\n".join([PROSE.replace("\n", " ")] * 3), "\n".join([PROSE.replace("\n", " ")] * 3)),
        ("gopher-repetition", PROSE, PROSE),
        ("gopher-repetition", "Same line again and again.\n" * 10, Drop("gopher-repetition: dup_line_frac")),
        ("gopher-quality", PROSE, PROSE),
        ("gopher-quality", "Far too short to be a document.", Drop("gopher-quality: gopher_short_doc")),
        ("fineweb-quality", PROSE, PROSE),
        ("fineweb-quality", "\n".join(f"menu item {n}" for n in range(20)), Drop("fineweb-quality: line_punct_ratio")),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_each_cleaner_follows_its_published_rules(name: str, text: str, expected: str | Drop) -> None:
    if CLEANERS[name].startswith("cleanbench.cleaners.datatrove") and importlib.util.find_spec("datatrove") is None:
        pytest.skip("datatrove is not installed: pip install 'cleanbench[text]'")
    assert clean(name, text) == expected


def test_justext_text_keeps_prose_lines_and_drops_short_link_lines() -> None:
    text = "Home\nNews\nSport\n" + PROSE.replace("\n", " ") + "\nShare this\nNext story"
    assert clean("justext-text", text) == PROSE.replace("\n", " ")


def test_justext_text_of_an_empty_text_is_empty() -> None:
    assert clean("justext-text", " \n ") == ""


@needs_datatrove
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\r\n", "\x0c"], ids=["U+2028", "U+2029", "U+0085", "CRLF", "FF"])
def test_datatrove_sees_the_lines_cleanbench_sees(separator: str) -> None:
    # datatrove splits with str.splitlines(): every such break becomes "\n" first, so the lines it judges
    # are the lines the page has, and its output has no break that cleanbench would not split at.
    out = clean("c4-quality", PROSE.replace("\n", separator, 1) + separator + "No end here")
    assert out == PROSE


@needs_datatrove
@pytest.mark.parametrize("lang", ["en", "de", "ja", "zh", "ko", "fa", "he"])
def test_datatrove_filters_run_in_the_languages_of_our_sets(lang: str) -> None:
    assert clean("gopher-repetition", PROSE, lang=lang) == PROSE


@needs_datatrove
def test_a_language_without_a_word_tokenizer_is_an_error_naming_it() -> None:
    with pytest.raises(ExtractorError, match="no word tokenizer for language 'xx'"):
        clean("c4-quality", PROSE, lang="xx")


class TestBoilerplateLines:
    """The corpus cleaner: fit over a scope's texts, then remove lines found in >= k of its documents."""

    PAGES = [
        PageInput("a1", text="Menu: Home | News\nFirst story of site A.\nFooter of site A", site="a"),
        PageInput("a2", text="Menu: Home | News\nSecond story of site A.\nFooter of site A", site="a"),
        PageInput("a3", text="menu: home | news\nThird story, 2024.\nFooter of site A", site="a"),
        PageInput("b1", text="Menu: Home | News\nOnly story of site B.", site="b"),
        PageInput("b2", text="Menu: Home | News\nAnother story of site B.", site="b"),
    ]

    def cleaned(self, spec: str) -> dict[str, str]:
        stage = resolve(spec)
        stage.use_state(stage.fit(self.PAGES))
        return {page.id: stage.process(page) for page in self.PAGES}

    def test_lines_recurring_on_k_pages_of_a_site_go_and_a_smaller_site_keeps_everything(self) -> None:
        out = self.cleaned("boilerplate-lines")
        assert out["a1"] == "First story of site A."
        assert out["a3"] == "Third story, 2024."  # the menu recurs after CCNet's lower-casing
        assert out["b1"] == "Menu: Home | News\nOnly story of site B."  # site b: 2 pages < k = 3

    def test_the_set_scope_counts_documents_across_sites(self) -> None:
        out = self.cleaned('boilerplate-lines{"scope": "set"}')
        assert out["b1"] == "Only story of site B."
        assert out["a1"] == "First story of site A."

    def test_a_higher_k_removes_less(self) -> None:
        out = self.cleaned('boilerplate-lines{"min_documents": 4, "scope": "set"}')
        assert out["a1"] == "First story of site A.\nFooter of site A"

    def test_the_fitted_state_is_json_like_and_deterministic(self) -> None:
        stage = resolve("boilerplate-lines")
        state = stage.fit(self.PAGES)
        assert state == stage.fit(list(reversed(self.PAGES)))
        assert list(state) == ["a"] and all(isinstance(h, str) for h in state["a"])

    def test_pages_without_a_site_are_each_their_own_scope(self) -> None:
        stage = resolve("boilerplate-lines")
        pages = [PageInput(f"p{n}", text="Same line.\nOwn line {n}.") for n in range(4)]
        assert stage.fit(pages) == {}


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@needs_seed
class TestSeed:
    """What each cleaner does with the seed: the figures the README's text-stage section explains."""

    def test_line_dedup_keeps_one_copy_of_the_body(self, seed: str) -> None:
        out = clean("line-dedup", seed)
        assert isinstance(out, str)
        lines = [line for line in out.split("\n") if line.strip()]
        assert len(lines) == len(set(lines)) == len({line for line in seed.split("\n") if line.strip()})

    def test_refinedweb_lines_removes_only_the_one_word_and_counter_like_lines(self, seed: str) -> None:
        out = clean("refinedweb-lines", seed)
        removed = {line for line in seed.split("\n") if line.strip()} - set(str(out).split("\n"))
        assert removed == {"0/500", "Home"}  # "Comments (1)" is not RefinedWeb's "N comments" form

    @needs_datatrove
    def test_c4_quality_keeps_both_copies_and_the_glued_ad_but_drops_a_body_line_ending_in_a_colon(self, seed: str) -> None:
        out = str(clean("c4-quality", seed))
        glued = next(line for line in seed.split("\n") if "REGISTER NOW" in line)
        assert out.count(glued) == 2
        body = seed.split("\n")[2]
        assert out.count(body) == 2
        colon = [line for line in seed.split("\n") if line.rstrip().endswith(":") and len(line.split()) > 20]
        assert colon and all(line not in out for line in colon)

    @needs_datatrove
    @pytest.mark.parametrize(("name", "reason"), [("gopher-repetition", "dup_line_frac"), ("fineweb-quality", "char_dup_ratio")])
    def test_repetition_filters_drop_the_whole_page_with_its_article(self, seed: str, name: str, reason: str) -> None:
        assert clean(name, seed) == Drop(f"{name}: {reason}")

    def test_justext_text_drops_the_ticket_ad_lines(self, seed: str) -> None:
        out = str(clean("justext-text", seed))
        assert "Save $450" not in out and "Build smarter" not in out

"""Plugins seen through the stage contract (issue 11.6): plain functions, objects of the original
`extract(html, *, url)` contract, modules in the current folder, and options set from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cleanbench.cli import main
from cleanbench.errors import ExtractorError
from cleanbench.stages.base import Drop, PageInput, stage_signature
from cleanbench.stages.registry import resolve, resolve_pipeline

PLUGIN = '''
def first_words(html, *, url=None):
    return " ".join(html.replace("<p>", " ").replace("</p>", " ").split()[:3])


def shout(text):
    return text.upper()


def needs_nothing():
    return first_words


class Legacy:
    name = "legacy"
    package = None
    options = {"limit": 2}

    def extract(self, html, *, url=None):
        return url or ""
'''


@pytest.fixture
def in_plugin_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder holds `folder_plugin.py`, which is not otherwise importable."""
    (tmp_path / "folder_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry not in ("", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "folder_plugin", raising=False)
    return tmp_path


PAGE = PageInput("p", html="<p>one two three four</p>", url="http://example.test/p")


@pytest.mark.parametrize(
    ("spec", "kind", "name", "output"),
    [
        ("folder_plugin:first_words", "extractor", "first-words", "one two three"),
        ("folder_plugin:shout", "cleaner", "shout", ""),  # a cleaner reads text: this page has none
        ("folder_plugin:needs_nothing", "extractor", "first-words", "one two three"),  # a factory is called first
        ("folder_plugin:Legacy", "extractor", "legacy", "http://example.test/p"),
    ],
)
def test_plain_functions_factories_and_legacy_objects_are_stages(in_plugin_folder: Path, spec: str, kind: str, name: str, output: str) -> None:
    stage = resolve(spec)
    assert (stage.kind, stage.name, stage.process(PAGE)) == (kind, name, output)


def test_a_function_cleaner_gets_the_text_of_the_stage_before(in_plugin_folder: Path) -> None:
    stage = resolve("folder_plugin:shout")
    assert stage.process(PageInput("p", text="quiet words")) == "QUIET WORDS"


def test_a_legacy_object_keeps_its_options_in_the_signature(in_plugin_folder: Path) -> None:
    assert stage_signature(resolve("folder_plugin:Legacy")) == 'legacy@unversioned{"limit":2}'


def test_the_current_folder_comes_last_so_it_never_shadows_an_installed_module(in_plugin_folder: Path) -> None:
    (in_plugin_folder / "json.py").write_text("raise SystemExit('the folder shadowed the standard library')\n", encoding="utf-8")
    resolve("folder_plugin:first_words")
    assert sys.path[-1] == str(in_plugin_folder)
    assert json.__file__ != str(in_plugin_folder / "json.py")


@pytest.mark.parametrize(
    ("spec", "name", "options"),
    [
        ('trafilatura{"favor_recall": true}', 'trafilatura{"favor_recall":true}', {"favor_recall": True}),
        ('justext{"length_low": 50}', 'justext{"length_low":50}', {"length_low": 50}),
        ('boilerplate-lines{"scope": "set"}', 'boilerplate-lines{"scope":"set"}', {"scope": "set", "min_documents": 3}),
    ],
)
def test_options_from_a_spec_override_the_defaults_and_name_the_row(spec: str, name: str, options: dict[str, object]) -> None:
    stage = resolve(spec)
    assert stage.name == name
    assert {key: stage.options[key] for key in options} == options
    assert stage_signature(stage).startswith(name.partition("{")[0] + "@")


def test_an_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(ExtractorError, match=r"trafilatura: no option 'recall' \(its options: .*favor_recall"):
        resolve('trafilatura{"recall": true}')


def test_a_row_with_options_runs_beside_the_default_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    argv = ["run", "-e", "trafilatura", "-e", 'trafilatura{"favor_recall": true}', "--out", str(out), "--no-cache", "--format", "json"]
    assert main(argv) == 0
    rows = {row["name"]: row for row in json.loads((out / "result.json").read_text(encoding="utf-8"))["extractors"]}
    assert set(rows) == {"trafilatura", 'trafilatura{"favor_recall":true}'}
    assert rows['trafilatura{"favor_recall":true}']["options"]["favor_recall"] is True
    assert rows["trafilatura"]["options"]["favor_recall"] is False
    assert rows['trafilatura{"favor_recall":true}']["signature"].startswith('trafilatura@')
    recall = {name: row["metrics"]["words"]["values"]["recall"]["value"] for name, row in rows.items()}
    assert recall['trafilatura{"favor_recall":true}'] != recall["trafilatura"]  # measured: 0.874 against 0.885 on the bundled set


def test_a_function_cleaner_may_return_a_drop(in_plugin_folder: Path) -> None:
    (in_plugin_folder / "dropper.py").write_text("from cleanbench.stages.base import Drop\n\ndef drop_all(text):\n    return Drop('never')\n", encoding="utf-8")
    pipeline = resolve_pipeline("everything|dropper:drop_all")
    assert pipeline.stages[1].process(PageInput("p", text="x")) == Drop("never")

"""The registry: built-ins (lazily), entry-point plugins, module:attr, cmd:, did-you-mean, not installed."""

from __future__ import annotations

import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cleanbench.errors import ExtractorError, NotInstalledError
from cleanbench.extractors.base import Adapter
from cleanbench.stages.base import Stage as Extractor
from cleanbench.stages.base import stage_signature as extractor_signature
from cleanbench.stages.command import CommandStage as CommandExtractor
from cleanbench.stages.registry import EXTRACTORS as BUILTINS
from cleanbench.stages.registry import available, names, resolve

ENTRY_POINT_GROUP = "cleanbench.extractors"

# A plugin module as a third-party package would ship it: an Extractor class, a factory and an instance.
PLUGIN_MODULE = '''
class Upper:
    name = "demo-upper"
    package = "demo-plugin"
    options = {"case": "upper"}

    def extract(self, html, *, url=None):
        return html.upper()


def make_upper():
    return Upper()


READY = Upper()
NOT_AN_EXTRACTOR = 42
'''


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module and an installed distribution registering it through the `cleanbench.extractors` group."""
    (tmp_path / "demo_plugin.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    (tmp_path / "demo_broken.py").write_text("raise RuntimeError('broken on import')\n", encoding="utf-8")
    info = tmp_path / "demo_plugin-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-plugin\nVersion: 1.2\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\ndemo-upper = demo_plugin:Upper\ndemo-broken = demo_broken:Thing\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_names_resolve_to_fresh_instances(name: str) -> None:
    first, second = resolve(name), resolve(name)
    assert first.name == name
    assert first is not second
    assert isinstance(first, Extractor)


def test_resolving_and_listing_import_no_extraction_library() -> None:
    libraries = ("trafilatura", "justext", "readability", "boilerpy3", "resiliparse", "newspaper", "goose3",
                 "magic_html", "inscriptis", "html2text", "html_text", "bs4")
    script = (
        "import sys\n"
        "from cleanbench.stages.registry import EXTRACTORS as BUILTINS, available, resolve\n"
        "[resolve(name) for name in BUILTINS]\n"
        "available()\n"
        f"print(','.join(m for m in {libraries!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


@pytest.mark.parametrize(
    ("spec", "suggestion"),
    [("trafilature", "'trafilatura'"), ("readabilty", "'readability'"), ("goose", "'goose3'"), ("html_text", "'html-text'")],
)
def test_unknown_name_suggests_the_closest(spec: str, suggestion: str) -> None:
    with pytest.raises(ExtractorError, match=f"unknown extractor '{spec}'; did you mean {suggestion}"):
        resolve(spec)


def test_unknown_name_without_a_close_one_says_what_a_spec_can_be() -> None:
    with pytest.raises(ExtractorError) as raised:
        resolve("zzzzzz")
    message = str(raised.value)
    assert "did you mean" not in message
    assert "module:attr or cmd:PROGRAM ARGS" in message
    assert "\n" not in message


def test_entry_point_plugin_resolves_and_is_listed(plugin_path: Path) -> None:
    extractor = resolve("demo-upper")
    assert extractor.extract("<p>a</p>") == "<P>A</P>"
    assert "demo-upper" in names()
    listed = {info.name: info for info in available()}
    assert listed["demo-upper"].origin == "plugin demo-plugin 1.2"
    assert listed["demo-upper"].installed
    assert listed["demo-upper"].version == "1.2"
    assert listed["demo-upper"].options == {"case": "upper"}
    assert [info.name for info in available()][: len(BUILTINS)] == list(BUILTINS)  # built-ins first


def test_entry_point_names_join_the_did_you_mean(plugin_path: Path) -> None:
    with pytest.raises(ExtractorError, match="did you mean 'demo-upper'"):
        resolve("demo-uper")


def test_broken_plugin_is_an_error_on_resolve_and_a_row_in_the_listing(plugin_path: Path) -> None:
    with pytest.raises(ExtractorError, match="extractor 'demo-broken': cannot load plugin demo_broken:Thing: RuntimeError: broken on import"):
        resolve("demo-broken")
    listed = {info.name: info for info in available()}
    assert not listed["demo-broken"].installed
    assert "broken on import" in (listed["demo-broken"].reason or "")


@pytest.mark.parametrize("attr", ["Upper", "make_upper", "READY"])
def test_module_attr_spec_takes_a_class_factory_or_instance(plugin_path: Path, attr: str) -> None:
    extractor = resolve(f"demo_plugin:{attr}")
    assert extractor.name == "demo-upper"
    assert extractor.extract("<b>x</b>") == "<B>X</B>"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("demo_plugin:NOT_AN_EXTRACTOR", "int is not a stage \\(no name, package, options, extract or process\\)"),
        ("demo_plugin:Missing", "module 'demo_plugin' has no attribute 'Missing'"),
        ("no_such_module_here:Thing", "cannot import module 'no_such_module_here'"),
    ],
)
def test_module_attr_spec_errors(plugin_path: Path, spec: str, message: str) -> None:
    with pytest.raises(ExtractorError, match=message):
        resolve(spec)


UPPERCASE_SCRIPT = "import sys\nsys.stdout.write(sys.stdin.read().upper())\n"
FAILING_SCRIPT = "import sys\nsys.stderr.write('line one\\nthe parser gave up on this page\\n')\nsys.exit(4)\n"


def command_spec(script: Path, *args: str) -> str:
    return "cmd:" + shlex.join([sys.executable, str(script), *args])


def test_cmd_extractor_pipes_html_through_a_program(tmp_path: Path) -> None:
    script = tmp_path / "upper.py"
    script.write_text(UPPERCASE_SCRIPT, encoding="utf-8")
    extractor = resolve(command_spec(script))
    assert isinstance(extractor, CommandExtractor)
    assert extractor.extract("<p>café – ünïcode</p>") == "<P>CAFÉ – ÜNÏCODE</P>"
    assert extractor.options == {"argv": [sys.executable, str(script)]}


def test_cmd_extractor_splits_words_like_a_shell_without_running_one(tmp_path: Path) -> None:
    script = tmp_path / "args.py"
    script.write_text("import sys, json\nprint(json.dumps(sys.argv[1:]))\n", encoding="utf-8")
    spec = f"cmd:{shlex.quote(sys.executable)} {shlex.quote(str(script))} 'two words' \"$HOME\" ';' '|' x"
    assert resolve(spec).extract("<p>x</p>").strip() == '["two words", "$HOME", ";", "|", "x"]'


def test_cmd_extractor_nonzero_exit_raises_with_the_stderr_tail(tmp_path: Path) -> None:
    script = tmp_path / "fail.py"
    script.write_text(FAILING_SCRIPT, encoding="utf-8")
    spec = command_spec(script)
    with pytest.raises(ExtractorError) as raised:
        resolve(spec).extract("<p>x</p>")
    assert str(raised.value) == f"{spec}: exited with status 4: line one the parser gave up on this page"


def test_cmd_stage_exit_3_drops_the_document(tmp_path: Path) -> None:
    # DESIGN.md "Stages and pipelines": a cmd: cleaner drops a document with exit code 3, its reason on stderr.
    script = tmp_path / "drop.py"
    script.write_text("import sys\nsys.stdin.read()\nsys.stderr.write('too short to keep')\nsys.exit(3)\n", encoding="utf-8")
    from cleanbench.stages.base import Drop, PageInput

    assert resolve(command_spec(script)).process(PageInput("p", text="one line")) == Drop("too short to keep")


def test_cmd_extractor_version_follows_the_script(tmp_path: Path) -> None:
    # Editing the script changes the version, hence the signature and the cache key.
    script = tmp_path / "upper.py"
    script.write_text(UPPERCASE_SCRIPT, encoding="utf-8")
    before = extractor_signature(resolve(command_spec(script)))
    script.write_text(UPPERCASE_SCRIPT + "# edited\n", encoding="utf-8")
    assert extractor_signature(resolve(command_spec(script))) != before


@pytest.mark.parametrize(("spec", "message"), [("cmd:", "no program"), ("cmd:prog 'unclosed", "cannot split the command line")])
def test_cmd_spec_errors(spec: str, message: str) -> None:
    with pytest.raises(ExtractorError, match=message):
        resolve(spec)


def test_cmd_program_not_found_is_not_installed() -> None:
    extractor = resolve("cmd:cleanbench-no-such-program --flag")
    with pytest.raises(NotInstalledError, match="^cmd:cleanbench-no-such-program --flag: program 'cleanbench-no-such-program' not found"):
        extractor.extract("<p>x</p>")


class NeedsMissingLibrary(Adapter):
    name = "needs-missing"
    package = "cleanbench-no-such-distribution"
    requires = ("cleanbench_no_such_module",)

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        raise AssertionError("never reached: the library is missing")


def test_missing_library_is_one_clear_line() -> None:
    extractor = NeedsMissingLibrary()
    expected = "needs-missing: not installed (cleanbench_no_such_module); pip install 'cleanbench[all]'"
    with pytest.raises(NotInstalledError) as raised:
        extractor.check_installed()
    assert str(raised.value) == expected
    with pytest.raises(NotInstalledError, match="^needs-missing: not installed"):
        extractor.extract("<p>x</p>")
    assert extractor_signature(extractor) == "needs-missing@not-installed{}"


def test_missing_library_is_a_listed_row_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "demo_missing.py").write_text(
        textwrap.dedent(
            """
            from cleanbench.extractors.base import Adapter

            class Missing(Adapter):
                name = "demo-missing"
                package = "demo-missing"
                requires = ("cleanbench_no_such_module",)
            """
        ),
        encoding="utf-8",
    )
    info = tmp_path / "demo_missing-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-missing\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\ndemo-missing = demo_missing:Missing\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    row = {info.name: info for info in available()}["demo-missing"]
    assert (row.installed, row.version) == (False, None)
    assert row.reason == "not installed (cleanbench_no_such_module); pip install 'cleanbench[all]'"


def test_readability_js_without_npm_packages_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANBENCH_NODE_DIR", str(tmp_path / "empty"))
    extractor = resolve("readability-js")
    with pytest.raises(NotInstalledError) as raised:
        extractor.check_installed()
    message = str(raised.value)
    assert message.startswith("readability-js: not installed (@mozilla/readability@0.6.0, jsdom@26.1.0 missing in ")
    assert message.endswith("scripts/install-readability-js.sh (npm ci of the pinned @mozilla/readability and jsdom)")
    assert "\n" not in message


def test_readability_js_without_node_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleanbench.extractors.readability_js as readability_js

    monkeypatch.setattr(readability_js.shutil, "which", lambda program: None)
    with pytest.raises(NotInstalledError, match=r"^readability-js: not installed \(node not found on PATH\); install Node.js >= 18"):
        resolve("readability-js").check_installed()
    row = {info.name: info for info in available()}["readability-js"]
    assert not row.installed and (row.reason or "").startswith("not installed (node not found on PATH)")

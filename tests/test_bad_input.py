"""Every class of bad input, fed to every command that reads it: exit 2, one line naming the file (and
the line, page or field), no traceback, and no finished file changed (issue 10: each of these printed a
Python traceback before).

Each case builds its inputs in a fresh folder, beside a finished run folder (`done/`) that no failing
command may touch, then runs the command line in this process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleanbench.cli import main

PAGE = {"id": "p1", "html": "<p>Some words of a page.</p>", "gold_text": "Some words of a page.", "url": "http://test/p1"}
UNWRITABLE = "/proc/cleanbench-no-such-folder/out"  # /proc takes no new files, not even from root


@dataclass(frozen=True)
class Case:
    """`make(folder)` writes the inputs and returns the argv (paths inside `folder`); `named` must be in the error line."""

    name: str
    make: Callable[[Path], list[str]]
    named: str
    needs_extras: bool = False  # reads with a library of the `all` extra (FastWARC: resiliparse)


def jsonl(folder: Path, data: bytes, name: str = "gold.jsonl") -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def record_line(**change: object) -> bytes:
    return json.dumps({**PAGE, **change}).encode("utf-8") + b"\n"


def nested(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def gold_folder(folder: Path) -> Path:
    root = folder / "pages"
    root.mkdir()
    (root / "p1.json").write_text(json.dumps({k: v for k, v in PAGE.items() if k != "html"}), encoding="utf-8")
    (root / "p1.html").write_text(PAGE["html"], encoding="utf-8")
    return root


def with_gold(make_gold: Callable[[Path], Path]) -> Callable[[Path], list[str]]:
    """The gold-reading commands share their cases: `data info` stands for all of them (they load alike)."""
    return lambda folder: ["data", "info", str(make_gold(folder))]


def plugin(folder: Path, module: str, body: str) -> None:
    (folder / f"{module}.py").write_text(body, encoding="utf-8")
    sys.path.insert(0, str(folder))


def run_with_plugin(module: str, body: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        plugin(folder, module, body)
        return ["extract", str(jsonl(folder, record_line())), "-e", f"{module}:Extractor", "--out", str(folder / "out"), "--no-cache"]

    return make


PLUGIN = "class Extractor:\n    name = 'bad'\n    package = None\n    options = {{}}\n{extra}\n    def extract(self, html, *, url=None):\n        return html\n"


def result_file(folder: Path, content: str) -> Path:
    run = folder / "run"
    run.mkdir()
    (run / "result.json").write_text(content, encoding="utf-8")
    return run


def wcxb(folder: Path, internal: object) -> str:
    root = folder / "wcxb"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    (root / "html" / "p1.html.gz").write_bytes(gzip.compress(b"<p>Some words.</p>"))
    truth = {"url": "http://test/p1", "ground_truth": {"main_content": "Some words."}, "_internal": internal}
    (root / "ground-truth" / "p1.json").write_text(json.dumps(truth), encoding="utf-8")
    return f"wcxb:{root}"


def aeb_bomb(folder: Path) -> str:
    root = folder / "aeb"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": "x", "url": "http://test/p1"}}), encoding="utf-8")
    (root / "html" / "p1.html.gz").write_bytes(gzip.compress(b"<p>" + b"x" * (3 << 20)))
    return f"aeb:{root}"


def predictions(folder: Path, data: bytes) -> list[str]:
    path = jsonl(folder, data, "predictions.jsonl")
    return ["score", "--gold", str(jsonl(folder, record_line())), "--predictions", str(path)]


def journal(folder: Path, *, as_folder: bool = False, data: bytes = b"") -> list[str]:
    out = folder / "out"
    gold = jsonl(folder, record_line())
    assert main(["extract", str(gold), "-e", "nothing", "--out", str(out), "--no-cache", "--workers", "1"]) == 0
    target = out / "predictions.jsonl"
    target.unlink()
    if as_folder:
        target.mkdir()
    else:
        target.write_bytes(data)
    return ["extract", str(gold), "-e", "nothing", "--out", str(out), "--no-cache"]


def values_as_a_list(run: Path) -> str:
    """The finished run's result, one metric's `values` turned into a list (an AttributeError once)."""
    raw = json.loads((run / "result.json").read_text(encoding="utf-8"))
    words = raw["extractors"][0]["metrics"]["words"]
    words["values"] = list(words["values"].values())
    return json.dumps(raw)


def annotate(folder: Path, page: bytes, *, name: str = "page.html", out: str | None = None) -> list[str]:
    (folder / name).write_bytes(page)
    return ["annotate", str(folder / name), "--out", out or str(folder / "mine.jsonl"), "--no-browser"]


def truncated_warc(folder: Path) -> list[str]:
    from helpers.warc import warc_file, warc_record

    data = warc_file([warc_record("https://a.example/1", b"<p>one</p>"), warc_record("https://a.example/2", b"<p>two</p>" * 40)])
    return annotate(folder, data[:-120], name="crawl.warc")


def annotation_without_log(folder: Path) -> list[str]:
    (folder / "mine.jsonl").write_bytes(record_line())
    return annotate(folder, b"<p>Some words of a page.</p>")


def agree_on_other_pages(folder: Path) -> list[str]:
    return ["data", "agree", str(jsonl(folder, record_line(), "a.jsonl")), str(jsonl(folder, record_line(html="<p>Another page.</p>", gold_text="Another page."), "b.jsonl"))]


def finished_result(folder: Path) -> Path:
    """A real, finished run folder of the bundled set's first pages, to gate and report on."""
    return Path(folder.parent / "done")


CASES = [
    # gold sets
    Case("empty jsonl", with_gold(lambda f: jsonl(f, b"")), "gold.jsonl: holds no pages"),
    Case("blank jsonl", with_gold(lambda f: jsonl(f, b"\n   \n\n")), "gold.jsonl: holds no pages"),
    Case("invalid utf-8 in jsonl", with_gold(lambda f: jsonl(f, record_line()[:-3] + b"\xff}\n")), "gold.jsonl:1: not UTF-8 text"),
    Case("gzip bytes as jsonl", with_gold(lambda f: jsonl(f, gzip.compress(record_line()))), "gold.jsonl:1: not UTF-8 text"),
    Case("utf-16 jsonl", with_gold(lambda f: jsonl(f, record_line().decode().encode("utf-16"))), "gold.jsonl:1: not UTF-8 text"),
    Case("lone surrogate escape", with_gold(lambda f: jsonl(f, record_line(gold_text="bad \\ud800 text").replace(b"\\\\ud800", b"\\ud800"))), "gold.jsonl:1: field 'gold_text': a lone surrogate"),
    Case("meta not json", with_gold(lambda f: jsonl(f, record_line(meta="{not json"))), "gold.jsonl:1: field 'meta': a string that is not a JSON object"),
    Case("deeply nested gold", with_gold(lambda f: jsonl(f, nested().encode() + b"\n")), "gold.jsonl:1: not a JSON record: nested too deeply"),
    Case("record not an object", with_gold(lambda f: jsonl(f, b"[1, 2]\n")), "gold.jsonl:1: expected a JSON object"),
    Case("fake parquet", with_gold(lambda f: jsonl(f, b"PAR1 not really", "gold.parquet")), "gold.parquet: not a readable Parquet file"),
    Case("html not utf-8", with_gold(lambda f: (lambda root: ((root / "p1.html").write_bytes(b"<p>caf\xe9</p>"), root)[1])(gold_folder(f))), "pages/p1.html: not UTF-8 text"),
    Case("folder named x.json", with_gold(lambda f: (lambda root: ((root / "x.json").mkdir(), root)[1])(gold_folder(f))), "pages/x.json: is a folder, not a file"),
    Case("broken symlink", with_gold(lambda f: (lambda root: ((root / "x.json").symlink_to(root / "gone.json"), root)[1])(gold_folder(f))), "pages/x.json: no such file (a broken link)"),
    Case("wcxb _internal a string", lambda f: ["data", "info", wcxb(f, "article")], "ground-truth/p1.json: field '_internal': expected an object"),
    Case("wcxb page_type a list", lambda f: ["data", "info", wcxb(f, {"page_type": ["article"]})], "field '_internal.page_type': expected an object"),
    Case("gzip bomb", lambda f: ["data", "info", aeb_bomb(f), "--max-page-mb", "1"], "html/p1.html.gz: expands past the page size cap of 1 MB"),
    # plugins
    Case("plugin import raises", run_with_plugin("cb_bad_import", "1 / 0\n"), "importing module 'cb_bad_import' raised ZeroDivisionError"),
    Case("plugin calls sys.exit", run_with_plugin("cb_bad_exit", "import sys\nsys.exit(3)\n"), "importing module 'cb_bad_exit' raised SystemExit: 3"),
    Case("plugin version raises", run_with_plugin("cb_bad_version", PLUGIN.format(extra="    def version(self):\n        raise RuntimeError('no')")), "its version() raised RuntimeError: no"),
    Case("plugin options a list", run_with_plugin("cb_bad_options", PLUGIN.replace("options = {{}}", "options = ['a']").format(extra="")), "its options must be a mapping, got list"),
    Case("plugin name with a newline", run_with_plugin("cb_bad_name", PLUGIN.replace("name = 'bad'", "name = 'bad\\nname'").format(extra="")), "holds a control character (U+000A)"),
    # results, baselines, predictions, journals
    Case("result field of the wrong type", lambda f: ["report", str(result_file(f, (finished_result(f) / "result.json").read_text().replace('"name": "gold"', '"name": 3', 1)))], "result.json: field 'gold.name': expected a string"),
    Case("result values not an object", lambda f: ["report", str(result_file(f, values_as_a_list(finished_result(f))))], "result.json: field 'extractors[0].metrics.words.values': expected an object, got list"),
    Case("deeply nested result", lambda f: ["report", str(result_file(f, nested()))], "result.json: not a JSON document: nested too deeply"),
    Case("deeply nested baseline", lambda f: ["check", str(finished_result(f)), "--baseline", str(jsonl(f, nested().encode(), "b.json"))], "b.json: not a JSON document: nested too deeply"),
    Case("deeply nested predictions", lambda f: predictions(f, nested().encode() + b"\n"), "predictions.jsonl:1: not a JSON record: nested too deeply"),
    Case("surrogate in predictions", lambda f: predictions(f, b'{"page_id": "p1", "extractor": "x", "status": "ok", "text": "a \\udc00"}\n'), "predictions.jsonl:1: field 'text': a lone surrogate"),
    Case("journal is a folder", lambda f: journal(f, as_folder=True), "out/predictions.jsonl"),
    Case("journal not utf-8", lambda f: journal(f, data=b'{"page_id": "p1", "extractor": "nothing", "status": "empty", "text": "\xff"}\n'), "predictions.jsonl:1: not UTF-8 text"),
    # outputs
    Case("--out on /proc", lambda f: ["extract", str(jsonl(f, record_line())), "-e", "nothing", "--out", UNWRITABLE], "cleanbench-no-such-folder/out: cannot create this folder"),
    Case("--out on a file", lambda f: ["extract", str(jsonl(f, record_line())), "-e", "nothing", "--out", str(jsonl(f, b"x", "a-file"))], "a-file: exists and is not a folder"),
    Case("report --html unwritable", lambda f: ["report", str(finished_result(f)), "--html", UNWRITABLE], "cleanbench-no-such-folder/out: cannot create this folder"),
    Case("report --plots unwritable", lambda f: ["report", str(finished_result(f)), "--plots", UNWRITABLE], "cleanbench-no-such-folder/out: cannot create this folder"),
    Case("data export unwritable", lambda f: ["data", "export", str(jsonl(f, record_line())), UNWRITABLE + ".jsonl"], "cleanbench-no-such-folder: cannot create this folder"),
    # data inject
    Case("data inject unknown kind", lambda f: ["data", "inject", "fixtures", "--kinds", "ad,popup", "--out", str(f / "derived")], "unknown clutter kind 'popup'"),
    Case("data inject into a non-empty folder", lambda f: (f / "taken").mkdir() or (f / "taken" / "x").write_text("x") and ["data", "inject", "fixtures", "--kinds", "ad", "--out", str(f / "taken")], "taken: exists and is not an empty folder"),
    Case("data inject a bad spec", lambda f: ["data", "inject", str(f / "no-such-set"), "--kinds", "ad", "--out", str(f / "derived")], "no-such-set: no such file or folder"),
    # annotate and agree
    Case("annotate a PNG", lambda f: annotate(f, b"\x89PNG\r\n\x1a\n" + b"\0" * 32), "page.html: not an HTML page (a PNG image)"),
    Case("annotate plain text", lambda f: annotate(f, b"no markup here at all", name="notes.htm"), "notes.htm: not an HTML page (no HTML tag"),
    Case("annotate a truncated WARC", truncated_warc, "crawl.warc: truncated WARC: record 2 ends after", needs_extras=True),
    Case("annotate --out unwritable", lambda f: annotate(f, b"<p>Some words.</p>", out=UNWRITABLE + ".jsonl"), "cleanbench-no-such-folder: cannot create this folder"),
    Case("annotate --out not jsonl", lambda f: annotate(f, b"<p>Some words.</p>", out=str(f / "mine.json")), "mine.json: the output must be a .jsonl file"),
    Case("annotate over a file without its log", annotation_without_log, "mine.jsonl: exists, and has no annotation log beside it"),
    Case("agree on different pages", agree_on_other_pages, "page 'p1': the two annotations hold different pages"),
    Case("check --update unwritable", lambda f: ["check", str(finished_result(f)), "--baseline", UNWRITABLE + ".json", "--update"], "cleanbench-no-such-folder: cannot create this folder"),
]


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run (the `nothing` and `everything` rows on a one-page set), copied beside each case."""
    folder = tmp_path_factory.mktemp("finished")
    gold = jsonl(folder, record_line())
    assert main(["run", "--gold", str(gold), "-e", "nothing", "-e", "everything", "--out", str(folder / "done"), "--no-cache", "--workers", "1"]) == 0
    return folder / "done"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.mark.parametrize("case", [pytest.param(case, marks=pytest.mark.extras if case.needs_extras else ()) for case in CASES], ids=[case.name for case in CASES])
def test_bad_input_is_one_line_and_exit_2(case: Case, done: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(done, tmp_path / "done")
    work = tmp_path / "case"
    work.mkdir()
    argv = case.make(work)
    before = snapshot(tmp_path / "done")
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("cleanbench: error: "), err
    assert case.named in err, err
    assert "Traceback" not in err + out
    assert snapshot(tmp_path / "done") == before, "a failing command changed a finished file"


def test_a_closed_stdout_ends_quietly() -> None:
    # issue 10: `cleanbench ... | head -1` printed a BrokenPipeError traceback. Here the pipe's reader is
    # gone before the command writes a byte, so the first write fails whatever the pipe's buffer holds.
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "cleanbench", "extractors"], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 141


INTERRUPT_WHILE_IMPORTING = """
import importlib.abc, os, signal, sys

class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "tabulate":  # imported by the command line module, after the entry point started
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
from cleanbench.__main__ import main
sys.exit(main())
"""


def test_ctrl_c_while_the_command_line_imports_is_one_line_and_130(tmp_path: Path) -> None:
    # issue 10: Ctrl-C during the imports printed a traceback. The hook raises the signal during an
    # import the entry point makes, deterministically (no timer).
    done = subprocess.run([sys.executable, "-c", INTERRUPT_WHILE_IMPORTING, "extractors"], capture_output=True, text=True, timeout=120, env={**os.environ})
    assert (done.returncode, done.stderr) == (130, "cleanbench: interrupted\n")

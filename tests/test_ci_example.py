"""docs/github-actions-example.yml works outside this repository.

The slow test builds this checkout's wheel, installs it into a fresh venv (constraints.txt, pip's cache),
writes a small project with an extractor of its own, pins its baseline with the commands the workflow's
header gives, then runs the workflow's `run:` steps there as GitHub's bash would, read from the YAML file so
the test follows the docs: every step passes; after a regression in the extractor the check and the
project's tests (the `cleanbench_gate` fixture) fail, and only they.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / "docs" / "github-actions-example.yml"
PIN_COMMAND = re.compile(r"^#\s+(cleanbench .+)$", re.MULTILINE)
GATES = ("cleanbench check ", "python -m pytest")  # the steps that fail a build on a regression

EXTRACTOR = '''\
"""tidytext's extractor: the paragraphs of a page's <article> (else <main>, else <body>), less its asides."""

import lxml.html

BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "pre", "blockquote", "td")
DROP = ("script", "style", "nav", "aside", "footer", "form", "header", "noscript")


class TidyText:
    name = "tidytext"
    package = None
    version = "1.0"  # the baseline pins it: bump it when the output is meant to change
    options = {}

    def extract(self, html, *, url=None):
        try:
            root = lxml.html.document_fromstring(html)
        except Exception:  # an empty or unparsable page
            return ""
        main = next(iter(root.xpath("//article") or root.xpath("//main") or root.xpath("//body")), root)
        for element in main.xpath(" | ".join(f".//{tag}" for tag in DROP)):
            element.drop_tree()
        paragraphs = (" ".join(block.text_content().split()) for block in main.iter(*BLOCKS))
        return "\\n".join(text for text in paragraphs if text)
'''

# The project's own tests: floors measured with the extractor above on the 130-page bundled set
# (words.f1 0.631, leak:nav 0.110).
PROJECT_TEST = '''\
def test_tidytext_holds_its_floors(cleanbench_gate):
    cleanbench_gate(["tidytext.extract:TidyText"], floors={"words.f1": 0.62, "leak:nav.value": 0.12})


def test_tidytext_holds_the_committed_baseline(cleanbench_gate):
    cleanbench_gate(["tidytext.extract:TidyText"], baseline="benchmarks/cleanbench-baseline.json")
'''


def _workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps() -> list[dict[str, Any]]:
    (job,) = _workflow()["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_readme_shows_the_workflow_file() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    assert WORKFLOW.read_text(encoding="utf-8") in blocks


def test_workflow_installs_cleanbench_and_says_how_to_pin() -> None:
    assert _workflow()["env"]["CLEANBENCH"].startswith("cleanbench @ git+https://")
    pins = PIN_COMMAND.findall(WORKFLOW.read_text(encoding="utf-8"))
    assert [command.split()[:2] for command in pins] == [["cleanbench", "run"], ["cleanbench", "check"]]
    assert pins[1].endswith(" --update")
    assert [step["uses"].partition("@")[0] for step in _steps() if "uses" in step] == [
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
    ]


def _build_wheel(out: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(REPO)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-build-isolation")  # offline: the build backend is already here
    built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, _tail(built)
    (wheel,) = out.glob("cleanbench-*.whl")
    return wheel


def _fresh_venv(where: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, timeout=120)
    python = where / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "-c", str(REPO / "constraints.txt"), str(wheel), "pytest"]
    installed = subprocess.run(install, capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, _tail(installed)
    return where / "bin"


def _write_project(root: Path) -> None:
    (root / "tidytext").mkdir(parents=True)
    (root / "tidytext" / "__init__.py").write_text("", encoding="utf-8")
    (root / "tidytext" / "extract.py").write_text(EXTRACTOR, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_extraction_quality.py").write_text(PROJECT_TEST, encoding="utf-8")


def _environment(bin_dir: Path, wheel: Path, cache: Path) -> dict[str, str]:
    """This machine's environment less what points at this checkout or its test run, plus the workflow's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not key.startswith("PYTEST_")
    }
    env.update({key: str(value) for key, value in _workflow().get("env", {}).items()})
    env.update({"CLEANBENCH": str(wheel), "CLEANBENCH_CACHE_DIR": str(cache), "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"})
    return env


def _bash(command: str, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One `run:` step as GitHub runs it on Linux: `bash --noprofile --norc -eo pipefail`."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _tail(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout[-1500:] + "\n" + result.stderr[-1500:]).strip()


@pytest.mark.slow
def test_the_workflow_gates_a_project_of_its_own(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    bin_dir = _fresh_venv(tmp_path / "venv", wheel)
    project = tmp_path / "tidytext-repo"
    _write_project(project)
    env = _environment(bin_dir, wheel, tmp_path / "cache")

    # Pin once, as the workflow's header says; the committed baseline is what a checkout then holds.
    for command in PIN_COMMAND.findall(WORKFLOW.read_text(encoding="utf-8")):
        result = _bash(command, cwd=project, env=env)
        assert result.returncode == 0, f"{command}: {_tail(result)}"
    assert sorted(path.name for path in (project / "benchmarks").iterdir()) == [
        "cleanbench-baseline.json",
        "cleanbench-baseline.pages.jsonl.gz",
    ]
    shutil.rmtree(project / "runs")  # not committed: a checkout has none

    steps = [step for step in _steps() if "run" in step]
    for step in steps:
        result = _bash(step["run"], cwd=project, env=env)
        assert result.returncode == 0, f"{step['name']}: {_tail(result)}"
    (artifact,) = [step["with"]["path"] for step in _steps() if step.get("uses", "").startswith("actions/upload-artifact")]
    assert (project / artifact / "result.json").is_file()

    # A regression: the extractor keeps navigation, asides and footers. The gate and the plugin fail it.
    extractor = project / "tidytext" / "extract.py"
    extractor.write_text(EXTRACTOR.replace('"nav", "aside", "footer", "form", "header", ', ""), encoding="utf-8")
    shutil.rmtree(project / "runs")
    gates = [step["name"] for step in steps if step["run"].startswith(GATES)]
    assert len(gates) == 2
    for step in steps:
        result = _bash(step["run"], cwd=project, env=env)
        assert result.returncode == (1 if step["name"] in gates else 0), f"{step['name']}: {_tail(result)}"

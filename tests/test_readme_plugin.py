"""The README's plugin example, run as a user would: the file written into a folder, the command run
from there (the current folder is importable for `module:attr`), every row ranked as promised."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> tuple[str, list[str]]:
    """The README's `# my_stages.py` code block and the `cleanbench run` line of the block after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n# my_stages\.py\n(.*?)```", readme, re.S)
    command = re.search(r"```python\n# my_stages\.py\n.*?```\s*```bash\n(cleanbench run [^\n]*)\n```", readme, re.S)
    assert code is not None and command is not None, "README: the plugin example or its command is gone"
    return code.group(1), shlex.split(command.group(1))


def test_the_readme_plugin_example_runs_from_its_folder(tmp_path: Path) -> None:
    code, argv = readme_example()
    assert len(code.strip().splitlines()) <= 20
    (tmp_path / "my_stages.py").write_text(code, encoding="utf-8")
    env = {**os.environ, "CLEANBENCH_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    command = [sys.executable, "-m", "cleanbench", *argv[1:], "--out", str(tmp_path / "run"), "--format", "json"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads((tmp_path / "run" / "result.json").read_text(encoding="utf-8"))["extractors"]}
    assert set(rows) == {"everything", "everything|short-lines", 'everything|my_stages:ShortLines{"min_words":8}', "title-only"}
    words = {name: {key: value["value"] for key, value in row["metrics"]["words"]["values"].items()} for name, row in rows.items()}
    # Short lines are nav, buttons and ad fragments more often than body text: precision rises, recall falls
    # (a CJK line is one "word" by whitespace, so those pages lose everything).
    assert words["everything|short-lines"]["precision"] > words["everything"]["precision"]
    assert words["everything|short-lines"]["recall"] < words["everything"]["recall"]
    assert rows["everything|short-lines"]["drops"]["pages"] > 0
    assert rows["everything|short-lines"]["signature"].endswith('short-lines@unversioned{"min_words":4}')
    assert rows['everything|my_stages:ShortLines{"min_words":8}']["signature"].endswith('{"min_words":8}')
    assert 0 < words["title-only"]["f1"] < 0.2

#!/usr/bin/env bash
# The lowest versions pyproject.toml allows, tested: uv (from PyPI, pinned by constraints.txt, in a
# throwaway venv) installs cleanbench and its `test` extra into .venv-lowest with every direct dependency at
# its declared lower bound (--resolution lowest-direct; what they pull in comes at its newest), checks that
# each one landed on its bound (one the resolver lifted is a bound nobody tests), then runs the fast tests:
# no public data, no optional extractor or matplotlib, no constraints.txt pins (markers in pyproject.toml).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install -q -c constraints.txt uv
uv="$tools/venv/bin/uv"
rm -rf .venv-lowest
UV_PYTHON_DOWNLOADS=never "$uv" venv -q --seed --python "$(command -v python3)" .venv-lowest  # --seed: pip, as in a venv
VIRTUAL_ENV="$root/.venv-lowest" "$uv" pip install -q --resolution lowest-direct -e '.[test]'
.venv-lowest/bin/python - <<'EOF'
import importlib.metadata
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version

with open("pyproject.toml", "rb") as file:
    project = tomllib.load(file)["project"]
wrong, lowest = [], []
for line in project["dependencies"] + project["optional-dependencies"]["test"]:
    requirement = Requirement(line)
    floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    installed = importlib.metadata.version(requirement.name)
    if not floors:
        wrong.append(f"{requirement.name}: no >= bound in pyproject.toml")
    elif Version(installed) != Version(floors[0]):
        wrong.append(f"{requirement.name}: declared >={floors[0]}, installed {installed}: another requirement lifts it; raise the bound")
    else:
        lowest.append(f"{requirement.name}=={installed}")
if wrong:
    sys.exit("\n".join(wrong))
print("lowest versions:", " ".join(lowest))
EOF
.venv-lowest/bin/python -m pytest -q -p no:cacheprovider -m "not slow and not public_data and not extras and not pinned"

#!/usr/bin/env bash
# Set up a fresh machine: a virtual environment in .venv with cleanbench, every extractor and the test
# tools, at the versions pinned in constraints.txt; then the two extractors that need a separate step
# (magic-html, whose metadata asks for a newer Python than it needs; readability-js, from npm).
# readability-js is skipped with a note when node/npm are absent: its row then says "not installed".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e '.[all,test]'
scripts/install-magic-html.sh .venv/bin/python
if command -v node >/dev/null && command -v npm >/dev/null; then
    scripts/install-readability-js.sh .venv/bin/python
else
    echo "setup: node/npm not found: skipping readability-js (its row will say how to install it)"
fi

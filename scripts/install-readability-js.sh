#!/usr/bin/env bash
# Install the npm packages of the readability-js extractor: Mozilla's Readability.js and jsdom, pinned
# by src/cleanbench/extractors/readability_js/package-lock.json, from the npm registry with `npm ci`,
# into cleanbench's node directory ($CLEANBENCH_NODE_DIR, else <user data dir>/cleanbench/node), never
# into the source tree. Needs node >= 18 and npm; cleanbench must be installed in PYTHON's environment.
#
# Usage: scripts/install-readability-js.sh [PYTHON]   (default: the repository's .venv/bin/python)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-$root/.venv/bin/python}"
source_dir="$("$python" -c 'from cleanbench.extractors.readability_js import PACKAGE_DIR; print(PACKAGE_DIR)')"
node_dir="$("$python" -c 'from cleanbench.extractors.readability_js import node_dir; print(node_dir())')"
mkdir -p "$node_dir"
cp "$source_dir/package.json" "$source_dir/package-lock.json" "$node_dir/"
(cd "$node_dir" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "readability-js: npm packages installed in $node_dir"

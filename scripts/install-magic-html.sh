#!/usr/bin/env bash
# Install magic-html 0.1.8 (the magic-html extractor) into a Python environment.
#
# magic-html 0.1.8 declares Requires-Python >= 3.12 but runs on 3.11. Its dependencies (from its wheel's
# METADATA: Brotli, chardet, charset_normalizer, lxml, numpy, py_asciimath, urllib3, lxml_html_clean) are
# installed normally, pinned by constraints.txt; then magic-html alone is installed with --no-deps and
# --ignore-requires-python, so that flag never applies to any other package.
#
# Usage: scripts/install-magic-html.sh [PYTHON]   (default: the repository's .venv/bin/python)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-$root/.venv/bin/python}"
"$python" -m pip install -q -c "$root/constraints.txt" \
    Brotli chardet charset-normalizer lxml lxml_html_clean numpy py_asciimath urllib3
"$python" -m pip install -q -c "$root/constraints.txt" --no-deps --ignore-requires-python magic-html==0.1.8
"$python" -c 'import magic_html, importlib.metadata as m; print("magic-html", m.version("magic-html"), "installed")'

"""What every file of the HTML report shares: escaping, the document frame with its Content-Security-Policy, the style.

A report file is inert whatever the pages hold: every piece of page content is escaped, and each file
carries a Content-Security-Policy that loads nothing (`default-src 'none'`) and runs no script but,
on the index, the report's own sorting script, allowed by its hash. A `<script>` that escaping missed
would still not run.
"""

from __future__ import annotations

import base64
import hashlib
import html

LABEL_COLOURS: dict[str, str] = {
    "duplicate": "#f4b6c2",
    "ad": "#ffd27f",
    "related": "#b5d8ff",
    "comments": "#c8e6a0",
    "nav": "#d9c2f0",
    "cookie": "#f0d9b5",
    "newsletter": "#a8e6df",
    "share": "#ffc4a3",
    "footer": "#cfd8dc",
    "other": "#e6e6a1",
}
MISSING_STYLE = "background:#ffc9c9;text-decoration:line-through #b00020"
BASE_CSS = (
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1500px;padding:0 1.2em 2em;color:#1f2328}"
    "h1{font-size:1.5em;margin:.6em 0 .3em;overflow-wrap:anywhere}h2{font-size:1.15em;margin:1.2em 0 .4em}"
    "h3{font-size:1em;margin:.8em 0 .3em}a{color:#0550ae}"
    "table{border-collapse:collapse;margin:.4em 0;font-size:13px;font-variant-numeric:tabular-nums;"
    "display:block;width:max-content;max-width:100%;overflow:auto}"
    "th,td{border:1px solid #d0d7de;padding:3px 7px;white-space:nowrap}th{background:#f6f8fa;text-align:left}"
    "tbody tr:nth-child(even){background:#fafbfc}code{font-size:12px}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:.4em 0;font-size:14px}"
    "dl.facts dt{font-weight:600;color:#57606a}dl.facts dd{margin:0;overflow-wrap:anywhere}"
    ".bad{color:#b00020}.good{color:#1a7f37}.muted{color:#57606a}"
    "ul.notes,ul.signatures{font-size:12px;color:#57606a;padding-left:1.2em}"
    "details>summary{cursor:pointer}"
    + "".join(f".l-{label}{{background:{colour}}}" for label, colour in reversed(LABEL_COLOURS.items()))
)


def escape(value: object) -> str:
    """`value` as text for an attribute or an element: &, <, >, and both quotes escaped."""
    return html.escape(str(value), quote=True)


def escape_text(text: str) -> str:
    """`text` for the content of an element (&, < and > escaped; quotes stay as they are: shorter)."""
    return html.escape(text, quote=False)


def class_attribute(names: str) -> str:
    """` class=x` or ` class="x y"`: the value unquoted where HTML allows it (class names of [a-z0-9-])."""
    return f" class={names}" if " " not in names else f' class="{names}"'


def label_chip(label: str) -> str:
    """A noise label in its colour."""
    return f'<span class="l-{escape(label)}">{escape_text(label)}</span>'


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script: `'sha256-<base64 of its UTF-8 bytes' digest>'`."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def document(title: str, *, body: str, css: str, script: str | None = None) -> str:
    """A whole HTML file: nothing loads from anywhere; the one script given (if any) is the only one that may run."""
    scripts = f"script-src {script_hash(script)}" if script is not None else "script-src 'none'"
    policy = f"default-src 'none'; style-src 'unsafe-inline'; {scripts}; base-uri 'none'; form-action 'none'"
    tail = f"<script>{script}</script>\n" if script is not None else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        f"<title>{escape_text(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}\n{tail}</body>\n</html>\n"
    )

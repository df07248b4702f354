"""Clutter into a text page (lines, "\\n" between them): its blocks as lines, the glued variant on a body line."""

from __future__ import annotations

from cleanbench.inject.clutter import Clutter

_WHERE = {"top": "before the first line", "inline": "between body lines", "inside": "between body lines",
          "after": "after the last line", "bottom": "after the last line", "counter": "after the last line",
          "thread": "after the last line", "repeat": "after the last line"}


def insert_lines(text: str, clutter: Clutter, *, gold_paragraphs: list[str]) -> tuple[str, str]:
    """The page with the clutter's lines inserted, and where they went."""
    lines = text.split("\n")
    body = [index for index, line in enumerate(lines) if line.strip() and any(line.strip() in p or p in line for p in gold_paragraphs)]
    if clutter.glued is not None:
        if body:
            index = body[len(body) // 2]
            lines[index] = clutter.glued + lines[index].lstrip()
            return "\n".join(lines), "glued to the start of a body line"
        return "\n".join([*lines, clutter.glued]), "a line of its own after the last line"
    added = clutter.lines()
    variant = clutter.variant
    if variant == "top":
        position = 0
    elif variant in ("inline", "inside") and len(body) >= 2:
        position = body[len(body) // 2 - 1] + 1
    else:
        position, variant = len(lines), "after"
    return "\n".join([*lines[:position], *added, *lines[position:]]), _WHERE.get(variant, "after the last line")

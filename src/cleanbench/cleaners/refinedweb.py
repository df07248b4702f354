"""`refinedweb-lines`: RefinedWeb's line modifiers as DCLM publishes them (baselines_configs/refinedweb.yaml,
mappers/modifiers.py), in DCLM's order, with DCLM's settings:

1. a line whose upper-case characters are more than half its characters is removed;
2. a line whose characters are all digits (more than 0.999999 of them) is removed;
3. a counter line ("12 comments", "3.4K likes", "1,234 views": a number, an optional K/M/B, one of
   likes, shares, comments, retweets, reposts, quotes, bookmarks, upvotes, downvotes, downloads,
   views, followers) is removed;
4. a non-blank line of fewer than 2 words is removed;
5. in a line of at most 10 words, "items in cart" is cut out (anywhere), "Read more..." at its end,
   "Sign-in" at its start (case ignored; DCLM writes them into regular expressions unescaped, so the
   dots and the hyphen match any character, as here); a line left blank by a cut is removed.

Each step strips the text's ends, as DCLM's do; a document left with no text is dropped, as DCLM drops
it. (DCLM's refinedweb.yaml follows these with a filter that drops a page losing more than 5 % of its
words: a document filter, not a line modifier, left out here.)
"""

from __future__ import annotations

import re

from cleanbench import __version__
from cleanbench.cleaners.base import Cleaner
from cleanbench.stages.base import Drop, PageInput

_COUNTER = re.compile(
    r"^\W*\d(?:,|\.|\d)*(?:K|k|M|m|B|b)?\s+(?:likes|shares|comments|retweets|reposts|quotes|bookmarks|upvotes|downvotes|downloads|views|followers)\W*$"
)
_CUTS = (
    re.compile(r"\s?(?:items in cart)", re.IGNORECASE),
    re.compile(r"\s?(?:read more...)$", re.IGNORECASE),
    re.compile(r"^(?:sign-in)\s?", re.IGNORECASE),
)
_CUT_MAX_WORDS = 10


class RefinedWebLines(Cleaner):
    name = "refinedweb-lines"
    options = {"max_uppercase_ratio": 0.5, "max_numeric_ratio": 0.999999, "min_words": 2}
    note = "DCLM's refinedweb.yaml line modifiers, in order; a document left empty is dropped"
    license = "MIT (cleanbench)"

    def version(self) -> str | None:
        return __version__

    def clean(self, text: str, *, page: PageInput) -> str | Drop:
        upper, numeric = float(self.options["max_uppercase_ratio"]), float(self.options["max_numeric_ratio"])  # type: ignore[arg-type]
        steps = (  # (keep this line?, does DCLM strip the text after this step?)
            (lambda line: not line or sum(char.isupper() for char in line) / len(line) <= upper, True),
            (lambda line: not line or sum(char.isdigit() for char in line) / len(line) <= numeric, True),
            (lambda line: not _COUNTER.search(line.lower()), True),
            (lambda line: not line or len(line.split()) >= int(self.options["min_words"]), False),  # type: ignore[call-overload]
        )
        for keep, strip in steps:
            text = "\n".join(line for line in text.split("\n") if keep(line))
            text = text.strip() if strip else text
            if not text:
                return Drop("refinedweb-lines: no line left")
        for cut in _CUTS:
            text = _cut_lines(text, cut).strip()
            if not text:
                return Drop("refinedweb-lines: no line left")
        return text


def _cut_lines(text: str, pattern: re.Pattern[str]) -> str:
    kept = []
    for line in text.split("\n"):
        if len(line.split()) <= _CUT_MAX_WORDS:
            cut = pattern.sub("", line)
            if line and (not cut or cut.isspace()):
                continue
            line = cut
        kept.append(line)
    return "\n".join(kept)

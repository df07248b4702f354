"""`line-dedup`: exact duplicate lines inside one document removed, first occurrence kept (CCNet).

Two lines are the same when their CCNet dedup forms are (`normalise.normalize_for_dedup`: lower case,
digits to 0, CCNet's unicode punctuation removed). As in CCNet's `finalize_doc`, a blank line repeats
too: only the first one stays.
"""

from __future__ import annotations

from cleanbench import __version__
from cleanbench.cleaners.base import Cleaner
from cleanbench.cleaners.normalise import line_hash
from cleanbench.stages.base import PageInput


class LineDedup(Cleaner):
    name = "line-dedup"
    note = "CCNet's normalize_for_dedup and line hash; first occurrence kept"
    license = "MIT (cleanbench)"

    def version(self) -> str | None:
        return __version__

    def clean(self, text: str, *, page: PageInput) -> str:
        seen: set[str] = set()
        kept = []
        for line in text.split("\n"):
            key = line_hash(line)
            if key not in seen:
                seen.add(key)
                kept.append(line)
        return "\n".join(kept)

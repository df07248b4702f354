"""CCNet's line normalisation and hash for deduplication (cc_net/text_normalizer.py and dedup.py).

`normalize_for_dedup`: strip, lower-case, every digit to 0, CCNet's unicode punctuation marks and the
non-printing characters removed (ASCII punctuation stays, as in CCNet). A line's hash is the first 8
bytes of the SHA-1 of its normalised form, as CCNet keys its line hashes.
"""

from __future__ import annotations

import hashlib
import re

# The keys of CCNet's UNICODE_PUNCT table: the marks its dedup normalisation removes.
UNICODE_PUNCT = "，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►"
NON_PRINTING = "".join(map(chr, [*range(0, 32), *range(127, 160)]))
_REMOVED = re.compile("[" + re.escape(UNICODE_PUNCT + NON_PRINTING) + "]")
_DIGIT = re.compile(r"\d")


def normalize_for_dedup(line: str) -> str:
    line = line.strip()
    if not line:
        return line
    return _REMOVED.sub("", _DIGIT.sub("0", line.lower()))


def line_hash(line: str) -> str:
    """The hex digest of CCNet's 8-byte line key (hex: JSON-like, so it can ride in a fitted state)."""
    return hashlib.sha1(normalize_for_dedup(line).encode("utf-8")).digest()[:8].hex()

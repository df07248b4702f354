"""Ranks of a leaderboard's rows on the main key, computed once when a run is assembled.

Rows are sorted by the main value (best first; the metric says which way is better), bounds (`gold`,
`everything`, `nothing`) are placed among them but never ranked, and a row with no number has no rank.
Ranks are competition ranks over the ranked rows; a row whose paired bootstrap interval of the
difference with the row that opened the current rank holds 0 shares that rank (`2=`). Ties do not
chain: a row shares a rank only with that rank's leader, never merely with its neighbour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

BOUND_RANK = "bound"


@dataclass(frozen=True)
class Ranked:
    name: str
    value: float | None  # the main value (None: no number)
    bound: bool
    installed: bool = True


def order(rows: Iterable[Ranked], *, higher: bool) -> list[Ranked]:
    """Rows with a main value first (best first, then by name), then installed rows without one, then the others."""

    def key(row: Ranked) -> tuple[int, float, str]:
        if row.value is None:
            return (1 if row.installed else 2, 0.0, row.name)
        return (0, -row.value if higher else row.value, row.name)

    return sorted(rows, key=key)


def ranks(rows: Sequence[Ranked], *, higher: bool, tied: Callable[[str, str], bool]) -> dict[str, str]:
    """Each ranked row's rank ("1", "2", "2=", ...) and each bound's "bound", in `order`; `tied(a, b)` says
    whether a (the rank's leader) and b are tied."""
    found: dict[str, str] = {}
    leader: tuple[str, int] | None = None  # (name, rank number) of the row that opened the current rank
    count = 0
    for row in order(rows, higher=higher):
        if row.value is None:
            continue
        if row.bound:
            found[row.name] = BOUND_RANK
            continue
        count += 1
        shares = leader is not None and tied(leader[0], row.name)
        number = leader[1] if shares and leader is not None else count
        found[row.name] = f"{number}=" if shares else str(number)
        if not shares:
            leader = (row.name, number)
    return found

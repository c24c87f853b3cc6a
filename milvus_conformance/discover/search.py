"""Boundary searches over a monotone predicate: exponential steps to bracket the edge, then binary
search inside the bracket. Every probe is remembered, so a source can say what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Edge:
    """`held`: the boundary value seen to hold (the largest for highest_true, the smallest for
    lowest_true); `failed`: its neighbour seen not to hold. Either is None when the search never saw
    one. `probes`: n -> result, in the order sent."""

    held: int | None
    failed: int | None
    probes: dict[int, bool] = field(default_factory=dict)

    @property
    def pinned(self) -> bool:
        return None not in (self.held, self.failed) and abs(self.held - self.failed) == 1


def highest_true(holds: Callable[[int], bool], start: int, limit: int) -> Edge:
    """The edge of a predicate true up to some n and false above it, searched in [start, limit]."""
    edge = Edge(None, None)

    def probe(n: int) -> bool:
        edge.probes[n] = result = holds(n)
        return result

    if not probe(start):
        return Edge(None, start, edge.probes)
    lo, hi, n = start, None, start
    while hi is None and n < limit:
        n = min(n * 2, limit)
        if probe(n):
            lo = n
        else:
            hi = n
    if hi is None:
        return Edge(lo, None, edge.probes)  # true all the way to the limit
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if probe(mid) else (lo, mid)
    return Edge(lo, hi, edge.probes)


def lowest_true(holds: Callable[[int], bool], known_true: int, floor: int = 1) -> Edge:
    """The edge of a predicate false below some n and true from it on, in [floor, known_true]
    (known_true already seen to hold)."""
    probes: dict[int, bool] = {}
    lo, hi = floor - 1, known_true  # lo: highest seen false (or below the floor)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        probes[mid] = result = holds(mid)
        lo, hi = (lo, mid) if result else (mid, hi)
    return Edge(hi, lo if lo >= floor else None, probes)

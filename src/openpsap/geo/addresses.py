"""House numbers: an address-range index that places "1455 Market St" by interpolation between the known
numbered points of its street. PURE (numpy; no web, no database).

Any jurisdiction fills it with what it has: San Francisco's block centres (the 100s blocks seen in the SFFD
call data: number 1400 is the middle of the 1400 block) or, elsewhere, address points (an exact number at an
exact place) and range ends. A number between two known points of its street is placed on the straight line
between them, in proportion; its uncertainty grows with the gap it was interpolated across. A number outside
the known range of its street is not placed (the caller is asked for a cross street). Between two address points,
numbers of the same parity are used first (odd and even numbers usually lie on opposite sides of the street).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Placed:
    lat: float
    lon: float
    uncertainty_m: float
    how: str  # exact (an address point) / block (the centre of the number's block) / interpolated


@dataclass(frozen=True)
class Point:
    number: float
    lat: float
    lon: float
    spread_m: float = 0.0  # 0: an address point; else how far the numbers it stands for may lie
    covers: tuple[int, int] | None = None  # the numbers it stands for (a block: 1400-1499)


class AddressIndex:
    def __init__(self) -> None:
        self._points: dict[str, list[Point]] = defaultdict(list)
        self.display: dict[str, str] = {}  # street key -> its name as written (for streets known only by address)

    def add(self, street: str, point: Point) -> None:
        bisect.insort(self._points[street], point, key=lambda p: p.number)

    def streets(self) -> set[str]:
        return set(self._points)

    def points(self, street: str) -> list[Point]:
        return list(self._points.get(street, []))

    def known_range(self, street: str) -> tuple[int, int] | None:
        pts = self._points.get(street)
        if not pts:
            return None
        return (pts[0].covers or (int(pts[0].number),) * 2)[0], (pts[-1].covers or (int(pts[-1].number),) * 2)[1]

    def place(self, street: str, number: int) -> Placed | None:
        pts = self._points.get(street)
        if not pts:
            return None
        numbers = [p.number for p in pts]
        i = bisect.bisect_left(numbers, number)
        if i < len(pts) and pts[i].number == number:
            p = pts[i]
            return Placed(p.lat, p.lon, max(p.spread_m, 10.0), "block" if p.spread_m else "exact")
        if 0 < i < len(pts):
            a, b = _same_side(pts, number) or (pts[i - 1], pts[i])
            f = (number - a.number) / (b.number - a.number)
            gap = _metres(a.lat, a.lon, b.lat, b.lon)
            # where a number really lies varies (sides of the street, irregular numbering): a quarter of the gap
            if a.spread_m or b.spread_m:
                uncertainty = 25.0 + 0.25 * gap
            else:  # two address points: about a building either side, plus a quarter of the gap
                uncertainty = max(25.0, 10.0 + 0.25 * gap)
            return Placed(a.lat + f * (b.lat - a.lat), a.lon + f * (b.lon - a.lon), round(uncertainty, 1), "interpolated")
        edge = pts[0] if i == 0 else pts[-1]  # beyond the known points: only inside the block the edge stands for
        if edge.covers and edge.covers[0] <= number <= edge.covers[1]:
            return Placed(edge.lat, edge.lon, max(edge.spread_m, 10.0), "block")
        return None


def _same_side(pts: list[Point], number: int) -> tuple[Point, Point] | None:
    """The nearest address points either side of `number` with its parity (odd and even numbers usually face each
    other across the street), when there are such points on both sides; else None."""
    below = [p for p in pts if p.number < number and not p.spread_m and int(p.number) % 2 == number % 2]
    above = [p for p in pts if p.number > number and not p.spread_m and int(p.number) % 2 == number % 2]
    return (below[-1], above[0]) if below and above else None


def from_block_centres(blocks: dict[tuple[int, str], tuple[float, float]]) -> AddressIndex:
    """San Francisco numbers its blocks in hundreds: a block's centre stands for its number + 50, the numbers of
    the block lying up to half a block either side."""
    index = AddressIndex()
    by_street: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for (block, street), (lat, lon) in blocks.items():
        by_street[street].append((block, lat, lon))
    for street, rows in by_street.items():
        rows.sort()
        for k, (block, lat, lon) in enumerate(rows):
            nxt = rows[k + 1] if k + 1 < len(rows) and rows[k + 1][0] == block + 100 else None
            half = _metres(lat, lon, nxt[1], nxt[2]) / 2 if nxt else 60.0
            index.add(street, Point(block + 50, lat, lon, round(min(max(half, 30.0), 150.0), 1), (block, block + 99)))
    return index


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))

"""Possible duplicates: open incidents near a new call's location, within a distance and a time window that depend
on the incident type (a fire is seen and called in from further away and for longer than a fall). PURE.

The defaults below are the agency's to change (settings `duplicate_rules`: {"FSTRU": [600, 120], ...}, metres and
minutes; `duplicate_radius_m` / `duplicate_minutes` for every other type).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

RADIUS_M, MINUTES = 300.0, 60.0
# seen from afar (smoke, a crash blocking a road, a gas smell): wider and longer
WIDER = {**{c: (800.0, 120.0) for c in ("FSTRU", "FAPT", "FBRUSH", "FSMOKE", "FUNK", "FOTHER", "EXPLOS", "HAZMAT")},
         **{c: (500.0, 90.0) for c in ("FVEH", "MVA", "MVAINJY", "MVAUNK", "GASLEAK", "GASLEAKI", "GASLEAKO", "ODOR",
                                       "SHOOT", "ACTSHOOT", "WIRES", "THAZ")}}


@dataclass(frozen=True)
class Candidate:
    id: str
    incident_type: str
    lat: float
    lon: float
    created_at: datetime


@dataclass(frozen=True)
class Nearby:
    id: str
    distance_m: float
    minutes_ago: float
    same_type: bool


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def window(incident_type: str, rules: dict[str, tuple[float, float]], radius_m: float, minutes: float) -> tuple[float, float]:
    return rules.get(incident_type) or WIDER.get(incident_type) or (radius_m, minutes)


def near(lat: float, lon: float, now: datetime, open_incidents: Iterable[Candidate], *, incident_type: str | None = None,
         rules: dict[str, tuple[float, float]] | None = None, radius_m: float = RADIUS_M,
         minutes: float = MINUTES) -> list[Nearby]:
    """Open incidents close enough to be the same event, nearest first. Each incident's own type sets its window;
    the new call's type, when known, widens it (a second caller may describe the same fire differently)."""
    rules = rules or {}
    out = []
    for c in open_incidents:
        r, m = window(c.incident_type, rules, radius_m, minutes)
        if incident_type:
            r2, m2 = window(incident_type, rules, radius_m, minutes)
            r, m = max(r, r2), max(m, m2)
        d = metres(lat, lon, c.lat, c.lon)
        age = (now - c.created_at).total_seconds() / 60
        if d <= r and age <= m:
            out.append(Nearby(c.id, round(d), round(age, 1), c.incident_type == incident_type))
    return sorted(out, key=lambda n: (not n.same_type, n.distance_m))

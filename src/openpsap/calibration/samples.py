"""The recorded unit responses a travel-time model is fitted on: en route -> on scene, 10 to 1,800 s, by a unit
that started in quarters (its previous assignment ended at least 10 minutes before this dispatch, or this is its
first response in the file; ../shared/data/sf/METHOD.md), from the unit's posting to the call's location.

Every response is either used or counted under a reason. Medics and private ambulances roam: for them the
location of their previous call, when they cleared it less than an hour before, is kept as their last known
position (`last_goal`). PURE: no web, no database.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpsap.errors import InvalidInput
from openpsap.routing.graph import RoadGraph
from openpsap.simulation.loaders import HistoricalCall, Response

MIN_S, MAX_S = 10.0, 1800.0
IN_QUARTERS = timedelta(minutes=10)
LAST_KNOWN = timedelta(hours=1)
ROAMING = {"MEDIC", "PRIVATE"}


@dataclass(frozen=True)
class Sample:
    unit_id: str
    unit_type: str
    day: date  # local date of the dispatch, in the source's time zone
    real_s: float
    start: int  # road node of the unit's posting
    goal: int  # road node of the call
    straight_m: float  # posting to call, in a straight line
    in_quarters: bool
    last_goal: int | None = None  # roaming units: road node of their previous call (last known position)


@dataclass
class Samples:
    items: list[Sample] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def used(self) -> list[Sample]:
        return [s for s in self.items if s.in_quarters]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def collect(calls: list[HistoricalCall], postings: dict[str, tuple[float, float]], graph: RoadGraph,
            timezone: ZoneInfo) -> Samples:
    """Every unit response of `calls` as a Sample (in quarters or not), or a counted reason why not.
    postings: unit id -> (lat, lon) where the unit waits in quarters."""
    out = Samples()
    nodes: dict[tuple[float, float], int | None] = {}

    def node(lat: float, lon: float) -> int | None:
        if (lat, lon) not in nodes:
            try:
                nodes[(lat, lon)] = graph.snap(lat, lon).node
            except InvalidInput:
                nodes[(lat, lon)] = None
        return nodes[(lat, lon)]

    by_unit: dict[str, list[tuple[Response, HistoricalCall]]] = defaultdict(list)
    for call in calls:
        for r in call.responses:
            by_unit[r.unit_id].append((r, call))
    for unit_id, rows in sorted(by_unit.items()):
        rows.sort(key=lambda rc: rc[0].dispatch_at or rc[1].received_at)
        free_at: datetime | None = None
        last: tuple[datetime, HistoricalCall] | None = None
        for r, call in rows:
            dispatched = r.dispatch_at or call.received_at
            in_quarters = free_at is None or dispatched - free_at >= IN_QUARTERS
            previous = last
            if r.available_at:
                free_at = r.available_at
                last = (r.available_at, call)
            reason = _unusable(r, call, unit_id, postings)
            if reason:
                out.skipped[reason] += 1
                continue
            assert r.enroute_at and r.onscene_at and call.lat is not None and call.lon is not None
            home = postings[unit_id]
            start, goal = node(*home), node(call.lat, call.lon)
            if start is None or goal is None:
                out.skipped["posting or call off the road map"] += 1
                continue
            last_goal = None
            if r.unit_type.upper() in ROAMING and previous and previous[1].lat is not None and previous[1].lon is not None \
                    and dispatched - previous[0] <= LAST_KNOWN:
                last_goal = node(previous[1].lat, previous[1].lon)
            out.items.append(Sample(unit_id, r.unit_type.upper(), dispatched.astimezone(timezone).date(),
                                    (r.onscene_at - r.enroute_at).total_seconds(), start, goal,
                                    haversine_m(*home, call.lat, call.lon), in_quarters, last_goal))
            if not in_quarters:
                out.skipped["not in quarters"] += 1
    return out


def _unusable(r: Response, call: HistoricalCall, unit_id: str, postings: dict[str, tuple[float, float]]) -> str | None:
    if r.enroute_at is None or r.onscene_at is None:
        return "no en-route or on-scene time"
    seconds = (r.onscene_at - r.enroute_at).total_seconds()
    if not MIN_S <= seconds <= MAX_S:
        return "travel outside 10-1,800 s"
    if call.lat is None or call.lon is None:
        return "call without a location"
    if unit_id not in postings:
        return "unit not in the roster"
    return None

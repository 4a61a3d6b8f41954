"""Centre KPIs from a replay run: simulated figures from the run's projected tables (built from its
event log), historical figures from the source file, computed the same way side by side.

Definitions (the honesty tests recompute the historical ones from the CSV with pandas):
- call processing: received -> first unit dispatched, per call, seconds, by priority;
- response: dispatched -> on scene, per unit response that arrived, seconds, by priority and unit
  type; kept when 0 <= x <= 7200 s (the source has clock errors);
- percentiles: numpy's default (linear interpolation), p50 and p90.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.incidents.models import Incident, Note
from openpsap.simulation.loaders import HistoricalCall
from openpsap.simulation.replay import SHORTAGE_NOTE
from openpsap.units.models import Assignment, Unit

MAX_RESPONSE_S = 7200


@dataclass
class Sample:
    """The per-call and per-response records both sides are reduced to."""

    received: list[datetime] = field(default_factory=list)  # every call
    processing: list[tuple[str, float]] = field(default_factory=list)  # (priority, seconds)
    response: list[tuple[str, str, float]] = field(default_factory=list)  # (priority, unit type, seconds)
    busy: list[tuple[str, str, datetime, datetime]] = field(default_factory=list)  # (unit, type, from, to)
    types: Counter[str] = field(default_factory=Counter)
    responses: int = 0  # unit responses (dispatches) in the window
    locations: list[tuple[str, float | None, float | None, str | None]] = field(default_factory=list)


def _keep(seconds: float) -> bool:
    return 0 <= seconds <= MAX_RESPONSE_S


def in_window(t: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or t >= start) and (end is None or t < end)


def historical(calls: list[HistoricalCall], start: datetime | None = None, end: datetime | None = None) -> Sample:
    s = Sample()
    for c in calls:
        if not in_window(c.received_at, start, end):
            continue
        s.received.append(c.received_at)
        s.types[c.incident_type] += 1
        s.locations.append((c.priority, c.lat, c.lon, c.address))
        if c.dispatch_at is not None:
            s.processing.append((c.priority, (c.dispatch_at - c.received_at).total_seconds()))
        s.responses += len(c.responses)
        for r in c.responses:
            if r.dispatch_at and r.onscene_at and _keep(x := (r.onscene_at - r.dispatch_at).total_seconds()):
                s.response.append((c.priority, r.unit_type, x))
            if r.dispatch_at and r.available_at and r.available_at > r.dispatch_at:
                s.busy.append((r.unit_id, r.unit_type, r.dispatch_at, r.available_at))
    return s


@dataclass
class Shortage:
    at: datetime
    incident_id: str
    incident_type: str
    priority: str
    text: str


def simulated(db: Session, start: datetime | None = None, end: datetime | None = None) -> tuple[Sample, list[Shortage]]:
    s = Sample()
    incidents = {i.id: i for i in db.scalars(select(Incident))}
    received: dict[str, datetime] = {}
    for call in db.scalars(select(Call).order_by(Call.received_at)):
        if not in_window(call.received_at, start, end):
            continue
        s.received.append(call.received_at)
        if call.incident_id:
            received[call.incident_id] = min(call.received_at, received.get(call.incident_id, call.received_at))
    unit_type = {u.id: u.unit_type for u in db.scalars(select(Unit))}
    first_dispatch: dict[str, datetime] = {}
    for a in db.scalars(select(Assignment).order_by(Assignment.dispatched_at)):
        inc = incidents[a.incident_id]
        if a.incident_id not in received:
            continue
        first_dispatch.setdefault(a.incident_id, a.dispatched_at)
        s.responses += 1
        if a.onscene_at and _keep(x := (a.onscene_at - a.dispatched_at).total_seconds()):
            s.response.append((inc.priority, unit_type.get(a.unit_id, "?"), x))
        if a.cleared_at:
            s.busy.append((a.unit_id, unit_type.get(a.unit_id, "?"), a.dispatched_at, a.cleared_at))
    for incident_id, at in received.items():
        inc = incidents[incident_id]
        s.types[inc.incident_type] += 1
        s.locations.append((inc.priority, inc.lat, inc.lon, inc.address))
        if incident_id in first_dispatch:
            s.processing.append((inc.priority, (first_dispatch[incident_id] - at).total_seconds()))
    shortages = [
        Shortage(n.created_at, n.incident_id, incidents[n.incident_id].incident_type, incidents[n.incident_id].priority, n.text)
        for n in db.scalars(select(Note).where(Note.text.startswith(SHORTAGE_NOTE)).order_by(Note.created_at))
        if n.incident_id in received
    ]
    return s, shortages


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p90": None, "mean": None}
    a = np.asarray(values, dtype=float)
    return {"n": int(a.size), "p50": round(float(np.percentile(a, 50)), 1), "p90": round(float(np.percentile(a, 90)), 1),
            "mean": round(float(a.mean()), 1)}


def by(rows: list[tuple], key: int, value: int = -1) -> dict[str, dict]:
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        groups[str(row[key])].append(row[value])
    return {k: percentiles(v) for k, v in sorted(groups.items())}


def calls_by_hour(received: list[datetime], tz: ZoneInfo) -> list[int]:
    counts = [0] * 24
    for t in received:
        counts[t.astimezone(tz).hour] += 1
    return counts


def calls_by_day(received: list[datetime], tz: ZoneInfo) -> dict[str, int]:
    return dict(sorted(Counter(t.astimezone(tz).strftime("%Y-%m-%d %a") for t in received).items()))


def utilisation(busy: list[tuple[str, str, datetime, datetime]], start: datetime, end: datetime,
                fleet: dict[str, int]) -> dict[str, float]:
    """Share of unit-time committed to incidents, per unit type, over [start, end)."""
    span = (end - start).total_seconds()
    used: dict[str, float] = defaultdict(float)
    for _, kind, a, b in busy:
        a, b = max(a, start), min(b, end)
        if b > a:
            used[kind] += (b - a).total_seconds()
    return {k: round(used[k] / (n * span), 4) for k, n in sorted(fleet.items()) if n and span > 0}


def repeat_share(locations: list[tuple[str, float | None, float | None, str | None]]) -> float | None:
    """Share of calls from an address that called more than once in the window (no caller numbers here)."""
    addresses = [a for _, _, _, a in locations if a]
    if not addresses:
        return None
    counts = Counter(addresses)
    return round(sum(1 for a in addresses if counts[a] > 1) / len(addresses), 4)

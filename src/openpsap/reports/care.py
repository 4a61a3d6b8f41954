"""Care-pathway measures from a centre's database: what happens to the callers no CAD serves well.

- non-emergency incidents resolved without an emergency unit (no engine, truck, medic or rescue sent):
  the lonely child gets a kind visit or a call, not lights and sirens;
- follow-ups done on time (done by their due time, out of those done or overdue);
- repeat-caller share (calls from numbers with `repeat_calls` or more calls within `repeat_days`) and
  its trend by day;
- callbacks answered (callback attempts whose result is an answer).
Each measure also says how many cases it rests on; None when there are none. No web imports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.calls.models import Call
from openpsap.care.models import FollowUp
from openpsap.dispatching.plans import ResponsePlans
from openpsap.eventlog.models import EventRecord
from openpsap.incidents.models import Incident
from openpsap.units.models import Assignment, Unit

EMERGENCY_APPARATUS = {"ENGINE", "TRUCK", "MEDIC", "RESCUE", "RESCUE CAPTAIN", "RESCUE SQUAD", "AIRPORT", "CHIEF"}


def non_emergency_types(codes: set[str] | Mapping[str, object], plans: ResponsePlans) -> set[str]:
    """The incident types whose response plan sends no unit."""
    return {code for code in codes if not plans.for_type(code).slots}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def measures(db: Session, *, non_emergency_types: set[str], repeat_calls: int, repeat_days: int,
             start: datetime | None = None, end: datetime | None = None, now: datetime | None = None) -> dict[str, Any]:
    def within(column, since: datetime | None = start):  # noqa: ANN001, ANN202 - the window, in SQL
        return [c for c in ((column >= since) if since else None, (column < end) if end else None) if c is not None]

    incidents = list(db.scalars(select(Incident).where(Incident.incident_type.in_(non_emergency_types),
                                                       *within(Incident.created_at))))
    sent: dict[str, set[str]] = defaultdict(set)
    if incidents:
        ids = [i.id for i in incidents]
        for incident_id, unit_type in db.execute(select(Assignment.incident_id, Unit.unit_type)
                                                 .join(Unit, Unit.id == Assignment.unit_id)
                                                 .where(Assignment.incident_id.in_(ids))):
            sent[incident_id].add(unit_type)
    quiet = sum(1 for i in incidents if not (sent[i.id] & EMERGENCY_APPARATUS))

    tasks = list(db.scalars(select(FollowUp).where(*within(FollowUp.created_at))))
    now = now or datetime.now(tasks[0].due_at.tzinfo if tasks else None)
    on_time = sum(1 for t in tasks if t.status == "done" and t.closed_at is not None and t.closed_at <= t.due_at)
    late = sum(1 for t in tasks if (t.status == "done" and t.closed_at is not None and t.closed_at > t.due_at)
               or (t.status == "open" and t.due_at < now))

    window = timedelta(days=repeat_days)
    calls = db.execute(select(Call.caller_number, Call.received_at)  # from one window before: earlier calls count
                       .where(Call.caller_number.is_not(None), *within(Call.received_at, start - window if start else None))
                       .order_by(Call.received_at)).all()
    seen: dict[str, list[datetime]] = defaultdict(list)
    repeat_by_day: Counter[str] = Counter()
    all_by_day: Counter[str] = Counter()
    for number, at in calls:
        if number is None:  # never: the query leaves them out (this narrows the type)
            continue
        earlier = [t for t in seen[number] if at - t <= window]
        seen[number] = [*earlier, at]
        if start is None or at >= start:
            day = at.date().isoformat()
            all_by_day[day] += 1
            repeat_by_day[day] += len(seen[number]) >= repeat_calls

    attempts = list(db.scalars(select(EventRecord).where(EventRecord.kind == "callback-attempted",
                                                         *within(EventRecord.occurred_at))))
    answered = sum(1 for e in attempts if str(e.data.get("result", "")).startswith("answered"))
    total_calls = sum(all_by_day.values())
    return {
        "non_emergency_without_emergency_unit": {"share": _share(quiet, len(incidents)), "incidents": len(incidents)},
        "follow_ups_on_time": {"share": _share(on_time, on_time + late), "done_on_time": on_time, "late_or_overdue": late,
                               "open": sum(1 for t in tasks if t.status == "open")},
        "repeat_caller_share": {"share": _share(sum(repeat_by_day.values()), total_calls), "calls_with_number": total_calls,
                                "rule": f"{repeat_calls} calls in {repeat_days} days",
                                "by_day": {d: _share(repeat_by_day[d], n) for d, n in sorted(all_by_day.items())}},
        "callbacks_answered": {"share": _share(answered, len(attempts)), "attempts": len(attempts)},
    }

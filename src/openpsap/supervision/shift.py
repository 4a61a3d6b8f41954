"""The shift at a glance for the supervisor: calls waiting and answered in time (NENA-STA-020.1: 90% within 15 s,
95% within 20 s), calls still open per call-taker, pending incidents by priority and age, units available by type,
and the alerts a supervisor must act on. PURE: plain rows in, figures out (no web, no database)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

ANSWER_S = (15, 20)
NENA_SHARE = {15: 0.90, 20: 0.95}


@dataclass(frozen=True)
class Thresholds:
    ringing_s: float = 15  # a call ringing longer than this
    pending_s: dict[str, float] | None = None  # by priority: P1/P2 60 s, P3 120 s, else 600 s (the queue's rule)
    open_call_min: float = 20  # a call-taker's call open longer than this
    min_available: dict[str, int] | None = None  # unit types that must keep at least this many available

    def pending(self, priority: str) -> float:
        return (self.pending_s or {"P1": 60, "P2": 60, "P3": 120}).get(priority, 600)


@dataclass(frozen=True)
class CallRow:
    received_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    answered_by: str | None
    status: str


@dataclass(frozen=True)
class IncidentRow:
    id: str
    priority: str
    status: str
    created_at: datetime
    located: bool


@dataclass(frozen=True)
class UnitRow:
    unit_type: str
    primary_status: str


def shift(now: datetime, calls: list[CallRow], incidents: list[IncidentRow], units: list[UnitRow],
          t: Thresholds | None = None) -> dict:
    t = t or Thresholds()
    ringing = [c for c in calls if c.status == "ringing"]
    waits = [(c.answered_at - c.received_at).total_seconds() for c in calls if c.answered_at] + \
            [(now - c.received_at).total_seconds() for c in ringing]  # still ringing: waiting so far
    answered = {s: round(sum(w <= s for w in waits) / len(waits), 3) if waits else None for s in ANSWER_S}
    open_calls: dict[str, list[float]] = defaultdict(list)
    for c in calls:
        if c.status == "answered" and c.answered_by and c.answered_at:
            open_calls[c.answered_by].append((now - c.answered_at).total_seconds() / 60)
    pending: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for i in incidents:
        if i.status in ("Active", "ReOpened"):
            pending[i.priority].append((i.id, (now - i.created_at).total_seconds()))
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: {"available": 0, "total": 0})
    for u in units:
        by_type[u.unit_type]["total"] += 1
        by_type[u.unit_type]["available"] += u.primary_status == "Available"

    alerts = []
    for c in ringing:
        if (s := (now - c.received_at).total_seconds()) > t.ringing_s:
            alerts.append({"level": "critical", "text": f"a call has been ringing {s:.0f} s (answer within {t.ringing_s:.0f} s)"})
    for s, share in NENA_SHARE.items():
        got = answered[s]
        if got is not None and got < share:
            alerts.append({"level": "warning", "text": f"{got:.0%} of calls answered within {s} s (NENA: {share:.0%})"})
    for priority, rows in sorted(pending.items()):
        late = [(iid, age) for iid, age in rows if age > t.pending(priority)]
        if late:
            iid, age = max(late, key=lambda r: r[1])
            alerts.append({"level": "critical" if priority in ("P1", "P2") else "warning",
                           "text": f"{len(late)} {priority} incident(s) waiting for a unit, {iid} for {age / 60:.1f} min"})
    unlocated = [i.id for i in incidents if not i.located and i.status not in ("Closed", "Cancelled")]
    if unlocated:
        alerts.append({"level": "warning", "text": f"{len(unlocated)} incident(s) with no location: {', '.join(unlocated[:5])}"})
    for who, minutes in sorted(open_calls.items()):
        if max(minutes) > t.open_call_min:
            alerts.append({"level": "warning", "text": f"{who} has had a call open for {max(minutes):.0f} min"})
    for unit_type, need in sorted((t.min_available or {}).items()):
        if by_type[unit_type]["available"] < need:
            alerts.append({"level": "critical", "text": f"only {by_type[unit_type]['available']} {unit_type} available "
                                                        f"(keep at least {need})"})
    return {
        "at": now.isoformat(),
        "calls": {"ringing": len(ringing),
                  "oldest_ringing_s": round(max(((now - c.received_at).total_seconds() for c in ringing), default=0)),
                  "answered": sum(1 for c in calls if c.answered_at),
                  "answered_within_15s": answered[15], "answered_within_20s": answered[20]},
        "open_calls": {who: {"calls": len(m), "oldest_min": round(max(m), 1)} for who, m in sorted(open_calls.items())},
        "pending": {p: {"incidents": len(rows), "oldest_s": round(max(a for _, a in rows))} for p, rows in sorted(pending.items())},
        "unlocated": unlocated,
        "units": dict(sorted(by_type.items())),
        "alerts": alerts,
    }

"""AVL: where units are. Fixes are high-volume (234 units every 10 s is about 2 million a day), so they stay out of
the ordered event log: each is a row of `unit_positions` (kept avl_history_hours), and the latest is written on the
unit's row, which the recommendation reads. A status change records the unit's position in its event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from openpsap.clock import iso
from openpsap.errors import Conflict, NotFound
from openpsap.units.models import Unit, UnitPosition

PRUNE_EVERY = 500  # fixes between two deletions of the old ones
_since_prune = 0


def record_fix(db: Session, *, unit_id: str, lat: float, lon: float, at: datetime, now: datetime,
               accuracy_m: float | None = None, keep: timedelta = timedelta(hours=24)) -> Unit:
    """Store a fix and make it the unit's position, unless the unit already has a newer one (409, nothing stored).
    The caller commits."""
    global _since_prune
    row = db.execute(select(Unit.position_at).where(Unit.id == unit_id)).first()
    if row is None:
        raise NotFound(f"unit {unit_id} not found", unit_id=unit_id)
    if row.position_at is not None and at < row.position_at:
        raise Conflict(f"unit {unit_id} already has a newer position (from {iso(row.position_at)}); older AVL fix ignored",
                       unit_id=unit_id)
    db.add(UnitPosition(unit_id=unit_id, lat=lat, lon=lon, accuracy_m=accuracy_m, device_at=at, received_at=now))
    db.execute(update(Unit).where(Unit.id == unit_id).values(lat=lat, lon=lon, position_at=at))
    _since_prune += 1
    if _since_prune >= PRUNE_EVERY:
        _since_prune = 0
        db.execute(delete(UnitPosition).where(UnitPosition.received_at < now - keep))
    unit = db.get(Unit, unit_id)
    assert unit is not None  # checked above, in this transaction
    return unit


def fixes_after(db: Session, *, after_id: int, unit_id: str | None = None, limit: int = 1000) -> list[UnitPosition]:
    """Fixes stored after `after_id` (for the live stream), oldest first."""
    stmt = select(UnitPosition).where(UnitPosition.id > after_id).order_by(UnitPosition.id).limit(limit)
    if unit_id is not None:
        stmt = stmt.where(UnitPosition.unit_id == unit_id)
    return list(db.scalars(stmt))


def last_fix_id(db: Session) -> int:
    return db.scalar(select(func.max(UnitPosition.id))) or 0


def track(db: Session, *, unit_id: str, since: datetime) -> list[UnitPosition]:
    stmt = select(UnitPosition).where(UnitPosition.unit_id == unit_id, UnitPosition.device_at >= since)
    return list(db.scalars(stmt.order_by(UnitPosition.device_at)))


def overlay_latest(db: Session) -> int:
    """After a rebuild from the log: put each unit back at its latest fix when that is newer than the log's position."""
    latest = (select(UnitPosition.unit_id, func.max(UnitPosition.id).label("id")).group_by(UnitPosition.unit_id)).subquery()
    moved = 0
    for fix in db.scalars(select(UnitPosition).join(latest, UnitPosition.id == latest.c.id)):
        unit = db.get(Unit, fix.unit_id)
        if unit is not None and (unit.position_at is None or fix.device_at >= unit.position_at):
            unit.lat, unit.lon, unit.position_at = fix.lat, fix.lon, fix.device_at
            moved += 1
    return moved


def as_json(fix: UnitPosition) -> dict:
    return {"kind": "unit-position", "unit_id": fix.unit_id, "lat": fix.lat, "lon": fix.lon, "at": iso(fix.device_at),
            "accuracy_m": fix.accuracy_m}

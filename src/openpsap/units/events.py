"""The events of units: the roster, dispatches and status moves (eventlog/types.py). AVL fixes are not events
(units/avl.py); older logs hold `unit-position-updated`, still read."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openpsap.eventlog.types import EventPayload


class UnitAdded(EventPayload):
    """A unit entered the roster: id, unit_type, capabilities, agency_id, home_station_id, status, lat, lon."""

    event_kind = "unit-added"
    id: str
    unit_type: str
    capabilities: list[str]
    agency_id: str
    home_station_id: str | None = None
    status: str | None = None
    lat: float | None = None
    lon: float | None = None


class UnitUpdated(EventPayload):
    """An admin changed a unit in the roster: id, changes {field: new value} (unit_type, capabilities, home_station_id, lat, lon), previous {field: old value}."""

    event_kind = "unit-updated"
    id: str
    changes: dict[str, Any]
    previous: dict[str, Any]


class UnitDispatched(EventPayload):
    """A unit was assigned to an incident: unit_id, incident_id, assignment_id."""

    event_kind = "unit-dispatched"
    unit_id: str
    incident_id: str
    assignment_id: str


class _Where(EventPayload):
    lat: float | None = Field(default=None, description="the unit's last known position")
    lon: float | None = None
    position_at: str | None = Field(default=None, description="when that position was fixed")
    device_at: str | None = Field(default=None, description="when it was tapped on the unit's screen, if sent later")


class UnitStatusChanged(_Where):
    """A unit's status moved: unit_id, from, to, incident_id; lat, lon, position_at (its last known position); device_at (when tapped on the unit's screen, if sent later)."""

    event_kind = "unit-status-changed"
    unit_id: str
    from_: str = Field(alias="from")
    to: str
    incident_id: str | None = None


class UnitAcknowledged(EventPayload):
    """The unit's crew acknowledged its assignment on the unit's screen: unit_id, incident_id, device_at."""

    event_kind = "unit-acknowledged"
    unit_id: str
    incident_id: str
    device_at: str | None = None


class UnitCleared(_Where):
    """A unit left its incident and is available: unit_id, incident_id, assignment_id, to; lat, lon, position_at, device_at as for a status change."""

    event_kind = "unit-cleared"
    unit_id: str
    incident_id: str | None = None
    assignment_id: str | None = None
    to: str | None = None


class UnitPositionUpdated(EventPayload):
    """An AVL fix: unit_id, lat, lon, at. No longer written: fixes are kept out of the log (the unit_positions table); older logs still hold them."""

    event_kind = "unit-position-updated"
    unit_id: str
    lat: float
    lon: float
    at: str

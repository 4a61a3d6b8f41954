"""The events of agencies and stations (eventlog/types.py)."""

from __future__ import annotations

from typing import Any

from openpsap.eventlog.types import EventPayload


class AgencyAdded(EventPayload):
    """An agency (police, fire, EMS) joined: id, name, discipline."""

    event_kind = "agency-added"
    id: str
    name: str
    discipline: str


class StationAdded(EventPayload):
    """A station: id, name, agency_id, lat, lon, address."""

    event_kind = "station-added"
    id: str
    name: str
    agency_id: str
    lat: float
    lon: float
    address: str | None = None


class StationUpdated(EventPayload):
    """An admin changed a station: id, changes {field: new value} (name, lat, lon, address), previous {field: old value}."""

    event_kind = "station-updated"
    id: str
    changes: dict[str, Any]
    previous: dict[str, Any]

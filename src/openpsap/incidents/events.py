"""The events of incidents (eventlog/types.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openpsap.eventlog.types import EventPayload


class IncidentCreated(EventPayload):
    """An incident was opened: id, uid, counter, number, incident_type, priority, eido_priority, location, flags, calls."""

    event_kind = "incident-created"
    id: str
    uid: str
    counter: str | None = None
    number: int | None = None
    incident_type: str
    priority: str
    eido_priority: int
    location: dict[str, Any] | None = None
    flags: list[str] = []
    calls: list[str] = []


class IncidentUpdated(EventPayload):
    """Incident fields changed: id, changes {field: new value}, previous {field: old value}."""

    event_kind = "incident-updated"
    id: str
    changes: dict[str, Any]
    previous: dict[str, Any] = {}


class IncidentStatusChanged(EventPayload):
    """The incident status moved: id, from, to."""

    event_kind = "incident-status-changed"
    id: str
    from_: str = Field(alias="from")
    to: str


class NoteAdded(EventPayload):
    """A note on an incident: incident_id, note_id, text."""

    event_kind = "note-added"
    incident_id: str
    note_id: str
    text: str


class IncidentClosed(EventPayload):
    """Incident closed: id, disposition, outcome."""

    event_kind = "incident-closed"
    id: str
    disposition: str
    outcome: str | None = None


class IncidentCancelled(EventPayload):
    """Incident cancelled before completion: id, reason, disposition."""

    event_kind = "incident-cancelled"
    id: str
    reason: str
    disposition: str | None = None


class IncidentReopened(EventPayload):
    """A closed or cancelled incident was reopened: id, reason."""

    event_kind = "incident-reopened"
    id: str
    reason: str

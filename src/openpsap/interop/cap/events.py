"""The events of CAP public alerts (eventlog/types.py). They hold only what the public reads: the text a supervisor
wrote (checked for private data before it was accepted), the incident's type in public words and the area. The
CAP messages are rebuilt from them, the same every time."""

from __future__ import annotations

from typing import Any

from openpsap.eventlog.types import EventPayload


class _AlertMessage(EventPayload):
    """What every CAP message of an alert carries: the alert, its incident, and the message's CAP identity."""

    alert_id: str
    incident_id: str
    sender: str
    identifier: str
    sent: str


class PublicAlertIssued(_AlertMessage):
    """A supervisor issued a public alert (CAP 1.2 msgType Alert) from an incident: alert_id, incident_id, sender, identifier and sent (of the CAP message), status (Actual, Exercise, Test), info (event, category, urgency, severity, certainty, headline, description, instruction, response_types, expires, area_desc, polygon or circle, incident_type in public words)."""

    event_kind = "public-alert-issued"
    status: str
    info: dict[str, Any]


class PublicAlertUpdated(_AlertMessage):
    """A supervisor updated a public alert (CAP msgType Update, referencing the earlier messages): alert_id, incident_id, sender, identifier, sent, references ("sender,identifier,sent" of each earlier message), info (the whole new content)."""

    event_kind = "public-alert-updated"
    references: list[str]
    info: dict[str, Any]


class PublicAlertCancelled(_AlertMessage):
    """A supervisor cancelled a public alert (CAP msgType Cancel, referencing the earlier messages): alert_id, incident_id, sender, identifier, sent, references, note (why, for the public)."""

    event_kind = "public-alert-cancelled"
    references: list[str]
    note: str = ""

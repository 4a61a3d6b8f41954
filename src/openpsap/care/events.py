"""The events of the care pathway (eventlog/types.py). Their private values (caller numbers, notes) reach only the
roles that may read them (eventlog/privacy.py)."""

from __future__ import annotations

from typing import Any

from openpsap.eventlog.types import EventPayload


class CallerHistoryViewed(EventPayload):
    """Someone read a caller's history (privacy audit): call_id, prior_calls, repeat_caller, care_plan (present or not); the actor says who."""

    event_kind = "caller-history-viewed"
    call_id: str
    prior_calls: int
    repeat_caller: bool
    care_plan: bool


class CarePlanNoted(EventPayload):
    """The outreach team set the care-plan note for a caller: caller_number, note."""

    event_kind = "care-plan-noted"
    caller_number: str
    note: str


class CareOutcomesRecorded(EventPayload):
    """What really happened on an incident, beside its disposition: incident_id, outcomes (all so far, ids of the care configuration), added (new this time), note."""

    event_kind = "care-outcomes-recorded"
    incident_id: str
    outcomes: list[str]
    added: list[str] = []
    note: str = ""


class FollowUpCreated(EventPayload):
    """A task for the outreach team: id, kind, incident_id, caller_number, referral, assignee, due_at, note."""

    event_kind = "follow-up-created"
    id: str
    kind: str
    incident_id: str | None = None
    caller_number: str | None = None
    referral: str | None = None
    assignee: str | None = None
    due_at: str
    note: str = ""


class FollowUpUpdated(EventPayload):
    """A follow-up changed: id, status (open/done/cancelled), note, assignee."""

    event_kind = "follow-up-updated"
    id: str
    status: str
    note: str = ""
    assignee: str | None = None


class CallbackAttempted(EventPayload):
    """A callback to a silent or abandoned call: call_id, result, cues, note, proposal (what to do next)."""

    event_kind = "callback-attempted"
    call_id: str
    result: str
    cues: list[str] = []
    note: str = ""
    proposal: dict[str, Any] | str | None = None


class PublicSummaryApproved(EventPayload):
    """A public-information officer approved the public summary of an incident: incident_id, text (redacted on the server), removed {kind: count}."""

    event_kind = "public-summary-approved"
    incident_id: str
    text: str
    removed: dict[str, int] = {}


class PublicSummaryWithdrawn(EventPayload):
    """The public summary of an incident was withdrawn: incident_id."""

    event_kind = "public-summary-withdrawn"
    incident_id: str

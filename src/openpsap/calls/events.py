"""The events of calls, their triage and the protocol (eventlog/types.py)."""

from __future__ import annotations

from typing import Any

from openpsap.eventlog.types import EventPayload


class CallReceived(EventPayload):
    """A 911 call arrived: id, channel, caller_number, received_at, location, narrative."""

    event_kind = "call-received"
    id: str
    channel: str
    caller_number: str | None = None
    received_at: str
    location: dict[str, Any] | None = None
    narrative: str = ""


class CallAnswered(EventPayload):
    """A call-taker answered the call: id."""

    event_kind = "call-answered"
    id: str
    answered_at: str | None = None


class CallUpdated(EventPayload):
    """Call details changed: id and the changed fields (location, narrative, caller_number)."""

    event_kind = "call-updated"
    id: str
    changes: dict[str, Any]


class CallEnded(EventPayload):
    """The call was disconnected: id, abandoned (ended before it was answered)."""

    event_kind = "call-ended"
    id: str
    abandoned: bool | None = None
    ended_at: str | None = None


class CallLinked(EventPayload):
    """A call was linked to an incident: id, incident_id."""

    event_kind = "call-linked"
    id: str
    incident_id: str


class TriageSuggested(EventPayload):
    """Triage suggested for a call: id (call), text_chars, result (urgency, type, flags, ...), model_version."""

    event_kind = "triage-suggested"
    id: str
    text_chars: int
    result: dict[str, Any]
    model_version: str | None = None


class TriageDecided(EventPayload):
    """The call-taker accepted or overrode a triage suggestion: id (call), accepted, final {field: value}, suggested_event_id."""

    event_kind = "triage-decided"
    id: str
    accepted: bool
    final: dict[str, Any]
    suggested_event_id: str | None = None


class ProtocolAnswered(EventPayload):
    """The call-taker confirmed protocol answers on a call: id (call), complaint, answers {question: answer}."""

    event_kind = "protocol-answered"
    id: str
    complaint: str | None = None
    answers: dict[str, str]


class PrearrivalStepGiven(EventPayload):
    """A pre-arrival instruction step was given to the caller: id (call), set, step (from 1), say (the words)."""

    event_kind = "prearrival-step-given"
    id: str
    set: str
    step: int
    say: str


class TranscriptSegment(EventPayload):
    """A stretch of the caller's speech transcribed live from the call audio: id (call), text, start_s and end_s
    (seconds from the start of the call audio), model (the speech model version), language, non_english."""

    event_kind = "transcript-segment"
    id: str
    text: str
    start_s: float
    end_s: float
    model: str
    language: str | None = None
    non_english: bool | None = None

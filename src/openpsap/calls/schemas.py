"""API shapes for calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from openpsap.calls.enums import Channel
from openpsap.schemas import LocationIn, Read, Strict, utc_representable

PHONE_CHARS = set("0123456789+-() .#*")


def _phone(value: str | None) -> str | None:
    if value is not None and (not value or set(value) - PHONE_CHARS):
        raise ValueError("caller_number may hold only digits, spaces and + - ( ) . # *")
    return value


class CallCreate(Strict):
    channel: Channel = Channel.voice
    caller_number: str | None = Field(default=None, max_length=32)
    received_at: datetime | None = Field(default=None, description="when the call arrived; default now")
    location: LocationIn | None = None
    narrative: str = Field(default="", max_length=20_000)

    _check_phone = field_validator("caller_number")(_phone)

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("received_at needs a time zone, e.g. 2026-11-27T10:00:00Z")
        return utc_representable(value, "received_at")


class CallUpdate(Strict):
    caller_number: str | None = Field(default=None, max_length=32)
    location: LocationIn | None = None
    narrative: str | None = Field(default=None, max_length=20_000)

    _check_phone = field_validator("caller_number")(_phone)


class CallLink(Strict):
    incident_id: str = Field(min_length=1, max_length=16)


class CallRead(Read):
    id: str
    channel: str
    caller_number: str | None
    status: str
    received_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    answered_by: str | None
    lat: float | None
    lon: float | None
    uncertainty_m: float | None
    address: str | None
    location_source: str | None
    narrative: str
    incident_id: str | None
    protocol_answers: dict[str, str] | None = None
    triage: dict[str, Any] | None = Field(default=None, description="the latest triage suggestion on the call "
                                          "(urgency, type, flags, evidence, determinant), when asked for")


class TriageDecision(Strict):
    accepted: bool = Field(description="true if the suggestion was taken as it was")
    urgency: str | None = Field(default=None, pattern="^(High|Medium|Low)$")
    incident_type: str | None = Field(default=None, min_length=1, max_length=16)
    flags: list[str] | None = Field(default=None, max_length=8)
    suggested_event_id: str | None = Field(default=None, max_length=36, description="the triage-suggested event decided on")


class InstructionGiven(Strict):
    set: str = Field(max_length=64, description="the pre-arrival instruction set, e.g. cpr_adult")
    step: int = Field(ge=1, le=50, description="the step given, counted from 1")


class ProtocolAnswers(Strict):
    complaint: str | None = Field(default=None, max_length=64, description="the chief complaint being asked")
    answers: dict[str, str] = Field(max_length=64, description="confirmed answers {question id: answer}, e.g. "
                                    "{\"breathing\": \"no\"}")

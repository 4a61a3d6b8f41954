"""API shapes for incidents, notes and their closing."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from openpsap.schemas import LocationIn, Read, Strict


class IncidentCreate(Strict):
    incident_type: str = Field(min_length=1, max_length=16, description="APCO incident type code, e.g. CARDIAC")
    priority: str | None = Field(default=None, min_length=1, max_length=8, description="agency priority, e.g. P1; default the lowest")
    location: LocationIn | None = None
    flags: list[str] = Field(default_factory=list, max_length=16)
    calls: list[str] = Field(default_factory=list, max_length=50, description="ids of calls to link")


class IncidentUpdate(Strict):
    incident_type: str | None = Field(default=None, min_length=1, max_length=16)
    priority: str | None = Field(default=None, min_length=1, max_length=8)
    location: LocationIn | None = None
    flags: list[str] | None = Field(default=None, max_length=16)


class NoteCreate(Strict):
    text: str = Field(min_length=1, max_length=4000)


class IncidentClose(Strict):
    disposition: str = Field(min_length=1, max_length=8, description="EIDO disposition code, e.g. 18")
    outcome: str | None = Field(default=None, max_length=4000, description="what happened, in words")


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=1000)


class Dispatch(Strict):
    units: list[str] = Field(min_length=1, max_length=25, description="unit ids, e.g. ['E01', 'M10']")


class NoteRead(Read):
    id: str
    incident_id: str
    author: str
    text: str
    created_at: datetime


class AssignmentRead(Read):
    id: str
    unit_id: str
    dispatched_at: datetime
    enroute_at: datetime | None
    onscene_at: datetime | None
    transporting_at: datetime | None
    hospital_at: datetime | None
    cleared_at: datetime | None


class IncidentRead(Read):
    id: str
    uid: str
    incident_type: str
    incident_type_name: str = ""  # the short name a dispatcher uses ("Structure fire")
    incident_type_text: str = ""  # the registry's own text, on demand
    priority: str
    eido_priority: int
    status: str
    lat: float | None
    lon: float | None
    address: str | None
    flags: list[str]
    disposition: str | None
    outcome: str | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    closed_at: datetime | None
    call_count: int = 0


class IncidentDetail(IncidentRead):
    calls: list[str]
    units: list[str]
    assignments: list[AssignmentRead]
    notes: list[NoteRead]

"""API shapes for units."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from openpsap.schemas import Lat, Lon, Read, Strict, utc_representable
from openpsap.units.enums import UnitStatus


class UnitCreate(Strict):
    id: str = Field(min_length=1, max_length=16, description="e.g. E01, M10")
    unit_type: str = Field(min_length=1, max_length=32, description="ENGINE, TRUCK, MEDIC, PATROL, ...")
    capabilities: list[str] = Field(default_factory=list, max_length=20)
    agency_id: str = Field(min_length=1, max_length=32)
    home_station_id: str | None = Field(default=None, min_length=1, max_length=32, description="omit for none")


class UnitChange(Strict):
    unit_type: str | None = Field(default=None, min_length=1, max_length=32, description="ENGINE, TRUCK, MEDIC, PATROL, ...")
    capabilities: list[str] | None = Field(default=None, max_length=20, description="all of them, e.g. [als, transport]")
    home_station_id: str | None = Field(default=None, min_length=1, max_length=32, description="move the unit to this station")


class StatusChange(Strict):
    status: UnitStatus = Field(description="the new EIDO secondary status, e.g. EnRoute, OnScene, InService")
    incident_id: str | None = Field(default=None, max_length=16, description="the incident the unit's screen showed; "
                                    "refused (409) if the unit is no longer on it (reassigned, cleared or closed meanwhile)")
    at: datetime | None = Field(default=None, description="when it was tapped on the device (a queued change sent later "
                                "keeps it); the event records this and the time received")

    _at_in_range = field_validator("at")(lambda value: utc_representable(value, "at"))


class Acknowledge(Strict):
    incident_id: str = Field(min_length=1, max_length=16, description="the incident the screen showed")
    at: datetime | None = Field(default=None, description="when it was tapped on the device")

    _at_in_range = field_validator("at")(lambda value: utc_representable(value, "at"))


class PositionUpdate(Strict):
    lat: Lat
    lon: Lon
    at: datetime | None = Field(default=None, description="time of the fix; default now")
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000, description="the device's accuracy, metres")

    _at_in_range = field_validator("at")(lambda value: utc_representable(value, "at"))


class UnitRead(Read):
    id: str
    unit_type: str
    capabilities: list[str]
    agency_id: str
    home_station_id: str | None
    status: str
    primary_status: str
    status_changed_at: datetime
    lat: float | None
    lon: float | None
    position_at: datetime | None
    incident_id: str | None

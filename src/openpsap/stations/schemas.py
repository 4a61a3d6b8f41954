"""API shapes for agencies and stations."""

from __future__ import annotations

from pydantic import Field

from openpsap.schemas import Lat, Lon, Read, Strict


class AgencyCreate(Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=200)
    discipline: str = Field(pattern="^(police|fire|ems)$")


class StationCreate(Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=200)
    agency_id: str = Field(min_length=1, max_length=32)
    lat: Lat
    lon: Lon
    address: str | None = Field(default=None, max_length=300)


class StationChange(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    lat: Lat | None = None
    lon: Lon | None = None
    address: str | None = Field(default=None, max_length=300)


class AgencyRead(Read):
    id: str
    name: str
    discipline: str


class StationRead(Read):
    id: str
    name: str
    agency_id: str
    lat: float
    lon: float
    address: str | None

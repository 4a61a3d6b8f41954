"""Shared API shapes: a strict base model and the location of a call or incident."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from openpsap.calls.enums import LocationSource

Lat = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude")]
Lon = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude")]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LocationIn(Strict):
    lat: Lat | None = None
    lon: Lon | None = None
    uncertainty_m: float | None = Field(default=None, ge=0, le=100_000, description="radius, metres")
    address: str | None = Field(default=None, min_length=1, max_length=300, description="civic address")
    source: LocationSource | None = None

    @model_validator(mode="after")
    def _point_or_address(self) -> LocationIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.lat is None and self.address is None:
            raise ValueError("a location needs lat and lon, or an address")
        return self

    def to_data(self) -> dict:
        return self.model_dump(mode="json")

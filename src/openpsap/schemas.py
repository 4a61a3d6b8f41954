"""Shared API shapes: a strict base model and the location of a call or incident."""

from __future__ import annotations

from datetime import UTC, datetime
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

from openpsap.calls.enums import LocationSource

Lat = Annotated[float, Field(ge=-90, le=90, description="WGS84 latitude")]
Lon = Annotated[float, Field(ge=-180, le=180, description="WGS84 longitude")]


def _nul_at(data: Any) -> str | None:
    """Where (e.g. 'location.address') the input holds a NUL character, or None. Iterative: inputs nest deep."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return where or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and "\x00" in key:
                    return path
                stack.append((path, item))
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}" if where else str(i), item) for i, item in enumerate(value))
    return None


def utc_representable(value: datetime | None, field: str) -> datetime | None:
    """An aware time must still exist in UTC (0001-01-01T00:00:00+01:00 does not)."""
    if value is not None and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{field} is out of range once converted to UTC") from None
    return value


def _kinds(annotation: Any) -> set[type]:
    """The plain types a field's annotation allows (through Optional, unions and Annotated)."""
    if annotation in (int, float, bool, str, datetime):
        return {annotation}
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return set().union(*(_kinds(a) for a in get_args(annotation)))
    return set()


_KINDS: dict[type, tuple[tuple[str, frozenset[type]], ...]] = {}


def _field_kinds(cls: type[BaseModel]) -> tuple[tuple[str, frozenset[type]], ...]:
    """(field, plain types) of a model, worked out once per model (every request body is checked with them)."""
    found = _KINDS.get(cls)
    if found is None:
        found = _KINDS[cls] = tuple((name, frozenset(_kinds(f.annotation))) for name, f in cls.model_fields.items())
    return found


class Strict(BaseModel):
    """Input: unknown fields refused; no NUL in text; a number is never true/false; text is checked as sent (its
    length and pattern, as the OpenAPI document says), then its surrounding spaces are removed."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = _nul_at(data)
        if where is not None:
            raise ValueError(f"{where}: text may not contain NUL (\\u0000) characters")
        if isinstance(data, dict):
            for name, kinds in _field_kinds(cls):
                value = data.get(name)
                if isinstance(value, bool) and kinds & {int, float} and bool not in kinds:
                    raise ValueError(f"{name} must be a number, not {str(value).lower()}")
                if value is not None and not isinstance(value, bool) and kinds == {bool}:
                    raise ValueError(f"{name} must be true or false")
                if isinstance(value, int | float) and kinds == {datetime}:
                    raise ValueError(f"{name} must be a time with its zone, e.g. 2026-11-27T10:00:00Z, not a number")
        return data

    @model_validator(mode="after")
    def _strip(self) -> Strict:
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, str) and value != value.strip():
                least = next((m.min_length for m in field.metadata if getattr(m, "min_length", None)), 0)
                if len(value.strip()) < least:
                    raise ValueError(f"{name} is empty once its spaces are removed")
                object.__setattr__(self, name, value.strip())
        return self


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

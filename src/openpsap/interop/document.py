"""The shape an incoming EIDO must have before anything is written: NENA-STA-021.1b's required members and types for
every data component, the registry values openpsap holds (standards/registries.py), and size limits. Read at the
edge (the route, the command line); answers InvalidInput with a message that names the field.

Members this module does not name are allowed (the EIDO is extensible) but not read.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from openpsap.errors import InvalidInput
from openpsap.schemas import _nul_at, utc_representable
from openpsap.standards.registries import eido_registry, incident_types

MAX_BYTES = 1_000_000
MAX_ITEMS = 500
ID = Field(alias="$id", min_length=1, max_length=255)


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Ref(_Part):
    ref: str = Field(alias="$ref", min_length=1, max_length=255)


Refs = list[Ref]


class Prologue(_Part):
    id: str = ID
    lastUpdateTimeStamp: datetime
    updatedByAgencyReference: Ref
    updatedByAgentReference: Ref | None = None

    @field_validator("lastUpdateTimeStamp")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a timestamp needs its time zone, e.g. 2021-04-30T14:43:49-04:00")
        return utc_representable(value, "lastUpdateTimeStamp") or value


def _in(registry: dict[str, str] | set[str], values: list[str] | str, what: str) -> None:
    for value in [values] if isinstance(values, str) else values:
        if value not in registry:
            raise ValueError(f"{value[:80]!r} is not in the {what} registry")


class Agency(Prologue):
    agencyRoleDescriptionRegistryText: list[str] = Field(max_length=20)
    agencyType: list[str] = Field(max_length=20)
    incidentOwningAgencyIndicator: bool | None = None

    @field_validator("agencyRoleDescriptionRegistryText")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        _in(eido_registry("agency_roles"), value, "Agency Role")
        return value


class Agent(Prologue):
    agentRoleRegistryText: list[str] = Field(max_length=20)
    agencyReference: Ref


class Disposition(Prologue):
    dispositionCommonRegistryCode: str

    @field_validator("dispositionCommonRegistryCode")
    @classmethod
    def _code(cls, value: str) -> str:
        _in(eido_registry("dispositions"), value, "Common Disposition Codes")
        return value


class Incident(Prologue):
    incidentTypeCommonRegistryText: str = Field(max_length=16)
    incidentTypeInternalText: str | None = Field(default=None, max_length=300)
    incidentStatusCommonRegistryText: list[str] | None = Field(default=None, max_length=20)
    internalIncidentId: str | None = Field(default=None, max_length=100)
    incidentPriorityInternalText: str | None = Field(default=None, max_length=100)
    incidentCommonPriorityNumber: int | None = Field(default=None, ge=0, le=10)
    locationReference: Refs = Field(default=[], max_length=MAX_ITEMS)
    notesReference: Refs = Field(default=[], max_length=MAX_ITEMS)
    dispositionComponent: list[Disposition] = Field(default=[], max_length=MAX_ITEMS)

    @field_validator("incidentTypeCommonRegistryText")
    @classmethod
    def _type(cls, value: str) -> str:
        _in(set(incident_types()), value, "Incident Type - Common")
        return value

    @field_validator("incidentStatusCommonRegistryText")
    @classmethod
    def _status(cls, value: list[str] | None) -> list[str] | None:
        _in(eido_registry("incident_status"), value or [], "Incident Status - Common")
        return value


class Call(Prologue):
    standardPrimaryCallType: str = Field(max_length=100)
    localCallType: str | None = Field(default=None, max_length=100)
    direction: Literal["incoming", "outgoing", "internal"]
    callStartTimestamp: datetime
    answerDate: datetime | None = None
    callStateRegistryText: str = Field(max_length=100)
    callBackReference: Ref | None = None
    locationReference: Refs = Field(default=[], max_length=MAX_ITEMS)
    notesReference: Refs = Field(default=[], max_length=MAX_ITEMS)

    @field_validator("callStartTimestamp", "answerDate")
    @classmethod
    def _call_times(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("a timestamp needs its time zone, e.g. 2021-04-30T14:40:00-04:00")
        return utc_representable(value, "callStartTimestamp")


class Callback(Prologue):
    callBackInformationUri: list[str] = Field(default=[], max_length=20)


class Notes(Prologue):
    notesActionComments: str = Field(max_length=20_000)


class Location(Prologue):
    locationTypeDescriptionRegistryText: str
    locationByValue: str | None = Field(default=None, max_length=64_000)
    locationByReferenceUrl: str | None = Field(default=None, max_length=2_000)

    @field_validator("locationTypeDescriptionRegistryText")
    @classmethod
    def _type(cls, value: str) -> str:
        _in(eido_registry("location_types"), value, "Location Type")
        return value


class Resource(Prologue):
    emergencyResourceTypeCommonRegistryText: str
    resourceAttributeRegistryText: list[str] = Field(max_length=100)
    primaryUnitStatusRegistryText: str
    secondaryUnitStatusRegistryText: list[str] = Field(max_length=50)
    agentReference: Refs = Field(max_length=MAX_ITEMS)

    @field_validator("primaryUnitStatusRegistryText")
    @classmethod
    def _primary(cls, value: str) -> str:
        _in(eido_registry("unit_primary_status"), value, "Primary Unit Status-Common")
        return value

    @field_validator("secondaryUnitStatusRegistryText")
    @classmethod
    def _secondary(cls, value: list[str]) -> list[str]:
        _in(eido_registry("unit_secondary_status"), value, "Secondary Unit Status-Common")
        return value


class Person(Prologue):
    personIncidentRoleRegistryText: list[str] = Field(max_length=20)


class Eido(Prologue):
    eidoVersion: Literal["1.0"]
    issuingElementIdentification: str = Field(min_length=1, max_length=255)
    agencyComponent: list[Agency] = Field(min_length=1, max_length=MAX_ITEMS)
    agentComponent: list[Agent] = Field(default=[], max_length=MAX_ITEMS)
    incidentComponent: Incident | None = None
    callComponent: list[Call] = Field(default=[], max_length=MAX_ITEMS)
    callbackComponent: list[Callback] = Field(default=[], max_length=MAX_ITEMS)
    notesComponent: list[Notes] = Field(default=[], max_length=MAX_ITEMS)
    locationComponent: list[Location] = Field(default=[], max_length=MAX_ITEMS)
    personComponent: list[Person] = Field(default=[], max_length=MAX_ITEMS)
    emergencyResourceComponent: list[Resource] = Field(default=[], max_length=MAX_ITEMS)
    dispatchComponent: list[Prologue] = Field(default=[], max_length=MAX_ITEMS)
    additionalDataComponent: list[Prologue] = Field(default=[], max_length=MAX_ITEMS)

    def components(self) -> dict[str, Any]:
        """Every data component by its $id."""
        found: dict[str, Any] = {}
        for name in ("agencyComponent", "agentComponent", "callComponent", "callbackComponent", "notesComponent",
                     "locationComponent", "personComponent", "emergencyResourceComponent"):
            for item in getattr(self, name):
                found[item.id] = item
        return found


def _where(error: ErrorDetails) -> str:
    parts = [str(p) for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts) or "(document)"


def digest(raw: dict[str, Any]) -> str:
    """The same EIDO gives the same digest whatever its member order and spacing."""
    try:
        text = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson cannot write (an integer beyond 64 bits): the standard library
        text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(text).hexdigest()


def parse_json(data: bytes | str) -> dict[str, Any]:
    """The JSON object of an EIDO file or body; InvalidInput when too large, malformed or not an object."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"the EIDO is {len(data):,} bytes; at most {MAX_BYTES:,} are read", field="body")
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"not JSON: {exc}", field="body") from None
    if not isinstance(raw, dict):
        raise InvalidInput(f"an EIDO is a JSON object, not a {type(raw).__name__}", field="body")
    return raw


def read(raw: dict[str, Any]) -> Eido:
    """The EIDO's readable shape, or InvalidInput naming the first field that is wrong (and how many are)."""
    where = _nul_at(raw)
    if where is not None:
        raise InvalidInput(f"{where}: text may not contain NUL (\\u0000) characters", field=where)
    try:
        return Eido.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        field = _where(first)
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{field}: {message}{more}", field=field, problems=len(errors)) from None

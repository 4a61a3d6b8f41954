"""The events of interop (eventlog/types.py)."""

from __future__ import annotations

from pydantic import Field

from openpsap.eventlog.types import EventPayload


class EidoImported(EventPayload):
    """An EIDO from another centre was imported: eido_id (its $id, the incident tracking identifier), source (the issuing element, agency and agent it names), via (api or the file's name), last_update (its lastUpdateTimeStamp), digest, incident_id and created_incident (the incident it created or updated, if any), calls and notes ({its component $id: openpsap id}, every one imported so far), changes (what it did)."""

    event_kind = "eido-imported"
    eido_id: str
    source: dict[str, str | None]
    via: str
    last_update: str
    digest: str
    incident_id: str | None = None
    created_incident: bool = False
    calls: dict[str, str] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    changes: list[str] = Field(default_factory=list)


from openpsap.interop.conveyance import events as conveyance_events  # noqa: E402, F401 - registers conveyance's kinds
from openpsap.interop.cap import events as cap_events  # noqa: E402, F401 - registers the public alerts' kinds

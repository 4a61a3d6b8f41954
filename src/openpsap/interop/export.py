"""An incident as one NENA EIDO (NENA-STA-021.1b), as it is known now, read from the state tables and the event log.

What it reads: the incident, its calls (times, state, callback number, location), notes, units and their
assignments, agencies, and the timeline's actors. What it never reads: what callers said (narratives, triage
quotes, protocol answers), incident flags, caller history, care plans, follow-ups or care outcomes.
Reads only through the services of the features it describes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from openpsap.calls import service as call_service
from openpsap.clock import as_utc, iso
from openpsap.dispatching import service as dispatching
from openpsap.eventlog import service as eventlog
from openpsap.incidents import service as incident_service
from openpsap.interop import pidf, vocabulary as v
from openpsap.interop.roads import Eta
from openpsap.interop.ids import Identity
from openpsap.standards.registries import incident_types
from openpsap.stations import service as station_service
from openpsap.units import service as unit_service
from openpsap.units.enums import PRIMARY, UnitStatus

EIDO_VERSION = "1.0"
CALL_TAKING_KINDS = {"incident-created", "call-linked"}
DISPATCHING_KINDS = {"unit-dispatched", "incident-closed", "incident-cancelled", "incident-reopened"}
ON_THE_WAY = {UnitStatus.Dispatched, UnitStatus.EnRoute}


def _ref(value: str) -> dict[str, str]:
    return {"$ref": value}


def _tel(number: str) -> str | None:
    digits = re.sub(r"[^0-9+*#]", "", number).replace("#", "%23")
    return f"tel:{digits}" if re.search(r"\d", digits) else None


class _Builder:
    def __init__(self, identity: Identity, tracking: str, psap: str) -> None:
        self.identity, self.tracking, self.psap = identity, tracking, psap
        self.doc: dict[str, list[dict[str, Any]]] = {}
        self.agents: dict[str, set[str]] = {}
        self.latest = datetime.min.replace(tzinfo=UTC)

    def add(self, section: str, component_id: str, when: datetime | None, agent: str | None = None,
            **fields: Any) -> str:
        when = as_utc(when)
        if when is not None and when > self.latest:
            self.latest = when
        prologue: dict[str, Any] = {"$id": component_id, "lastUpdateTimeStamp": iso(when),
                                    "updatedByAgencyReference": _ref(self.psap)}
        if agent is not None:
            prologue["updatedByAgentReference"] = _ref(self.agent(agent))
        self.doc.setdefault(section, []).append({**prologue, **{k: val for k, val in fields.items() if val not in (None, [], "")}})
        return component_id

    def agent(self, username: str, role: str | None = None) -> str:
        roles = self.agents.setdefault(username, set())
        if role:
            roles.add(role)
        return self.identity.agent(username)

    def location(self, kind: str, key: str, location_type: str, when: datetime | None, *, lat: float | None,
                 lon: float | None, uncertainty_m: float | None = None, address: str | None = None,
                 source: str | None = None) -> str | None:
        if (lat is None or lon is None) and not address:
            return None
        by_value = pidf.build(entity=self.tracking, lat=lat, lon=lon, uncertainty_m=uncertainty_m, address=address,
                              source=source, timestamp=iso(when))
        return self.add("locationComponent", self.identity.component(self.tracking, kind, key), when,
                        locationTypeDescriptionRegistryText=location_type, locationByValue=by_value)


def _imported_ids(timeline: list[Any]) -> tuple[str | None, dict[str, str], dict[str, str]]:
    """(the foreign tracking id the incident was created under, local call id -> foreign call $id, local note id ->
    foreign note $id), from the eido-imported events on the incident's timeline."""
    tracking, calls, notes = None, {}, {}
    for e in timeline:
        if e.kind == "eido-imported":
            if e.data.get("created_incident"):
                tracking = e.data["eido_id"]
            calls.update({local: foreign for foreign, local in (e.data.get("calls") or {}).items()})
            notes.update({local: foreign for foreign, local in (e.data.get("notes") or {}).items()})
    return tracking, calls, notes


def export_incident(db: Session, *, incident_id: str, identity: Identity, eta: Eta | None = None,
                    now: datetime | None = None) -> dict[str, Any]:
    """The EIDO of one incident (a dict ready for JSON). Raises NotFound."""
    inc = incident_service.get_or_raise(db, incident_id=incident_id)
    timeline = eventlog.involving_incident(db, incident_id=incident_id)
    foreign_tracking, foreign_calls, foreign_notes = _imported_ids(timeline)
    tracking = foreign_tracking or identity.tracking_id(inc.uid)
    psap = identity.agency_id
    b = _Builder(identity, tracking, psap)
    last_actor: dict[str, str] = {}  # subject -> who last changed it
    dispatched_by: dict[str, str] = {}  # assignment id -> dispatcher
    for e in timeline:
        if e.subject_type == "incident":
            last_actor["incident"] = e.actor
        if e.kind in CALL_TAKING_KINDS:
            b.agent(e.actor, v.AGENT_CALL_TAKING)
        elif e.kind in DISPATCHING_KINDS or e.kind == "note-added":
            b.agent(e.actor, v.AGENT_DISPATCHING if e.kind != "note-added" else None)
        if e.kind == "unit-dispatched":
            dispatched_by[e.data["assignment_id"]] = e.actor

    calls = sorted(call_service.list_calls(db, incident_id=incident_id), key=lambda c: (as_utc(c.received_at), c.id))
    for call in calls:
        call_id = foreign_calls.get(call.id) or identity.call_id(call.id)
        when = max(t for t in (as_utc(call.received_at), as_utc(call.answered_at), as_utc(call.ended_at)) if t)
        agents = [_ref(b.agent(call.answered_by, v.AGENT_CALL_TAKING))] if call.answered_by else []
        loc = b.location("call-location", call.id, v.LOCATION_CALLER, when, lat=call.lat, lon=call.lon,
                         uncertainty_m=call.uncertainty_m, address=call.address, source=call.location_source)
        callback = person = None
        uri = _tel(call.caller_number) if call.caller_number else None
        if uri:
            callback = b.add("callbackComponent", identity.component(tracking, "callback", call.id), call.received_at,
                             callBackInformationUri=[uri])
            person = b.add("personComponent", identity.component(tracking, "caller", call.id), call.received_at,
                           personIncidentRoleRegistryText=["Caller"], callIdentifier=[call_id],
                           callBackReference=_ref(callback))
        b.add(
            "callComponent", call_id, when, call.answered_by,
            standardPrimaryCallType=v.PRIMARY_CALL_TYPE, localCallType=call.channel, direction="incoming",
            callStartTimestamp=iso(call.received_at), answerDate=iso(call.answered_at),
            callStateRegistryText=v.CALL_STATES.get(call.status, "callBegin"), agentReference=agents,
            callBackReference=_ref(callback) if callback else None, locationReference=[_ref(loc)] if loc else [],
            personReference=[_ref(person)] if person else [])

    note_refs = []
    for note in incident_service.notes(db, incident_id=incident_id):
        note_id = foreign_notes.get(note.id) or identity.component(tracking, "note", note.id)
        note_refs.append(_ref(b.add("notesComponent", note_id, note.created_at, note.author,
                                    notesActionComments=note.text, agentReference=_ref(b.agent(note.author)))))

    agencies = {a.id: a for a in station_service.list_agencies(db)}
    dispatched_agencies: dict[str, list[dict[str, str]]] = {}
    dispatcher_of_agency: dict[str, str] = {}
    now = as_utc(now) or max(b.latest, as_utc(inc.updated_at) or b.latest)
    for a in dispatching.assignments(db, incident_id=incident_id):
        unit = unit_service.get(db, unit_id=a.unit_id)
        if unit is None:
            continue
        agency = agencies.get(unit.agency_id)
        discipline = agency.discipline if agency else None
        on_it = unit.incident_id == incident_id and unit.assignment_id == a.id
        status = UnitStatus(unit.status)
        secondary = [status.value] if on_it else [v.SECONDARY_CLEARED]
        changed = max(t for t in (as_utc(a.dispatched_at), as_utc(a.enroute_at), as_utc(a.onscene_at),
                                  as_utc(a.transporting_at), as_utc(a.hospital_at), as_utc(a.cleared_at)) if t)
        unit_loc = None
        if on_it and unit.lat is not None and unit.lon is not None:
            unit_loc = b.location("unit-location", unit.id, v.LOCATION_UNIT, unit.position_at or unit.status_changed_at,
                                  lat=unit.lat, lon=unit.lon)
        arrive = None
        if on_it and eta is not None and status in ON_THE_WAY and None not in (unit.lat, unit.lon, inc.lat, inc.lon):
            seconds = eta(unit.lat, unit.lon, inc.lat, inc.lon)  # type: ignore[arg-type]
            if seconds is not None:
                arrive = iso(max(as_utc(unit.position_at or unit.status_changed_at) or now, changed) + timedelta(seconds=seconds))
        dispatcher = dispatched_by.get(a.id)
        resource = b.add(
            "emergencyResourceComponent", identity.resource(unit.id, unit.agency_id), changed, dispatcher,
            emergencyResourceTypeCommonRegistryText=v.resource_type(unit.unit_type, unit.capabilities, discipline),
            emergencyResourceTypeInternalText=unit.unit_type, resourceAttributeRegistryText=v.resource_attributes(unit.capabilities),
            emergencyResourceName=unit.id, primaryUnitStatusRegistryText=PRIMARY[status].value,
            secondaryUnitStatusRegistryText=secondary, unitStatusInternal=[status.value] if on_it else ["cleared"],
            agentReference=[], unitLocationReference=_ref(unit_loc) if unit_loc else None, eta=arrive)
        b.doc["emergencyResourceComponent"][-1].setdefault("agentReference", [])
        b.doc["emergencyResourceComponent"][-1].setdefault("resourceAttributeRegistryText", [])
        dispatched_agencies.setdefault(unit.agency_id, []).append(_ref(resource))
        if dispatcher:
            dispatcher_of_agency[unit.agency_id] = dispatcher

    for agency_id, resources in dispatched_agencies.items():
        dispatcher = dispatcher_of_agency.get(agency_id)
        b.add("dispatchComponent", identity.component(tracking, "dispatch", agency_id), b.latest, dispatcher,
              agencyReference=_ref(identity.agency(agency_id)),
              agentReference=_ref(b.agent(dispatcher, v.AGENT_DISPATCHING)) if dispatcher else None,
              emergencyResourceReference=resources)

    kind = incident_types().get(inc.incident_type)
    inc_loc = b.location("incident-location", inc.id, v.LOCATION_INCIDENT, inc.updated_at, lat=inc.lat, lon=inc.lon,
                         address=inc.address)
    dispositions = []
    if inc.disposition:
        dispositions.append({"$id": identity.component(tracking, "disposition", inc.disposition),
                             "lastUpdateTimeStamp": iso(inc.closed_at or inc.updated_at),
                             "updatedByAgencyReference": _ref(psap), "dispositionCommonRegistryCode": inc.disposition,
                             "dispositionPrimaryIndicator": True,
                             **({"dispositionDescriptionText": inc.outcome} if inc.outcome else {})})
    b.add("incidentComponent", identity.component(tracking, "incident"), inc.updated_at, last_actor.get("incident"),
          incidentTypeCommonRegistryText=inc.incident_type, incidentTypeInternalCode=inc.incident_type,
          incidentTypeInternalText=kind.short if kind else None, incidentStatusCommonRegistryText=[inc.status],
          internalIncidentId=inc.id, incidentPriorityInternalText=inc.priority,
          incidentCommonPriorityNumber=inc.eido_priority, locationReference=[_ref(inc_loc)] if inc_loc else [],
          agentReference=[_ref(identity.agent(u)) for u in sorted(b.agents)], dispositionComponent=dispositions,
          notesReference=note_refs)

    roles = [v.ROLE_CALL_RECEIVING] + ([v.ROLE_DISPATCHING] if dispatched_agencies else [])
    b.add("agencyComponent", psap, inc.created_at, agencyRoleDescriptionRegistryText=roles,
          agencyType=[v.PSAP_AGENCY_TYPE], incidentOwningAgencyIndicator=True)
    for agency_id in dispatched_agencies:
        agency = agencies.get(agency_id)
        b.add("agencyComponent", identity.agency(agency_id), inc.created_at,
              agencyRoleDescriptionRegistryText=[v.ROLE_DISPATCHED],
              agencyType=[v.AGENCY_TYPES.get(agency.discipline, agency.discipline) if agency else "fire"])
    for username in sorted(b.agents):
        b.add("agentComponent", identity.agent(username), inc.created_at,
              agentRoleRegistryText=sorted(b.agents[username]) or [v.AGENT_DISPATCHING], agencyReference=_ref(psap))

    incident = b.doc.pop("incidentComponent")[0]
    doc: dict[str, Any] = {"$id": tracking, "lastUpdateTimeStamp": iso(b.latest), "updatedByAgencyReference": _ref(psap)}
    if last_actor.get("incident"):
        doc["updatedByAgentReference"] = _ref(identity.agent(last_actor["incident"]))
    doc.update({"eidoVersion": EIDO_VERSION, "issuingElementIdentification": identity.element_id,
                "incidentComponent": incident})
    doc.update(b.doc)
    return doc

"""An EIDO from another centre becomes openpsap's calls, incident and notes, through the calls and incidents services,
in the caller's unit of work (all or nothing), recorded by one `eido-imported` event naming its source.

Keyed by the EIDO's `$id` (the incident tracking identifier): a later EIDO of the same incident updates what the
first created; the same EIDO twice changes nothing; one older than the last imported (lastUpdateTimeStamp) is not
applied. What openpsap takes: the incident's type, priority and location; each call's start, state, callback
number and location; notes. What it leaves to the sending centre: its units, their statuses and its disposition.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select, text

from openpsap.calls import service as call_service
from openpsap.calls.enums import Channel
from openpsap.clock import iso, parse_iso
from openpsap.errors import CADError, InvalidInput, NotFound
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.incidents import service as incident_service
from openpsap.incidents.enums import FINISHED, IncidentStatus
from openpsap.incidents.priority import PriorityScale
from openpsap.interop import document, pidf, vocabulary as v
from openpsap.interop.events import EidoImported
from openpsap.interop.ids import Identity
from openpsap.interop.roads import Geocode

STATE_ORDER = ("ringing", "answered", "ended")
PHONE = re.compile(r"^(?:tel:|sips?:)?(\+?[0-9][0-9().\- ]{1,30})(?:[;@].*)?$")


@dataclass
class Outcome:
    outcome: str  # created / updated / unchanged / stale
    eido_id: str
    incident_id: str | None = None
    calls: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "eido_id": self.eido_id, "incident_id": self.incident_id, "calls": self.calls,
                "changes": self.changes, "warnings": self.warnings, "message": self.message}


BREAKS = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "hr"}
HIDDEN = {"script", "style", "template"}


class _Text(HTMLParser):
    """The words of an HTML5 note: block elements separate words, scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in HIDDEN
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in HIDDEN and self.hidden > 0
        if tag in BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain(note: str) -> str:
    """A note's text without its HTML5 markup."""
    parser = _Text()
    parser.feed(note)
    parser.close()
    return " ".join("".join(parser.parts).split())


def subject_key(eido_id: str) -> str:
    """The event-log subject of an EIDO (its $id, or a digest of it when longer than the log's 80 characters)."""
    return eido_id if len(eido_id) <= 80 else "sha256:" + hashlib.sha256(eido_id.encode()).hexdigest()


def last_import(uow: UnitOfWork, eido_id: str) -> EventRecord | None:
    stmt = (select(EventRecord).where(EventRecord.subject_type == "eido", EventRecord.subject_id == subject_key(eido_id))
            .order_by(EventRecord.seq.desc()).limit(1))
    return uow.session.scalars(stmt).first()


def _phone(eido: document.Eido, call: document.Call) -> str | None:
    if call.callBackReference is None:
        return None
    callback = eido.components().get(call.callBackReference.ref)
    for uri in getattr(callback, "callBackInformationUri", []) or []:
        m = PHONE.match(uri.strip())
        if m:
            return m.group(1).strip()[:32]
    return None


def _priority(scale: PriorityScale, number: int | None) -> str | None:
    """The agency's level closest to the EIDO common priority (0-10), the more urgent on a tie."""
    if number is None:
        return None
    return min(scale.levels, key=lambda name: (abs(scale.levels[name] - number), -scale.levels[name]))


class _Importer:
    def __init__(self, uow: UnitOfWork, eido: document.Eido, identity: Identity, scale: PriorityScale,
                 geocode: Geocode | None) -> None:
        self.uow, self.eido, self.identity, self.scale, self.geocode = uow, eido, identity, scale, geocode
        self.by_id = eido.components()
        self.result = Outcome("updated", eido.id)

    def place(self, refs: list[document.Ref], preferred: tuple[str, ...]) -> dict[str, Any] | None:
        """The first readable location among the references, those of the preferred types first."""
        found = [self.by_id.get(r.ref) for r in refs]
        locations = [loc for loc in found if isinstance(loc, document.Location)]
        locations.sort(key=lambda loc: preferred.index(loc.locationTypeDescriptionRegistryText)
                       if loc.locationTypeDescriptionRegistryText in preferred else len(preferred))
        for loc in locations:
            if not loc.locationByValue:
                self.result.warnings.append(f"location {loc.id[:80]} is by reference only; openpsap does not fetch it")
                continue
            try:
                p = pidf.parse(loc.locationByValue)
            except pidf.PidfError as exc:
                raise InvalidInput(f"locationComponent {loc.id[:80]}: {exc}", field="locationByValue") from None
            lat, lon, unc = p.lat, p.lon, p.uncertainty_m
            if lat is None and p.street and self.geocode is not None:
                hit = self.geocode(p.street)
                if hit is None:
                    self.result.warnings.append(f"{p.street!r} was not found on the map; kept as the address only")
                else:
                    lat, lon, unc = hit
            return {"lat": lat, "lon": lon, "uncertainty_m": unc, "address": p.address}
        return None

    def calls(self, known: dict[str, str]) -> dict[str, str]:
        for c in self.eido.callComponent:
            loc = self.place(c.locationReference, (v.LOCATION_CALLER, "RoutingLocation"))
            number = _phone(self.eido, c)
            local = known.get(c.id) or self._own_call(c.id)
            if local is None:
                channel = c.localCallType if c.localCallType in {ch.value for ch in Channel} else Channel.voice.value
                notes = [plain(n.notesActionComments) for r in c.notesReference
                         if isinstance(n := self.by_id.get(r.ref), document.Notes)]
                made = call_service.receive(self.uow, channel=channel, caller_number=number, received_at=c.callStartTimestamp,
                                            location=loc, narrative="\n".join(notes)[:call_service.MAX_NARRATIVE])
                known[c.id] = local = made.id
                self.result.changes.append(f"call {local} received")
            else:
                known[c.id] = local
                row = call_service.get_or_raise(self.uow.session, call_id=local)
                changes: dict[str, Any] = {}
                if number and number != row.caller_number:
                    changes["caller_number"] = number
                if loc and (loc["lat"], loc["lon"], loc["address"]) != (row.lat, row.lon, row.address):
                    changes["location"] = {**loc, "source": None}
                if changes:
                    call_service.update(self.uow, call_id=local, changes=changes)
                    self.result.changes.append(f"call {local}: {', '.join(sorted(changes))} updated")
            self._state(local, v.CALL_STATUS_OF_STATE.get(c.callStateRegistryText), c.answerDate is not None)
            self.result.calls.append(local)
        return known

    def _own_call(self, call_id: str) -> str | None:
        """One of this centre's own calls coming back in another centre's EIDO."""
        local = self.identity.own_call(call_id)
        if local is None:
            return None
        try:
            call_service.get_or_raise(self.uow.session, call_id=local)
        except NotFound:
            return None
        return local

    def _state(self, call_id: str, wanted: str | None, answered: bool) -> None:
        row = call_service.get_or_raise(self.uow.session, call_id=call_id)
        if wanted is None or STATE_ORDER.index(wanted) <= STATE_ORDER.index(row.status):
            return
        if row.status == "ringing" and (wanted == "answered" or answered):
            call_service.answer(self.uow, call_id=call_id)
        if wanted == "ended":
            call_service.end(self.uow, call_id=call_id)
        self.result.changes.append(f"call {call_id} {wanted}")

    def incident(self, incident_id: str | None, call_ids: list[str]) -> tuple[str | None, bool]:
        inc = self.eido.incidentComponent
        if inc is None:
            return incident_id, False
        loc = self.place(inc.locationReference, v.INCIDENT_LOCATION_TYPES)
        where = {k: loc[k] for k in ("lat", "lon", "address")} if loc else None
        priority = _priority(self.scale, inc.incidentCommonPriorityNumber)
        db = self.uow.session
        free = [c for c in call_ids if call_service.get_or_raise(db, call_id=c).incident_id is None]
        if incident_id is None:
            made = incident_service.create(self.uow, incident_type=inc.incidentTypeCommonRegistryText, priority=priority,
                                           scale=self.scale, location=where, flags=[], call_ids=free)
            self.result.changes.append(f"incident {made.id} opened")
            return made.id, True
        row = incident_service.get_or_raise(db, incident_id=incident_id)
        for call_id in free:
            call_service.link(self.uow, call_id=call_id, incident_id=incident_id)
            self.result.changes.append(f"call {call_id} linked")
        changes: dict[str, Any] = {"incident_type": inc.incidentTypeCommonRegistryText}
        if priority is not None:
            changes["priority"] = priority
        if where is not None:
            changes["location"] = where
        current = {"incident_type": row.incident_type, "priority": row.priority,
                   "location": {"lat": row.lat, "lon": row.lon, "address": row.address}}
        changes = {k: val for k, val in changes.items() if current[k] != val}
        if changes and IncidentStatus(row.status) in FINISHED:
            self.result.warnings.append(f"incident {incident_id} is {row.status} here: {', '.join(sorted(changes))} not applied")
        elif changes:
            incident_service.update(self.uow, incident_id=incident_id, changes=changes, scale=self.scale)
            self.result.changes.append(f"incident {incident_id}: {', '.join(sorted(changes))} updated")
        return incident_id, False

    def notes(self, incident_id: str | None, known: dict[str, str]) -> dict[str, str]:
        inc = self.eido.incidentComponent
        if incident_id is None or inc is None:
            return known
        agency = self.eido.updatedByAgencyReference.ref
        ours = {self.identity.component(self.eido.id, "note", n.id)  # this centre's own notes, sent back
                for n in incident_service.notes(self.uow.session, incident_id=incident_id)}
        for ref in inc.notesReference:
            note = self.by_id.get(ref.ref)
            if not isinstance(note, document.Notes) or note.id in known or note.id in ours:
                continue
            text = plain(note.notesActionComments)
            if text:
                made = incident_service.add_note(self.uow, incident_id=incident_id, text=f"[{agency[:80]}] {text}"[:20_000])
                known[note.id] = made.id
                self.result.changes.append("note added")
        return known


def import_eido(uow: UnitOfWork, *, raw: dict[str, Any], via: str, identity: Identity, scale: PriorityScale,
                geocode: Geocode | None = None) -> Outcome:
    """Import one EIDO (its JSON object) in this unit of work. Raises InvalidInput (nothing written)."""
    eido = document.read(raw)
    digest = document.digest(raw)
    _one_at_a_time(uow, eido.id)
    previous = last_import(uow, eido.id)
    before = previous.data if previous is not None else {}
    if before.get("digest") == digest:
        return Outcome("unchanged", eido.id, before.get("incident_id"), list((before.get("calls") or {}).values()),
                       message="this EIDO was imported already: nothing changed")
    stamp = parse_iso(before["last_update"]) if before.get("last_update") else None
    if stamp is not None and eido.lastUpdateTimeStamp < stamp:
        return Outcome("stale", eido.id, before.get("incident_id"), list((before.get("calls") or {}).values()),
                       message=f"not applied: its lastUpdateTimeStamp {iso(eido.lastUpdateTimeStamp)} is older than the "
                               f"EIDO imported before ({iso(stamp)})")
    incident_id = before.get("incident_id")
    if incident_id is None and eido.incidentComponent is not None:
        incident_id = _own_incident(uow, identity, eido.id)
    importer = _Importer(uow, eido, identity, scale, geocode)
    try:
        calls = importer.calls(dict(before.get("calls") or {}))
        incident_id, created = importer.incident(incident_id, list(calls.values()))
        notes = importer.notes(incident_id, dict(before.get("notes") or {}))
    except CADError as exc:
        raise InvalidInput(f"the EIDO cannot be applied: {exc.message}", **exc.details) from None
    result = importer.result
    result.incident_id = incident_id
    result.outcome = "created" if previous is None else "updated"
    source = {"element": eido.issuingElementIdentification, "agency": eido.updatedByAgencyReference.ref,
              "agent": eido.updatedByAgentReference.ref if eido.updatedByAgentReference else None}
    uow.emit(EidoImported(eido_id=eido.id, source=source, via=via[:200], last_update=iso(eido.lastUpdateTimeStamp) or "",
                          digest=digest, incident_id=incident_id, created_incident=created or bool(before.get("created_incident")),
                          calls=calls, notes=notes, changes=result.changes or ["nothing new"]),
             "eido", subject_key(eido.id))
    return result


def _one_at_a_time(uow: UnitOfWork, eido_id: str) -> None:
    """Imports of the same EIDO queue behind each other until commit (PostgreSQL; SQLite has one writer at a time),
    so two copies arriving together cannot both open the incident."""
    if uow.session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(eido_id.encode()).digest()[:8], "big", signed=True)
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _own_incident(uow: UnitOfWork, identity: Identity, eido_id: str) -> str | None:
    """One of this centre's own incidents coming back (its tracking identifier names this centre)."""
    from openpsap.incidents.models import Incident

    uid = identity.incident_uid(eido_id)
    if uid is None:
        return None
    found = uow.session.scalars(select(Incident.id).where(Incident.uid == uid)).first()
    return str(found) if found else None

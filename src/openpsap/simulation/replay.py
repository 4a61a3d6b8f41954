"""Replay real calls through the service layer and simulate the units.

Every change goes through the same service functions the API uses (calls.service, incidents.service,
dispatching.service, units.service), so the same validation runs and the same events are written;
the recommender picks the units. Event times are simulated time: one UnitOfWork per `batch` of
simulated time (an hour as fast as possible, a minute at --speed; many commands in one transaction,
for speed), with `uow.now` set to each command's time.

What is simulated, and from what:
- call received and answered at the recorded received time; incident created at the recorded entry
  time; dispatch at the recorded first-dispatch time (call processing is a human step: it is input);
- travel: the recommender's road-graph ETA from the unit's position (never the recorded travel time);
- turnout, on-scene, transport and hospital times: a recorded response of the same call type and unit
  type, drawn with a seeded random generator (falling back to the call type, then to any response);
- a unit returns to its posting after it clears, taking its outbound ETA, and is available meanwhile;
- no available unit: a note on the incident, and the dispatch is tried again every simulated minute.
"""

from __future__ import annotations

import heapq
import math
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from openpsap.calls import service as call_service
from openpsap.eventlog.unit_of_work import CommandRunner, UnitOfWork
from openpsap.db import Database
from openpsap.dispatching import service as dispatching_service
from openpsap.dispatching.plans import ResponsePlans
from openpsap.dispatching.recommend import Recommender
from openpsap.errors import CADError, Conflict, InvalidInput, NoMapLocation
from openpsap.incidents import service as incident_service
from openpsap.incidents.models import Incident
from openpsap.incidents.priority import PriorityScale
from openpsap.simulation.clock import SimClock
from openpsap.simulation.loaders import HistoricalCall, Loaded
from openpsap.stations import service as station_service
from openpsap.stations.seed import FIRE, POLICE, PRIVATE_EMS, RosterUnit, sf_stations
from openpsap.units import avl
from openpsap.units import service as unit_service
from openpsap.units.enums import UnitStatus
from openpsap.units.models import Assignment, Unit

ACTOR = "replay"
SHORTAGE_NOTE = "replay: no suitable unit available"
RETRY = timedelta(seconds=60)
MAX_WAIT = timedelta(hours=2)  # then the incident is closed as not served (counted)
MAX_TURNOUT_S = 600
MAX_PHASE_S = 6 * 3600


@dataclass(frozen=True)
class Profile:
    """Durations of one recorded unit response, in seconds (None: the phase did not happen)."""

    turnout: float | None
    on_scene: float
    transport: float | None
    at_hospital: float | None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return (b - a).total_seconds()


def build_profiles(loaded: Loaded) -> dict[tuple[str, str], list[Profile]]:
    """Recorded response durations by (call type, unit type), (call type, ''), ('', '')."""
    profiles: dict[tuple[str, str], list[Profile]] = defaultdict(list)
    for call in loaded.calls:
        for r in call.responses:
            turnout = _seconds(r.dispatch_at, r.enroute_at)
            turnout = turnout if turnout is not None and 0 <= turnout <= MAX_TURNOUT_S else None
            if r.onscene_at is None or r.available_at is None:
                continue
            if r.transport_at and r.hospital_at:
                on_scene, transport = _seconds(r.onscene_at, r.transport_at), _seconds(r.transport_at, r.hospital_at)
                hospital = _seconds(r.hospital_at, r.available_at)
            else:
                on_scene, transport, hospital = _seconds(r.onscene_at, r.available_at), None, None
            phases = [p for p in (on_scene, transport, hospital) if p is not None]
            if any(p < 0 or p > MAX_PHASE_S for p in phases):
                continue
            profile = Profile(turnout, on_scene or 0.0, transport, hospital)
            for key in ((call.call_type, r.unit_type), (call.call_type, ""), ("", "")):
                profiles[key].append(profile)
    return profiles


@dataclass
class ReplayResult:
    calls: int = 0
    incidents: int = 0
    unit_responses: int = 0
    events: int = 0
    transactions: int = 0
    shortages: int = 0  # dispatch attempts that found no suitable unit
    not_served: int = 0  # incidents closed after MAX_WAIT without any unit
    partial: int = 0  # incidents dispatched with fewer units than the plan asks for
    no_location: int = 0  # incidents with no map location: no unit recommended
    phone_only: int = 0  # incident types whose plan sends no unit
    seconds: float = 0.0
    by_type: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "by_type"}
        data["by_type"] = dict(sorted(self.by_type.items()))
        data["events_per_s"] = round(self.events / self.seconds, 1) if self.seconds else None
        return data


def _hold_loaded_rows(session: Session) -> None:
    """Keep every row this batch's session loads (the session's identity map is weak, so an unchanged
    unit would otherwise be read again on every command) and load the rows the batch will touch at once:
    the roster, the open incidents and their assignments. Reading speed only; what is written is unchanged."""
    held: list[object] = session.info.setdefault("replay_held", [])
    for hook in ("pending_to_persistent", "loaded_as_persistent"):
        event.listen(session, hook, lambda _s, instance: held.append(instance))
    held.extend(session.scalars(select(Unit)))
    held.extend(session.scalars(select(Incident).where(Incident.closed_at.is_(None))))
    held.extend(session.scalars(select(Assignment).where(Assignment.cleared_at.is_(None))))


def seed_roster(uow: UnitOfWork, units: list[RosterUnit]) -> None:
    """The SF stations and the (possibly changed) roster, through the same services as the demo seed."""
    station_service.add_agency(uow, agency_id=FIRE, name="San Francisco Fire Department", discipline="fire")
    station_service.add_agency(uow, agency_id=POLICE, name="San Francisco Police Department", discipline="police")
    station_service.add_agency(uow, agency_id=PRIVATE_EMS, name="Private ambulance providers (SF)", discipline="ems")
    for st in sf_stations():
        station_service.add_station(uow, station_id=st["id"], name=st["name"], agency_id=st["agency_id"],
                                    lat=st["lat"], lon=st["lon"], address=st["address"])
    for u in units:
        unit_service.add(uow, unit_id=u.id, unit_type=u.unit_type, capabilities=u.capabilities, agency_id=u.agency_id,
                         home_station_id=u.home_station_id, lat=u.lat, lon=u.lon)


class Replay:
    def __init__(
        self,
        database: Database,
        loaded: Loaded,
        *,
        recommender: Recommender,
        plans: ResponsePlans,
        scale: PriorityScale,
        roster: list[RosterUnit],
        seed: int = 1,
        speed: float | None = None,
        batch: timedelta = timedelta(minutes=60),
        progress: Callable[[int, int], None] | None = None,
        time_scale: float = 1.0,
        seed_units: bool = True,
        stop: threading.Event | None = None,
    ) -> None:
        """time_scale < 1 compresses the simulated durations (travel, retries) for a live demo whose call
        times were compressed by the same factor (live.compress); seed_units=False when the roster is
        already in the database."""
        self.loaded, self.recommender, self.plans, self.scale = loaded, recommender, plans, scale
        self.roster = {u.id: u for u in roster}
        self.random = random.Random(seed)
        self.speed = speed
        self.batch = batch
        self.progress = progress
        self.time_scale, self.seed_units, self.stop = time_scale, seed_units, stop
        self.clock = SimClock(loaded.calls[0].received_at if loaded.calls else datetime(2000, 1, 1).astimezone())
        self.runner = CommandRunner(database, clock=self.clock)
        self.profiles = build_profiles(loaded)
        self.queue: list[tuple[datetime, int, str, tuple]] = []
        self._seq = 0
        self.result = ReplayResult()
        self.call_ids: dict[str, str] = {}  # source id -> our call id
        self.incidents: dict[str, str] = {}  # source id -> incident id
        self.assignment: dict[str, str] = {}  # unit id -> incident id it is committed to
        self.open_units: dict[str, set[str]] = defaultdict(set)  # incident -> committed units
        self.waiting_since: dict[str, datetime] = {}
        self.freed = 0  # bumped whenever a unit becomes (conditionally) available
        self.tried_at_freed: dict[str, int] = {}  # incident -> self.freed at its last failed attempt
        self.done_calls = 0

    # -- the event queue -------------------------------------------------------------------
    def _at(self, when: datetime, kind: str, *args: object) -> None:
        self._seq += 1
        heapq.heappush(self.queue, (when, self._seq, kind, args))

    def run(self) -> ReplayResult:
        started = time.perf_counter()
        if self.seed_units:
            with self.runner.unit_of_work(actor=ACTOR) as uow:
                seed_roster(uow, list(self.roster.values()))
            self.result.events += len(uow.records)
            self.result.transactions += 1
        for call in self.loaded.calls:
            self._at(call.received_at, "call", call)
        wall0, sim0 = time.monotonic(), self.clock.now()
        while self.queue and not (self.stop is not None and self.stop.is_set()):
            head = self.queue[0][0]
            # batches of whole minutes (or hours) in simulated time; shorter batches (a live demo) from the head
            minute = head.replace(second=0, microsecond=0) + self.batch if self.batch >= timedelta(minutes=1) else head + self.batch
            if self.speed:
                delay = (self.queue[0][0] - sim0).total_seconds() / self.speed - (time.monotonic() - wall0)
                if delay > 0:
                    if self.stop is not None:
                        self.stop.wait(delay)
                        continue  # re-check the stop flag and the queue head
                    time.sleep(delay)
            with self.runner.unit_of_work(actor=ACTOR) as uow:
                _hold_loaded_rows(uow.session)
                while self.queue and self.queue[0][0] < minute:
                    when, _, kind, args = heapq.heappop(self.queue)
                    uow.now = self.clock.advance_to(when)
                    getattr(self, f"_{kind}")(uow, *args)
            self.result.events += len(uow.records)
            self.result.transactions += 1
            if self.progress:
                self.progress(self.done_calls, len(self.loaded.calls))
        self.result.seconds = round(time.perf_counter() - started, 2)
        return self.result

    # -- steps -------------------------------------------------------------------------------
    def _call(self, uow: UnitOfWork, call: HistoricalCall) -> None:
        location = {"lat": call.lat, "lon": call.lon, "address": call.address} if call.lat is not None else None
        if location is None and call.address:
            location = {"address": call.address}
        made = call_service.receive(uow, channel=call.channel or "911", caller_number=None, received_at=call.received_at,
                                    location=location, narrative=f"{call.call_type} (replayed call {call.source_id})")
        call_service.answer(uow, call_id=made.id)
        self.call_ids[call.source_id] = made.id
        self.result.calls += 1
        self.result.by_type[call.incident_type] += 1
        entry = max(call.entry_at or call.received_at, call.received_at)
        self._at(entry, "create", call)

    def _create(self, uow: UnitOfWork, call: HistoricalCall) -> None:
        incident = incident_service.create(uow, incident_type=call.incident_type, priority=call.priority, scale=self.scale,
                                           location=None, flags=[], call_ids=[self.call_ids[call.source_id]])
        self.incidents[call.source_id] = incident.id
        self.result.incidents += 1
        dispatch = max(call.dispatch_at or uow.now, uow.now)
        self._at(dispatch, "dispatch", call, incident.id)

    def _dispatch(self, uow: UnitOfWork, call: HistoricalCall, incident_id: str) -> None:
        first_try = incident_id not in self.waiting_since
        if first_try:
            call_service.end(uow, call_id=self.call_ids[call.source_id])
        plan = self.plans.for_type(call.incident_type)
        if not plan.slots:
            self.result.phone_only += 1
            return self._close(uow, call, incident_id)
        if self.tried_at_freed.get(incident_id) == self.freed:  # no unit freed since the last try: same answer
            self.result.shortages += 1
            return self._wait(uow, call, incident_id, first_try=False, why="")
        try:
            rec = dispatching_service.dispatch_recommended(uow, incident_id=incident_id, recommender=self.recommender,
                                                           plans=self.plans)
        except (InvalidInput, NoMapLocation):  # no map location, or off the road map
            self.result.no_location += 1
            incident_service.add_note(uow, incident_id=incident_id, text="replay: no map location; no unit simulated")
            return self._close(uow, call, incident_id)
        except Conflict as exc:
            self.result.shortages += 1
            self.tried_at_freed[incident_id] = self.freed
            return self._wait(uow, call, incident_id, first_try=first_try, why=exc.message)
        self.waiting_since.pop(incident_id, None)
        self.tried_at_freed.pop(incident_id, None)
        unfilled = [s for s in rec.slots if s.unfilled]
        if unfilled:
            self.result.partial += 1
            incident_service.add_note(uow, incident_id=incident_id, text=f"{SHORTAGE_NOTE}: " + "; ".join(
                f"{s.need}: {s.unfilled_reason}" for s in unfilled))
        for slot in rec.slots:
            for choice in slot.picked:
                self._send(uow, call, incident_id, choice.unit_id, choice.eta_s)

    def _wait(self, uow: UnitOfWork, call: HistoricalCall, incident_id: str, *, first_try: bool, why: str) -> None:
        since = self.waiting_since.setdefault(incident_id, uow.now)
        if first_try:
            incident_service.add_note(uow, incident_id=incident_id, text=f"{SHORTAGE_NOTE}: {why}")
        if uow.now - since >= MAX_WAIT * self.time_scale:
            self.result.not_served += 1
            self.tried_at_freed.pop(incident_id, None)
            incident_service.add_note(uow, incident_id=incident_id, text="replay: not served within 2 hours")
            return self._close(uow, call, incident_id)
        return self._at(uow.now + RETRY * self.time_scale, "dispatch", call, incident_id)

    def _draw(self, call: HistoricalCall, unit_type: str) -> Profile:
        for key in ((call.call_type, unit_type), (call.call_type, ""), ("", "")):
            if self.profiles.get(key):
                return self.random.choice(self.profiles[key])
        return Profile(60.0, 900.0, None, None)  # a source without unit timings

    def _send(self, uow: UnitOfWork, call: HistoricalCall, incident_id: str, unit_id: str, eta_s: float) -> None:
        old = self.assignment.get(unit_id)
        if old is not None:  # was at hospital (conditionally available): dispatch released it
            self.open_units[old].discard(unit_id)
            self._maybe_close(uow, old)
        self.assignment[unit_id] = incident_id
        self.open_units[incident_id].add(unit_id)
        self.result.unit_responses += 1
        unit = self.roster[unit_id]
        profile = self._draw(call, unit.unit_type)
        turnout = profile.turnout if profile.turnout is not None else 60.0 * self.time_scale
        t = uow.now + timedelta(seconds=turnout)
        self._at(t, "status", unit_id, incident_id, UnitStatus.EnRoute, call)
        t += timedelta(seconds=eta_s * self.time_scale if math.isfinite(eta_s) else 0)
        self._at(t, "status", unit_id, incident_id, UnitStatus.OnScene, call)
        t += timedelta(seconds=profile.on_scene)
        if profile.transport is not None and "transport" in unit.capabilities:
            self._at(t, "status", unit_id, incident_id, UnitStatus.Transporting, call)
            t += timedelta(seconds=profile.transport)
            self._at(t, "status", unit_id, incident_id, UnitStatus.Hospital, call)
            t += timedelta(seconds=profile.at_hospital or 0)
        self._at(t, "status", unit_id, incident_id, UnitStatus.InService, call, eta_s)

    def _status(self, uow: UnitOfWork, unit_id: str, incident_id: str, to: UnitStatus, call: HistoricalCall,
                eta_s: float = 0.0) -> None:
        if self.assignment.get(unit_id) != incident_id:
            return  # the unit was sent elsewhere from the hospital: this step never happens
        dispatching_service.change_status(uow, unit_id=unit_id, to=to)
        if to in (UnitStatus.InService, UnitStatus.Hospital):
            self.freed += 1
        if to is UnitStatus.OnScene and call.lat is not None and call.lon is not None:
            avl.record_fix(uow.session, unit_id=unit_id, lat=call.lat, lon=call.lon, at=uow.now, now=uow.now)
        if to is UnitStatus.InService:
            del self.assignment[unit_id]
            self.open_units[incident_id].discard(unit_id)
            back = uow.now + timedelta(seconds=eta_s * self.time_scale if math.isfinite(eta_s) else 0)
            self._at(back, "home", unit_id)
            self._maybe_close(uow, incident_id)

    def _home(self, uow: UnitOfWork, unit_id: str) -> None:
        if unit_id in self.assignment:
            return  # sent to another incident on the way back
        unit = self.roster[unit_id]
        avl.record_fix(uow.session, unit_id=unit_id, lat=unit.lat, lon=unit.lon, at=uow.now, now=uow.now)

    def _maybe_close(self, uow: UnitOfWork, incident_id: str) -> None:
        if not self.open_units[incident_id]:
            del self.open_units[incident_id]
            try:
                dispatching_service.close_incident(uow, incident_id=incident_id, disposition=self.loaded.mapping.disposition,
                                                   outcome="replayed")
            except CADError:  # a unit still at hospital for it keeps it open; closed when that unit clears
                return
            self.done_calls += 1

    def _close(self, uow: UnitOfWork, call: HistoricalCall, incident_id: str) -> None:
        dispatching_service.close_incident(uow, incident_id=incident_id, disposition=self.loaded.mapping.disposition,
                                           outcome="replayed")
        self.done_calls += 1

"""The demo's care story (issue 7): a week ago a six-year-old called 911 because he was lonely. Seeded through
the services, as it would have happened: the call, a low-priority incident, the guardian step, the close with its
care outcomes (which open a school visit), the outreach team's care plan, and the redacted public summary. A new
call from STORY_NUMBER then shows the call-taker the history and the care plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from openpsap.calls import service as call_service
from openpsap.care import config as care_config
from openpsap.care import followups, history, service
from openpsap.care.pii import model_pass
from openpsap.care.redaction import redact
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.db import Database
from openpsap.incidents import service as incident_service
from openpsap.incidents.priority import PriorityScale

STORY_NUMBER = "415-555-0142"
NARRATIVE = "hi um I'm six and I'm all by myself and I want a friend"
PLACE = {"lat": 37.77566, "lon": -122.43158, "address": "Fell St & Steiner St", "source": "device"}
CARE_PLAN = ("Lonely six-year-old, sometimes home alone in the evening. Be warm; confirm a grown-up; "
             "his friend Officer White asked to hear about any call.")
SUMMARY = ("A six-year-old boy called 911 because he was lonely. An officer checked that he was safe, explained "
           "what 911 is for, and promised to be his friend. A school visit on 911 is planned.")


@dataclass(frozen=True)
class _At:
    at: datetime

    def now(self) -> datetime:
        return self.at


def seed_care_story(database: Database, *, scale: PriorityScale | None = None, now: datetime | None = None,
                    days_ago: int = 7) -> dict[str, Any]:
    """The story's first call, days_ago days before now; returns the incident id and the caller's number."""
    then = (now or datetime.now(UTC)) - timedelta(days=days_ago)
    config = care_config.load()
    taker = CommandRunner(database, clock=_At(then))
    with taker.unit_of_work(actor="calltaker") as uow:
        call = call_service.receive(uow, channel="voice", caller_number=STORY_NUMBER, received_at=then,
                                    location=PLACE, narrative=NARRATIVE)
        call_service.answer(uow, call_id=call.id)
        incident = incident_service.create(uow, incident_type="NONEMERG", priority="P5", scale=scale or PriorityScale(),
                                           location=PLACE, flags=["child_caller", "non_emergency", "lonely_or_isolated"],
                                           call_ids=[call.id])
        incident_service.add_note(uow, incident_id=incident.id,
                                  text="Child-caller protocol: guardian contacted - mother, by phone, on her way home.")
        call_service.end(uow, call_id=call.id)
        incident_id = incident.id
    later = CommandRunner(database, clock=_At(then + timedelta(minutes=40)))
    with later.unit_of_work(actor="dispatcher") as uow:
        incident_service.close(uow, incident_id=incident_id, disposition="18", outcome="child safe, 911 explained",
                               committed=[])
        followups.record_outcomes(uow, incident_id=incident_id, outcomes=["child_911_education", "guardian_contacted"],
                                  note="officer explained what 911 is for; mother reached", config=config)
    with later.unit_of_work(actor="outreach") as uow:
        history.note_care_plan(uow, caller_number=STORY_NUMBER, note=CARE_PLAN)
    with later.unit_of_work(actor="supervisor") as uow:
        service.approve_public_summary(uow, incident_id=incident_id, redaction=redact(SUMMARY, model_pass))
    return {"incident_id": incident_id, "caller_number": STORY_NUMBER}

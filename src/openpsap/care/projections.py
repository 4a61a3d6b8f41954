"""How the events of the care pathway: outcomes, follow-ups, care plans, public summaries change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.care.events import (
    CareOutcomesRecorded, CarePlanNoted, FollowUpCreated, FollowUpUpdated, PublicSummaryApproved, PublicSummaryWithdrawn,
)
from openpsap.care.models import CarePlan, FollowUp, IncidentCare, PublicSummary
from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_or_add, get_row, handles, projects

projects('follow_ups', 'incident_care', 'care_plans', 'public_summaries')


@handles(PublicSummaryApproved)
def _public_summary_approved(db: Session, e: Event, p: PublicSummaryApproved) -> None:
    summary = get_or_add(db, PublicSummary, incident_id=p.incident_id)
    summary.text, summary.removed, summary.approved_by, summary.approved_at = p.text, p.removed, e.actor, e.occurred_at


@handles(CareOutcomesRecorded)
def _care_outcomes_recorded(db: Session, e: Event, p: CareOutcomesRecorded) -> None:
    care = get_or_add(db, IncidentCare, incident_id=p.incident_id)
    care.outcomes, care.note, care.recorded_by, care.recorded_at = list(p.outcomes), p.note, e.actor, e.occurred_at


@handles(FollowUpCreated)
def _follow_up_created(db: Session, e: Event, p: FollowUpCreated) -> None:
    notes = [{"at": e.occurred_at.isoformat(), "by": e.actor, "text": p.note}] if p.note else []
    db.add(FollowUp(id=p.id, kind=p.kind, status="open", incident_id=p.incident_id,
                    caller_number=p.caller_number, referral=p.referral, assignee=p.assignee,
                    due_at=parse_iso(p.due_at), notes=notes, created_by=e.actor, created_at=e.occurred_at))


@handles(FollowUpUpdated)
def _follow_up_updated(db: Session, e: Event, p: FollowUpUpdated) -> None:
    task = get_row(db, FollowUp, p.id)
    task.notes = [*task.notes, {"at": e.occurred_at.isoformat(), "by": e.actor, "text": p.note}] if p.note else task.notes
    if p.assignee:
        task.assignee = p.assignee
    if p.status != task.status:
        task.status = p.status
        task.closed_at = e.occurred_at if p.status != "open" else None


@handles(CarePlanNoted)
def _care_plan_noted(db: Session, e: Event, p: CarePlanNoted) -> None:
    plan = get_or_add(db, CarePlan, caller_number=p.caller_number)
    plan.note, plan.updated_by, plan.updated_at = p.note, e.actor, e.occurred_at


@handles(PublicSummaryWithdrawn)
def _public_summary_withdrawn(db: Session, e: Event, p: PublicSummaryWithdrawn) -> None:
    summary = db.get(PublicSummary, p.incident_id)
    if summary is not None:
        db.delete(summary)

"""How the events of the care pathway: outcomes, follow-ups, care plans, public summaries change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.care.models import CarePlan, FollowUp, IncidentCare, PublicSummary
from openpsap.clock import parse_iso
from openpsap.eventlog.projector import Event, get_or_add, get_row, handles, projects

projects('follow_ups', 'incident_care', 'care_plans', 'public_summaries')


@handles("public-summary-approved")
def _public_summary_approved(db: Session, e: Event) -> None:
    d = e.data
    summary = get_or_add(db, PublicSummary, incident_id=d["incident_id"])
    summary.text, summary.removed, summary.approved_by, summary.approved_at = d["text"], d["removed"], e.actor, e.occurred_at


@handles("care-outcomes-recorded")
def _care_outcomes_recorded(db: Session, e: Event) -> None:
    d = e.data
    care = get_or_add(db, IncidentCare, incident_id=d["incident_id"])
    care.outcomes, care.note, care.recorded_by, care.recorded_at = d["outcomes"], d["note"], e.actor, e.occurred_at


@handles("follow-up-created")
def _follow_up_created(db: Session, e: Event) -> None:
    d = e.data
    notes = [{"at": e.occurred_at.isoformat(), "by": e.actor, "text": d["note"]}] if d.get("note") else []
    db.add(FollowUp(id=d["id"], kind=d["kind"], status="open", incident_id=d.get("incident_id"),
                    caller_number=d.get("caller_number"), referral=d.get("referral"), assignee=d.get("assignee"),
                    due_at=parse_iso(d["due_at"]), notes=notes, created_by=e.actor, created_at=e.occurred_at))


@handles("follow-up-updated")
def _follow_up_updated(db: Session, e: Event) -> None:
    d = e.data
    task = get_row(db, FollowUp, d["id"])
    task.notes = [*task.notes, {"at": e.occurred_at.isoformat(), "by": e.actor, "text": d["note"]}] if d.get("note") else task.notes
    if d.get("assignee"):
        task.assignee = d["assignee"]
    if d["status"] != task.status:
        task.status = d["status"]
        task.closed_at = e.occurred_at if d["status"] != "open" else None


@handles("care-plan-noted")
def _care_plan_noted(db: Session, e: Event) -> None:
    d = e.data
    plan = get_or_add(db, CarePlan, caller_number=d["caller_number"])
    plan.note, plan.updated_by, plan.updated_at = d["note"], e.actor, e.occurred_at


@handles("public-summary-withdrawn")
def _public_summary_withdrawn(db: Session, e: Event) -> None:
    summary = db.get(PublicSummary, e.data["incident_id"])
    if summary is not None:
        db.delete(summary)

"""Care-pathway commands: approving the public summary of an incident (redacted on the server)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.care.models import PublicSummary
from openpsap.care.pii import model_pass
from openpsap.care.redaction import Redaction, redact
from openpsap.eventlog.unit_of_work import UnitOfWork
from openpsap.errors import InvalidInput
from openpsap.incidents import service as incident_service
from openpsap.incidents.models import Incident
from openpsap.care.events import PublicSummaryApproved, PublicSummaryWithdrawn


def approve_public_summary(uow: UnitOfWork, *, incident_id: str, redaction: Redaction) -> Redaction:
    """`redaction`: the draft as redact() left it on the server (never the client's own version), computed before
    the command so the PII model's time is not spent holding the database."""
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    if not re.sub(r"\[\w+\]|\W", "", redaction.text):
        raise InvalidInput("the summary is empty after redaction; write what happened in plain words")
    uow.emit(PublicSummaryApproved.model_validate({"incident_id": incident_id, "text": redaction.text, "removed": redaction.removed}), "incident", incident_id)
    return redaction


def withdraw_public_summary(uow: UnitOfWork, *, incident_id: str) -> None:
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    uow.emit(PublicSummaryWithdrawn.model_validate({"incident_id": incident_id}), "incident", incident_id)


def recent_for_public(db: Session, *, limit: int) -> list[tuple[Incident, PublicSummary | None]]:
    rows = db.execute(
        select(Incident, PublicSummary).outerjoin(PublicSummary, PublicSummary.incident_id == Incident.id)
        .order_by(Incident.created_at.desc()).limit(limit)
    )
    return [(i, s) for i, s in rows]

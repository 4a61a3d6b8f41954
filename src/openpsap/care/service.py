"""Care-pathway commands: approving the public summary of an incident (redacted on the server)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from openpsap.care.models import PublicSummary
from openpsap.care.redaction import Redaction, redact
from openpsap.commands import UnitOfWork
from openpsap.errors import InvalidInput
from openpsap.incidents import service as incident_service
from openpsap.incidents.models import Incident


def approve_public_summary(uow: UnitOfWork, *, incident_id: str, draft: str) -> Redaction:
    """The draft is redacted again here, whatever the client sent: nothing private can be approved by accident."""
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    redaction = redact(draft)
    if not re.sub(r"\[\w+\]|\W", "", redaction.text):
        raise InvalidInput("the summary is empty after redaction; write what happened in plain words")
    uow.emit("public-summary-approved", "incident", incident_id,
             {"incident_id": incident_id, "text": redaction.text, "removed": redaction.removed})
    return redaction


def withdraw_public_summary(uow: UnitOfWork, *, incident_id: str) -> None:
    incident_service.get_or_raise(uow.session, incident_id=incident_id)
    uow.emit("public-summary-withdrawn", "incident", incident_id, {"incident_id": incident_id})


def recent_for_public(db: Session, *, limit: int) -> list[tuple[Incident, PublicSummary | None]]:
    rows = db.execute(
        select(Incident, PublicSummary).outerjoin(PublicSummary, PublicSummary.incident_id == Incident.id)
        .order_by(Incident.created_at.desc()).limit(limit)
    )
    return [(i, s) for i, s in rows]

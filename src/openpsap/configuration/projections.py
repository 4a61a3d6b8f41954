"""How the events of the configuration documents change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.configuration.models import ConfigurationDocument
from openpsap.eventlog.projector import Event, get_or_add, handles, projects

projects('configuration_documents')


@handles("configuration-changed")
def _configuration_changed(db: Session, e: Event) -> None:
    row = get_or_add(db, ConfigurationDocument, key=e.data["key"])
    row.document, row.version, row.changed_at, row.changed_by = e.data["document"], e.data["version"], e.occurred_at, e.actor

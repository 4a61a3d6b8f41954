"""How the events of the configuration documents change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.configuration.events import ConfigurationChanged
from openpsap.configuration.models import ConfigurationDocument
from openpsap.eventlog.projector import Event, get_or_add, handles, projects

projects('configuration_documents')


@handles(ConfigurationChanged)
def _configuration_changed(db: Session, e: Event, p: ConfigurationChanged) -> None:
    row = get_or_add(db, ConfigurationDocument, key=p.key)
    row.document, row.version, row.changed_at, row.changed_by = p.document, p.version, e.occurred_at, e.actor

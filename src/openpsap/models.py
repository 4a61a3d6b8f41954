"""Imports every ORM model so Base.metadata is complete (for Alembic and rebuild)."""

from openpsap.auth.models import ApiToken, Credential, User
from openpsap.calls.models import Call
from openpsap.care.models import CarePlan, FollowUp, IncidentCare, PublicSummary
from openpsap.configuration.models import ConfigurationDocument
from openpsap.db import Base
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.idempotency import IdempotencyRecord
from openpsap.incidents.models import Counter, Incident, Note
from openpsap.jurisdiction.models import Jurisdiction, JurisdictionLayer
from openpsap.stations.models import Agency, Station
from openpsap.units.models import Assignment, Unit, UnitPosition

__all__ = [
    "Agency", "ApiToken", "Assignment", "Base", "Call", "CarePlan", "ConfigurationDocument", "FollowUp", "IncidentCare", "Counter", "Credential", "EventRecord",
    "IdempotencyRecord", "Incident", "Jurisdiction", "JurisdictionLayer", "Note", "PublicSummary", "Station", "Unit", "UnitPosition", "User",
]

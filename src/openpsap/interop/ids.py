"""Who this centre is in an EIDO, and the stable identifiers of the data components it sends. PURE.

A component's `$id` must be the same in every EIDO of the same incident (NENA-STA-021.1b section 2.1): each is
derived from the incident's tracking identifier and what the component describes, never drawn at random.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

TRACKING_PREFIX = "urn:emergency:uid:incidentid:"
CALL_PREFIX = "urn:emergency:uid:callid:"
COMPONENT_PREFIX = "urn:emergency:uid:eidodatacomponent:"
_NAMESPACE = uuid.UUID("6f1e6c1a-4a57-5d0b-9c1e-0e1d0a911911")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Identity:
    """This centre: its Agency Identifier (a domain name, e.g. psap.example.org) and its EIDO-issuing element."""

    agency_id: str

    @property
    def element_id(self) -> str:
        return f"cad.{self.agency_id}"

    def tracking_id(self, incident_uid: str) -> str:
        """An incident's tracking identifier: urn:emergency:uid:incidentid:<unique>:<agency>."""
        unique = incident_uid.removeprefix(TRACKING_PREFIX).replace("-", "")
        return f"{TRACKING_PREFIX}{unique}:{self.agency_id}"

    def incident_uid(self, tracking_id: str) -> str | None:
        """The local incident uid behind one of this centre's own tracking identifiers, or None."""
        suffix = f":{self.agency_id}"
        if not (tracking_id.startswith(TRACKING_PREFIX) and tracking_id.endswith(suffix)):
            return None
        unique = tracking_id[len(TRACKING_PREFIX):-len(suffix)]
        try:
            return f"{TRACKING_PREFIX}{uuid.UUID(hex=unique)}"
        except ValueError:
            return None

    def own_call(self, call_id: str) -> str | None:
        """The local call id behind one of this centre's own call identifiers, or None."""
        suffix = f":{self.agency_id}"
        if not (call_id.startswith(CALL_PREFIX) and call_id.endswith(suffix)):
            return None
        try:
            return str(uuid.UUID(hex=call_id[len(CALL_PREFIX):-len(suffix)]))
        except ValueError:
            return None

    def call_id(self, call_id: str) -> str:
        return f"{CALL_PREFIX}{call_id.replace('-', '')}:{self.agency_id}"

    def component(self, tracking_id: str, kind: str, key: str = "") -> str:
        unique = uuid.uuid5(_NAMESPACE, f"{tracking_id}|{kind}|{key}").hex
        return f"{COMPONENT_PREFIX}{unique}:{self.agency_id}"

    def agent(self, username: str) -> str:
        return f"{_UNSAFE.sub('_', username)}@{self.agency_id}"

    def agency(self, agency_id: str) -> str:
        return f"{_UNSAFE.sub('_', agency_id.lower())}.{self.agency_id}"

    def resource(self, unit_id: str, agency_id: str) -> str:
        """An emergency resource: unit@AgencyId (e.g. e01@sffd.psap.example.org)."""
        return f"{_UNSAFE.sub('_', unit_id.lower())}@{self.agency(agency_id)}"

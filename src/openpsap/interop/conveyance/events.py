"""The events of EIDO conveyance (eventlog/types.py). None holds private data: EIDOs themselves are not logged."""

from __future__ import annotations

from pydantic import Field

from openpsap.eventlog.types import EventPayload


class IncidentTransferred(EventPayload):
    """A supervisor transferred the incident to a neighbouring centre (its EIDO conveyed as a request for service, NENA-STA-024): incident_id, neighbour (its configured name), eido_id (the incident's tracking identifier), request_id, response_code and response_text (the neighbour's answer), subscription_id (this centre's subscription to the neighbour's updates of it)."""

    event_kind = "incident-transferred"
    incident_id: str
    neighbour: str
    eido_id: str
    request_id: str
    response_code: int
    response_text: str
    subscription_id: str | None = None


class EidoSubscriptionStarted(EventPayload):
    """A neighbouring centre subscribed to this centre's EIDOs (NENA-STA-024): subscription_id, subscriber (its user), sub_type (single: one incident; new: every incident opened from now on), eido_id and incident_id (for single), min_rate and max_rate (seconds, as agreed), expires_at, from_seq (the log position it starts after)."""

    event_kind = "eido-subscription-started"
    subscription_id: str
    subscriber: str
    sub_type: str
    eido_id: str | None = None
    incident_id: str | None = None
    min_rate: int | None = None
    max_rate: int | None = None
    expires_at: str
    from_seq: int


class EidoSubscriptionRenewed(EventPayload):
    """The subscriber renewed its subscription: subscription_id, expires_at."""

    event_kind = "eido-subscription-renewed"
    subscription_id: str
    expires_at: str


class EidoSubscriptionEnded(EventPayload):
    """A subscription to this centre's EIDOs ended: subscription_id, reason (unsubscribed, expired)."""

    event_kind = "eido-subscription-ended"
    subscription_id: str
    reason: str


class NeighbourSubscribed(EventPayload):
    """This centre subscribed to a neighbour's EIDOs, or renewed that subscription under a new identifier after the neighbour lost it: id (this centre's), neighbour, sub_type (single or new), eido_id (for single), remote_id (the neighbour's subscription identifier), expires (seconds, as agreed)."""

    event_kind = "neighbour-subscribed"
    id: str
    neighbour: str
    sub_type: str
    eido_id: str | None = None
    remote_id: str
    expires: int


class NeighbourUnsubscribed(EventPayload):
    """This centre ended its subscription to a neighbour's EIDOs: id, neighbour, reason."""

    event_kind = "neighbour-unsubscribed"
    id: str
    neighbour: str
    reason: str


class EidoReceived(EventPayload):
    """A neighbour notified this centre of an incident (NENA-STA-024) and the EIDO was imported: neighbour, subscription_id (this centre's), eido_id, incident_id (here, if any), last_update, digest, outcome (created, updated), status (the neighbour's incident status), units (the neighbour's units on it: name, type, primary status, secondary statuses), disposition."""

    event_kind = "eido-received"
    neighbour: str
    subscription_id: str
    eido_id: str
    incident_id: str | None = None
    last_update: str
    digest: str
    outcome: str
    status: list[str] = Field(default_factory=list)
    units: list[dict[str, object]] = Field(default_factory=list)
    disposition: str | None = None

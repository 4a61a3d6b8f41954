"""Every kind of event openpsap records, in the order the docs list them, with what each records.

The payload of each kind is a class in its feature's events.py (eventlog/types.py): the one place it is defined.
Recording a kind that has no class is a programming error (UnitOfWork.emit checks the payload against its class).
docs/events.md is generated from the classes; a test checks it is current.
"""

from __future__ import annotations

from openpsap.eventlog.types import registry, summary

ORDER = (
    "agency-added",
    "station-added",
    "unit-added",
    "station-updated",
    "unit-updated",
    "configuration-changed",
    "user-added",
    "user-password-set",
    "user-logged-in",
    "user-disabled",
    "user-enabled",
    "user-tokens-revoked",
    "call-received",
    "call-answered",
    "call-updated",
    "call-ended",
    "call-linked",
    "triage-suggested",
    "caller-history-viewed",
    "care-plan-noted",
    "protocol-answered",
    "prearrival-step-given",
    "transcript-segment",
    "triage-decided",
    "incident-created",
    "incident-updated",
    "incident-status-changed",
    "note-added",
    "incident-closed",
    "incident-cancelled",
    "incident-reopened",
    "eido-imported",
    "incident-transferred",
    "eido-received",
    "eido-subscription-started",
    "eido-subscription-renewed",
    "eido-subscription-ended",
    "neighbour-subscribed",
    "neighbour-unsubscribed",
    "care-outcomes-recorded",
    "follow-up-created",
    "follow-up-updated",
    "callback-attempted",
    "public-summary-approved",
    "public-summary-withdrawn",
    "public-alert-issued",
    "public-alert-updated",
    "public-alert-cancelled",
    "unit-dispatched",
    "unit-status-changed",
    "unit-acknowledged",
    "unit-cleared",
    "unit-position-updated",
)
EVENT_KINDS: dict[str, str] = {kind: summary(registry()[kind]) for kind in ORDER}

"""Incident status (EIDO Table 3.3 spellings) and the fixed vocabulary of incident flags."""

from __future__ import annotations

from enum import StrEnum


class IncidentStatus(StrEnum):
    Active = "Active"  # open, no unit assigned yet (the pending queue)
    ResourcesAssigned = "ResourcesAssigned"
    ResourcesEnroute = "ResourcesEnroute"
    ResourcesOnscene = "ResourcesOnscene"
    Closed = "Closed"
    Cancelled = "Cancelled"
    ReOpened = "ReOpened"


FINISHED = frozenset({IncidentStatus.Closed, IncidentStatus.Cancelled})


class IncidentFlag(StrEnum):
    child_caller = "child_caller"
    non_emergency = "non_emergency"
    lonely_or_isolated = "lonely_or_isolated"
    silent_or_accidental = "silent_or_accidental"
    mental_health_crisis = "mental_health_crisis"
    prank_suspected = "prank_suspected"
    coded_distress = "coded_distress"
    non_english = "non_english"

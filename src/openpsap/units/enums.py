"""Unit status in NENA EIDO terms: a secondary status (what the unit is doing) implies its primary one.

Values are the EIDO registry spellings (Tables 3.9 and 3.10), so they travel unchanged in an EIDO.
"""

from __future__ import annotations

from enum import StrEnum


class PrimaryStatus(StrEnum):
    Available = "Available"
    ConditionallyAvailable = "ConditionallyAvailable"
    NotAvailable = "NotAvailable"


class UnitStatus(StrEnum):
    InService = "InService"
    Station = "Station"
    Dispatched = "Dispatched"
    EnRoute = "EnRoute"
    OnScene = "OnScene"
    Transporting = "Transporting"
    Hospital = "Hospital"
    OutofService = "OutofService"
    OffDuty = "OffDuty"


PRIMARY: dict[UnitStatus, PrimaryStatus] = {
    UnitStatus.InService: PrimaryStatus.Available,
    UnitStatus.Station: PrimaryStatus.Available,
    UnitStatus.Dispatched: PrimaryStatus.NotAvailable,
    UnitStatus.EnRoute: PrimaryStatus.NotAvailable,
    UnitStatus.OnScene: PrimaryStatus.NotAvailable,
    UnitStatus.Transporting: PrimaryStatus.NotAvailable,
    UnitStatus.Hospital: PrimaryStatus.ConditionallyAvailable,
    UnitStatus.OutofService: PrimaryStatus.NotAvailable,
    UnitStatus.OffDuty: PrimaryStatus.NotAvailable,
}

# statuses in which a unit is committed to an incident
COMMITTED = frozenset(
    {UnitStatus.Dispatched, UnitStatus.EnRoute, UnitStatus.OnScene, UnitStatus.Transporting, UnitStatus.Hospital}
)

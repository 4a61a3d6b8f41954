"""The roles of a 911 centre. PURE."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    call_taker = "call_taker"
    dispatcher = "dispatcher"
    supervisor = "supervisor"
    field_unit = "field_unit"
    outreach = "outreach"
    analyst = "analyst"
    admin = "admin"
    neighbour_centre = "neighbour_centre"  # another 911 centre: EIDO conveyance only (docs/interop.md)


ALL_ROLES = frozenset(Role)

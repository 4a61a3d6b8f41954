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


ALL_ROLES = frozenset(Role)

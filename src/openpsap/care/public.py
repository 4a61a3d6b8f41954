"""The public story of an incident: what anyone may see, without a login. PURE.

Type in plain words (sensitive types are folded into a neutral category), time rounded down to the hour,
location at street level only ('Fell St near Gough St', coordinates rounded to 0.005 degrees, about 500 m),
status in words, and a summary only if a public-information officer approved one (already redacted).
Never: names, phone numbers, ages, exact addresses, notes, flags, units, call text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

MEDICAL = {"ABDOM", "ALLERGIC", "ALS", "BACK", "BLEEDING", "BLS", "BURN", "CARDIAC", "CHESPAIN", "CHOKE", "DIABETIC",
           "EYE", "FALL", "HEADACHE", "HEMRG", "NCRCPRF", "PERUNCON", "PREG", "RESP", "RESPARR", "SEIZURE", "SICK",
           "STROKE", "TRANSFER", "TRAUMA", "ALRMED", "EXPOSURE", "OD", "DEATH", "SLMP"}
WELFARE = {"WELFARE", "NONEMERG", "CITASST", "911H", "911OPN", "PERFND", "PERMISS", "INFO", "RUNAWAY", "JUV", "CUST",
           "NEGLECT", "ABUSE", "MNTL", "MTLV", "EDP", "SUICIDE", "SUICTHRT", "DVA", "DVNA", "FAM", "SEXOFFNS",
           "INDECENT", "STKX", "HARR", "TRUANT", "SCH"}
FIRE_PREFIX = ("F", "ALRF", "ALRG", "ALRH", "ALRK", "ALRN", "ALRP", "ALRW", "ALRC")
# never in the public feed on their own: children, mental health, domestic violence, sexual assault (a
# public-information officer may still publish one by approving a redacted summary, as a department tells a
# child's story)
NEVER = {"DVA", "DVNA", "FAM", "SEXOFFNS", "INDECENT", "STKX", "ABUSE", "NEGLECT", "CUST", "JUV", "RUNAWAY", "TRUANT",
         "SCH", "MNTL", "MTLV", "EDP", "SUICIDE", "SUICTHRT", "ABDUCTF", "ABDUCTNF", "HARR"}
NEVER_FLAGS = {"child_caller", "mental_health_crisis", "coded_distress"}


def publishable(code: str, flags: list[str], approved_summary: bool, allowed: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether the public feed lists an incident: a summary a PIO approved always; otherwise only types the agency
    allows (all but the never-list when it names none) and nothing about a child, mental health or coded distress."""
    if approved_summary:
        return True
    if code in NEVER or NEVER_FLAGS & set(flags):
        return False
    return not allowed or code in allowed


def street_released(closed_at: datetime | None, now: datetime, delay_minutes: float) -> bool:
    """A street is published only once the incident has been closed for the agency's delay."""
    return closed_at is not None and (now - closed_at).total_seconds() >= delay_minutes * 60
GRID = 0.005


def public_category(code: str, names: dict[str, str]) -> str:
    """Plain words for the type; medical and sensitive calls never say more than 'Medical aid' or
    'Welfare check / public assistance'."""
    if code in MEDICAL:
        return "Medical aid"
    if code in WELFARE:
        return "Welfare check / public assistance"
    name = names.get(code, "").split(";")[0].strip()
    if not name or len(name) > 60:
        return "Fire response" if code.startswith(FIRE_PREFIX) else "Police or fire service"
    return name


def public_view(*, number: str, code: str, names: dict[str, str], status: str, created_at: datetime,
                closed: bool, lat: float | None, lon: float | None, street: str | None,
                summary: str | None) -> dict[str, Any]:
    hour = created_at.replace(minute=0, second=0, microsecond=0)
    return {
        "incident": number,
        "type": public_category(code, names),
        "hour": hour.isoformat(),
        "status": "closed" if closed else "active",
        "area": street or "location published once the incident has been closed a while",
        "lat": round(round(lat / GRID) * GRID, 3) if lat is not None and street else None,
        "lon": round(round(lon / GRID) * GRID, 3) if lon is not None and street else None,
        "summary": summary,
    }

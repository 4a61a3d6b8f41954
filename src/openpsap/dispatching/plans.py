"""Response plans (run cards): which units each incident type needs. Loaded from YAML and checked.
PURE: no web, no database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from openpsap.standards.registries import incident_types


class PlanError(ValueError):
    """A response-plan file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Slot:
    types: frozenset[str]
    capabilities: frozenset[str]
    count: int

    def fits(self, unit_type: str, capabilities: frozenset[str] | set[str]) -> bool:
        return unit_type in self.types and self.capabilities.issubset(capabilities)

    def describe(self) -> str:
        caps = f" with {', '.join(sorted(self.capabilities))}" if self.capabilities else ""
        return f"{self.count} x {' or '.join(sorted(self.types))}{caps}"


@dataclass(frozen=True)
class Plan:
    name: str
    slots: tuple[Slot, ...]
    note: str = ""


@dataclass(frozen=True)
class ResponsePlans:
    plans: dict[str, Plan]
    by_type: dict[str, str]
    fallback: str

    def for_type(self, code: str) -> Plan:
        return self.plans[self.by_type.get(code, self.fallback)]


def parse(document: Any) -> ResponsePlans:
    if not isinstance(document, dict) or not isinstance(document.get("plans"), dict):
        raise PlanError("a response-plan file needs a 'plans' mapping")
    plans: dict[str, Plan] = {}
    for name, body in document["plans"].items():
        if not isinstance(name, str) or not name.strip():
            raise PlanError("each plan needs a name, e.g. structure_fire")
        if not isinstance(body, dict) or not isinstance(body.get("slots"), list):
            raise PlanError(f"plan {name!r} needs a 'slots' list")
        slots = []
        for i, slot in enumerate(body["slots"]):
            where = f"plan {name!r} slot {i + 1}"
            if not isinstance(slot, dict) or not slot.get("types"):
                raise PlanError(f"{where} needs 'types', e.g. [ENGINE]")
            if not isinstance(slot["types"], list) or not isinstance(slot.get("capabilities", []), list):
                raise PlanError(f"{where}: 'types' and 'capabilities' must be lists, e.g. [ENGINE] and [als]")
            count = slot.get("count", 1)
            if not isinstance(count, int) or not 1 <= count <= 20:
                raise PlanError(f"{where}: count must be a whole number from 1 to 20")
            slots.append(Slot(frozenset(map(str, slot["types"])), frozenset(map(str, slot.get("capabilities", []))), count))
        plans[name] = Plan(name, tuple(slots), str(body.get("note", "")))
    fallback = document.get("fallback")
    if fallback not in plans:
        raise PlanError(f"fallback plan {fallback!r} is not defined under 'plans'")
    known = incident_types()
    by_type: dict[str, str] = {}
    types = document.get("types") or {}
    if not isinstance(types, dict):
        raise PlanError("'types' must map each plan to its APCO codes, e.g. structure_fire: [FIRESTRUC]")
    for name, codes in types.items():
        if not isinstance(codes, list):
            raise PlanError(f"'types' of plan {name!r} must be a list of APCO codes")
        if name not in plans:
            raise PlanError(f"'types' names plan {name!r}, which is not defined under 'plans'")
        for code in codes:
            if code not in known:
                raise PlanError(f"plan {name!r} lists {code!r}, which is not an APCO incident type")
            if code in by_type:
                raise PlanError(f"{code} is listed under both {by_type[code]!r} and {name!r}")
            by_type[code] = name
    return ResponsePlans(plans, by_type, fallback)


@cache
def default_plans() -> ResponsePlans:
    text = files("openpsap.data").joinpath("response_plans.yaml").read_text(encoding="utf-8")
    return parse(yaml.safe_load(text))

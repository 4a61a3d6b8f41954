"""What follows from the urgency, derived after it so that nothing shown to the call-taker contradicts it. PURE.

Order: urgency first (rules floor, learned layer, caller history, confirmed protocol answers), then, from it:
- flags: non_emergency never on a High call nor beside a cue that demands Medium or more (on a Medium call it
  says "possibly no emergency: confirm with the questions"); prank_suspected not on a High one (a prank with a
  danger sign is handled as real); the rest stand;
- incident type: rule cues first, the nearest scenarios second, and a type whose response plan agrees with the
  response (a High or Medium call never gets a no-unit type such as NONEMERG; a child's welfare check is WELFARE);
- response: High emergency; Medium urgent (callback for a silent line); Low welfare_check for a child, callback
  for a silent line, referral for a lonely or mental-health caller, routine otherwise;
- the response plan of that type, which sends a unit whenever the response needs one;
- questions and script: a child in an emergency gets the child-emergency questions, any other child the child's.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpsap.dispatching.plans import ResponsePlans

NEEDS_UNIT = {"emergency", "urgent", "welfare_check"}
NO_UNIT_FALLBACK = {"High": "TROUBLE", "Medium": "TROUBLE"}
LOW_TYPES = {"welfare_check": "WELFARE", "callback": "911H", "referral": "NONEMERG", "routine": "NONEMERG"}


@dataclass(frozen=True)
class Settled:
    incident_type: str
    ranked: list[tuple[str, float]]
    response: str
    flags: set[str]
    plan: dict[str, object]


def settle_flags(urgency: str, flags: set[str], floor: str | None = None) -> set[str]:
    out = set(flags)
    if urgency == "High" or floor in ("Medium", "High"):
        out.discard("non_emergency")  # a lonely caller who also reports a fire is not a non-emergency
    if urgency == "High":
        out.discard("prank_suspected")
    return out


def response_for(urgency: str, flags: set[str]) -> str:
    if urgency == "High":
        return "emergency"
    if urgency == "Medium":
        return "callback" if "silent_or_accidental" in flags and "coded_distress" not in flags else "urgent"
    if "child_caller" in flags:
        return "welfare_check"  # the child who called because he was lonely: a kind visit, not sirens
    if "silent_or_accidental" in flags:
        return "callback"
    if "lonely_or_isolated" in flags or "mental_health_crisis" in flags:
        return "referral"
    return "routine"


def settle(urgency: str, flags: set[str], scores: dict[str, float], plans: ResponsePlans,
           floor: str | None = None) -> Settled:
    """`scores`: candidate APCO types with their weights (rules and nearest scenarios); `floor`: what the cues
    demand."""
    flags = settle_flags(urgency, flags, floor)
    response = response_for(urgency, flags)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    fits = [code for code, _ in ranked if _agrees(code, urgency, response, plans)]
    if fits:
        incident_type = fits[0]
    elif urgency == "Low":
        incident_type = LOW_TYPES[response]
    elif "silent_or_accidental" in flags and response == "callback":
        incident_type = "911OPN"
    else:
        incident_type = NO_UNIT_FALLBACK[urgency]
    if incident_type not in scores:
        ranked = [(incident_type, 0.0), *ranked]
    plan = plans.for_type(incident_type)
    return Settled(incident_type, ranked, response, flags, {
        "name": plan.name, "units": [s.describe() for s in plan.slots],
        "note": plan.note or ("" if plan.slots else "no unit is sent"),
    })


def _agrees(code: str, urgency: str, response: str, plans: ResponsePlans) -> bool:
    units = sum(slot.count for slot in plans.for_type(code).slots)
    if response in NEEDS_UNIT and not units:
        return False
    if response == "welfare_check":
        return code in ("WELFARE", "CITASST")
    if urgency == "Low" and response in ("referral", "routine"):
        return units <= 1  # a routine call sends one unit at most (a noise complaint), never an alarm
    if urgency == "Low" and response == "callback":
        return code in ("911H", "911OPN", "NONEMERG")
    return True


def questions_for(questions: dict[str, tuple[str, ...]], incident_type: str, flags: set[str], urgency: str) -> list[str]:
    if "child_caller" in flags:
        return list(questions["child_emergency" if urgency == "High" else "child"])
    if incident_type == "TROUBLE" and urgency == "High":
        return list(questions.get("TROUBLE", questions["default"]))
    return list(questions.get(incident_type, questions["default"]))

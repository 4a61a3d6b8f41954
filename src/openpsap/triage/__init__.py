"""Call triage: from what the caller says to urgency, incident type, response, flags and questions.

triage(text, context=None) -> TriageResult. Safe before clever: the rules layer may round a call
up, never down; a life-threat cue forces High whoever the caller is; flags such as non_emergency or
prank never lower what a threat cue demands; coded distress is High police. (The learned layer of
issue 3 is not built yet: model_version says 'rules-...'.) PURE: no web, no database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from openpsap.incidents.priority import PriorityScale
from openpsap.triage.normalise import looks_non_english, normalise
from openpsap.triage.rules import URGENCY_RANK, Rules, default_rules

FLAGS = ("child_caller", "non_emergency", "lonely_or_isolated", "silent_or_accidental", "mental_health_crisis",
         "prank_suspected", "coded_distress", "non_english")
PRIORITY_FOR_URGENCY = {"High": "P1", "Medium": "P3", "Low": "P5"}
MAX_TEXT = 20_000


@dataclass
class TriageResult:
    urgency: str
    incident_type: str
    alternatives: list[dict[str, Any]]
    priority: str
    eido_priority: int
    disciplines: list[str]
    response: str
    flags: list[str]
    questions: list[str]
    evidence: list[dict[str, str]]
    model_version: str
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def triage(text: str, context: dict[str, Any] | None = None, *, rules: Rules | None = None,
           scale: PriorityScale | None = None) -> TriageResult:
    rules = rules or default_rules()
    scale = scale or PriorityScale()
    notes = []
    if len(text) > MAX_TEXT:
        notes.append(f"only the last {MAX_TEXT} characters were read")
        text = text[-MAX_TEXT:]
    clean = normalise(text.replace("\x00", " "))
    hits = rules.hits(clean)
    evidence = [{"cue": h.cue.name, "matched": h.matched, "effect": f"urgency {h.cue.urgency}"} for h in hits]

    flags: set[str] = {f for h in hits for f in h.cue.flags}
    child = rules.child_evidence(clean)
    if child:
        flags.add("child_caller")
        evidence.append({"cue": "child_caller", "matched": ", ".join(child), "effect": "child-appropriate questions"})
    if looks_non_english(text):
        flags.add("non_english")
        evidence.append({"cue": "non_english", "matched": text[:40], "effect": "get an interpreter; do not read as English"})
    threat = [h for h in hits if h.cue.life_threat or h.cue.coded]
    emergency = [h for h in hits if h.cue.urgency != "Low"]
    if emergency:
        flags.discard("non_emergency")  # a caller who is lonely AND reports a fire is not a non-emergency

    # urgency: the highest any cue demands; unknown (no cue) is Medium, never Low
    urgency = max((h.cue.urgency for h in hits), key=URGENCY_RANK.get, default="Medium")
    if threat:
        urgency = "High"  # safety rule: whoever the caller is, whatever the flags
    if "non_english" in flags and urgency == "Low":
        urgency = "Medium"  # we may not have understood: round up
    if (context or {}).get("repeat_silent_calls", 0) >= 2 and "silent_or_accidental" in flags:
        urgency = max(urgency, "Medium", key=URGENCY_RANK.get)
        notes.append("repeated silent calls from this number: treat as possible distress")

    scores: dict[str, float] = defaultdict(float)
    for h in hits:
        for code, weight in h.cue.types:
            scores[code] += weight * (2.0 if h.cue.life_threat or h.cue.coded else 1.0)
    if not scores:
        scores["CITASST" if urgency != "Low" else "NONEMERG"] = 0.5
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    total = sum(scores.values())
    incident_type = ranked[0][0]

    disciplines = sorted({d for h in hits for d in h.cue.disciplines})
    if any(h.cue.coded for h in hits) and "police" not in disciplines:
        disciplines.append("police")
    if urgency == "Low" and not emergency:
        disciplines = []
    response = _response(urgency, flags)
    questions = _questions(rules, incident_type, flags, urgency)
    priority = PRIORITY_FOR_URGENCY[urgency]
    if priority not in scale.levels:
        priority = list(scale.levels)[0 if urgency == "High" else -1]
    return TriageResult(
        urgency=urgency,
        incident_type=incident_type,
        alternatives=[{"code": c, "score": round(s / total, 3)} for c, s in ranked[:5]],
        priority=priority,
        eido_priority=scale.eido(priority),
        disciplines=disciplines,
        response=response,
        flags=[f for f in FLAGS if f in flags],
        questions=questions,
        evidence=evidence,
        model_version=rules.version,
        notes=notes,
    )


def _response(urgency: str, flags: set[str]) -> str:
    if urgency == "High":
        return "emergency"
    if urgency == "Medium":
        return "callback" if "silent_or_accidental" in flags else "urgent"
    if "child_caller" in flags:
        return "welfare_check"  # the child who called because he was lonely: a kind visit, not sirens
    if "silent_or_accidental" in flags:
        return "callback"
    if "lonely_or_isolated" in flags or "mental_health_crisis" in flags:
        return "referral"
    return "routine"


def _questions(rules: Rules, incident_type: str, flags: set[str], urgency: str) -> list[str]:
    if "child_caller" in flags:
        return list(rules.questions["child_emergency" if urgency == "High" else "child"])
    return list(rules.questions.get(incident_type, rules.questions["default"]))

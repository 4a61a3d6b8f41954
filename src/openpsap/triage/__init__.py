"""Call triage: from what the caller says to urgency, incident type, response, flags and questions.

triage(text, context=None) -> TriageResult; triage_many(texts) does a batch in one pass. `context` may
carry `repeat_silent_calls`, `prior_calls_90d` (the caller's history) and `local_hour`. Two layers:
- protocol rules (rules.py, data/triage_rules.yaml): negation-aware cues that set a FLOOR. A life-threat or
  coded-distress cue forces High whoever the caller is; no flag (non_emergency, prank) lowers it.
- the learned layer (model.py): sentence embedding + linear heads; it may raise urgency above the floor, add
  flags and disciplines, and suggest Low only when it is confident and no cue demands more.
Safe before clever: the result never goes below what a cue demands. If the model files are missing, triage
runs on the rules alone and says so in `notes`. No web, no database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from openpsap.dispatching.plans import ResponsePlans, default_plans
from openpsap.incidents.priority import PriorityScale
from openpsap.triage.features import FLAG_NAMES as FLAGS
from openpsap.triage.features import rule_features
from openpsap.triage.model import LearnedTriage, Prediction, decide
from openpsap.triage.normalise import looks_non_english
from openpsap.triage.prearrival import instructions_for
from openpsap.triage.protocol import interview
from openpsap.triage.rules import URGENCY_RANK, Hit, Rules, default_rules
from openpsap.triage.settle import questions_for, settle
from openpsap.triage.speech import Reading, read

PRIORITY_FOR_URGENCY = {"High": "P1", "Medium": "P3", "Low": "P5"}
MAX_TEXT = 20_000
TYPE_NEIGHBOUR_WEIGHT = 3.0  # the nearest scenarios' type vote (sums to 1) weighs like one strong cue
Learned = LearnedTriage | None | Literal["default"]


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
    probabilities: dict[str, float] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)  # the response plan of the type: what it sends
    protocol: dict[str, Any] | None = None  # the interview: complaint, questions, answers, determinant
    instructions: dict[str, Any] | None = None  # pre-arrival instructions for this complaint and these answers

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Findings:
    """What the rules layer read in one text."""

    hits: list[Hit]
    flags: set[str]
    evidence: list[dict[str, str]]
    notes: list[str]
    n_words: int
    reading: Reading  # the sentences, both voices and the caller's own (the protocol pre-fill reads them too)

    @property
    def floor(self) -> str | None:
        if any(h.cue.life_threat or h.cue.coded for h in self.hits):
            return "High"
        return max((h.cue.urgency for h in self.hits), key=lambda u: URGENCY_RANK.get(u, 0), default=None)

    def complaints(self) -> list[str]:
        """The protocol complaints the cues open, strongest first (life threat, then urgency, then file order)."""
        strongest = sorted((h for h in self.hits if h.cue.complaint), key=lambda h: (
            -(h.cue.life_threat or h.cue.coded), -URGENCY_RANK[h.cue.urgency]))
        return list(dict.fromkeys(str(h.cue.complaint) for h in strongest))

    def features(self):
        return rule_features(self.hits, self.flags, self.n_words)


def read_rules(text: str, rules: Rules) -> Findings:
    notes = []
    if len(text) > MAX_TEXT:
        notes.append(f"only the last {MAX_TEXT} characters were read")
        text = text[-MAX_TEXT:]
    reading = read(text.replace("\x00", " "))
    hits = rules.hits(reading)
    clean = " ".join(reading.said)
    evidence = [{"cue": h.cue.name, "matched": h.matched, "effect": f"urgency {h.cue.urgency}"} for h in hits]
    flags: set[str] = {f for h in hits for f in h.cue.flags}
    child = rules.child_evidence(clean)
    if child:
        flags.add("child_caller")
        evidence.append({"cue": "child_caller", "matched": ", ".join(child), "effect": "child-appropriate questions"})
    if looks_non_english(text):
        flags.add("non_english")
        evidence.append({"cue": "non_english", "matched": text[:40], "effect": "get an interpreter; do not read as English"})
    return Findings(hits, flags, evidence, notes, len(clean.split()), reading)


def triage(text: str, context: dict[str, Any] | None = None, *, rules: Rules | None = None,
           scale: PriorityScale | None = None, learned: Learned = "default",
           answers: dict[str, str] | None = None, plans: ResponsePlans | None = None) -> TriageResult:
    """`answers`: the protocol answers the call-taker confirmed {question id: answer} (protocol.py).
    `plans`: the agency's response plans in use (default: the shipped ones)."""
    return triage_many([text], [context], rules=rules, scale=scale, learned=learned, answers=[answers], plans=plans)[0]


def triage_many(texts: list[str], contexts: list[dict[str, Any] | None] | None = None, *, rules: Rules | None = None,
                scale: PriorityScale | None = None, learned: Learned = "default",
                answers: list[dict[str, str] | None] | None = None, plans: ResponsePlans | None = None) -> list[TriageResult]:
    rules = rules or default_rules()
    plans = plans or default_plans()
    scale = scale or PriorityScale()
    contexts = contexts or [None] * len(texts)
    answers = answers or [None] * len(texts)
    model, unavailable = _model(learned)
    found = [read_rules(t, rules) for t in texts]
    predictions: list[Prediction | None] = [None] * len(texts)
    if model is not None:
        import numpy as np

        embeddings = model.encoder.embed_many([t[-MAX_TEXT:].replace("\x00", " ") for t in texts])
        predictions = list(model.predict(embeddings, np.stack([f.features() for f in found])))
    version = rules.version + (f"+{model.version}" if model is not None else "")
    return [_combine(f, p, c, rules, scale, model, version, unavailable, plans, a)
            for f, p, c, a in zip(found, predictions, contexts, answers)]


_default: tuple[LearnedTriage | None, str | None] | None = None


def _model(learned: Learned) -> tuple[LearnedTriage | None, str | None]:
    global _default
    if learned != "default":
        return learned, None
    if _default is None:
        from openpsap.triage.embedding import EmbeddingUnavailable
        from openpsap.triage.model import ModelMismatch, default_model

        try:
            _default = (default_model(), None)
        except (EmbeddingUnavailable, ModelMismatch, FileNotFoundError) as exc:
            _default = (None, f"learned layer unavailable, rules only: {exc}")
    return _default


def _combine(f: Findings, p: Prediction | None, context: dict[str, Any] | None, rules: Rules,
             scale: PriorityScale, model: LearnedTriage | None, version: str, unavailable: str | None,
             plans: ResponsePlans, answers: dict[str, str] | None = None) -> TriageResult:
    flags, evidence, notes = set(f.flags), list(f.evidence), list(f.notes)
    disciplines = {d for h in f.hits for d in h.cue.disciplines}
    context = context or {}
    if unavailable:
        notes.append(unavailable)
    if p is not None and model is not None:
        urgency = decide(p.urgency["High"], p.urgency["Low"], f.floor, model.thresholds)
        shown = " ".join(f"P({k})={v:.2f}" for k, v in p.urgency.items())
        like = "; ".join(f"{n['id']} ({n['urgency']}) '{n['text']}'" for n in p.neighbours)
        evidence.append({"cue": "learned", "matched": f"similar to {like}" if like else "",
                         "effect": f"{shown} -> {urgency}" + (f" (rules floor {f.floor})" if f.floor else "")})
        for flag, prob in p.flags.items():
            if prob >= model.thresholds.flags.get(flag, 0.5) and flag not in flags:
                flags.add(flag)
                evidence.append({"cue": f"learned:{flag}", "matched": "", "effect": f"P={prob:.2f}"})
        disciplines |= {d for d, prob in p.disciplines.items() if prob >= model.thresholds.disciplines}
    else:
        urgency = f.floor or "Medium"  # unknown (no cue) is Medium, never Low
    if "coded_distress" in flags:
        urgency, disciplines = "High", disciplines | {"police"}  # safety rule: whoever adds the flag
    if "non_english" in flags and urgency == "Low":
        urgency = "Medium"  # we may not have understood: round up
    urgency = _history(context, flags, evidence, notes, urgency)

    scores: dict[str, float] = defaultdict(float)
    for h in f.hits:
        for code, weight in h.cue.types:
            scores[code] += weight * (2.0 if h.cue.life_threat or h.cue.coded else 1.0)
    if p is not None:
        for code, weight in p.types.items():
            scores[code] += TYPE_NEIGHBOUR_WEIGHT * weight
    settled = settle(urgency, flags, dict(scores), plans, f.floor)
    leans_low = p is not None and model is not None and urgency == "Medium" and f.floor is None \
        and p.urgency["Low"] >= model.thresholds.low
    if leans_low:
        notes.append("the words sound like no emergency but give no reason: confirm with the protocol's questions "
                     "to make it Low")
    asked = interview(f.reading.said, settled.incident_type, settled.flags, urgency, answers,
                      cue_complaints=f.complaints() or (["no_emergency"] if leans_low else []))
    if asked and asked["determinant"]:
        d = asked["determinant"]
        if d["urgency"] != urgency or d["incident_type"] != settled.incident_type:
            urgency = d["urgency"]
            settled = settle(urgency, flags, {**scores, d["incident_type"]: max(scores.values(), default=0.0) + 10.0},
                             plans, f.floor)
        evidence.append({"cue": "protocol", "matched": ", ".join(f"{q}={a}" for q, a in d["answers_used"].items()),
                         "effect": f"{d['reason']} -> {d['urgency']}" + ("" if d["confirmed"] else " (answers read "
                                                                          "from the words: confirm them)")})
    flags = settled.flags
    if urgency == "Low":
        disciplines = {"police"} if settled.response == "welfare_check" else set()
    elif not disciplines:
        disciplines = {"police"}  # an unknown problem: police locate it
    priority = PRIORITY_FOR_URGENCY[urgency]
    if priority not in scale.levels:
        priority = list(scale.levels)[0 if urgency == "High" else -1]
    total = sum(max(v, 0.0) for _, v in settled.ranked) or 1.0
    return TriageResult(
        urgency=urgency,
        incident_type=settled.incident_type,
        alternatives=[{"code": c, "score": round(v / total, 3)} for c, v in settled.ranked[:5]],
        priority=priority,
        eido_priority=scale.eido(priority),
        disciplines=sorted(disciplines),
        response=settled.response,
        flags=[x for x in FLAGS if x in flags],
        questions=questions_for(rules.questions, settled.incident_type, flags, urgency),
        evidence=evidence,
        model_version=version,
        notes=notes,
        probabilities={k: round(v, 3) for k, v in p.urgency.items()} if p is not None else {},
        plan=settled.plan,
        protocol=asked,
        instructions=_instructions(asked, flags),
    )


def _instructions(asked: dict[str, Any] | None, flags: set[str]) -> dict[str, Any] | None:
    if not asked:
        return None
    answers = {q["id"]: q["confirmed"] or (q["prefilled"] or {}).get("answer") for q in asked["questions"]}
    chosen = instructions_for(asked["complaint"], {q: a for q, a in answers.items() if a}, "child_caller" in flags)
    return chosen.to_json() if chosen else None


def _history(context: dict[str, Any], flags: set[str], evidence: list[dict[str, str]], notes: list[str],
             urgency: str) -> str:
    """What the caller's history adds. It may add a flag or raise urgency, never lower it."""
    if _count(context, "repeat_silent_calls") >= 2 and "silent_or_accidental" in flags:
        urgency = max(urgency, "Medium", key=lambda u: URGENCY_RANK.get(u, 0))
        notes.append("repeated silent calls from this number: treat as possible distress")
    if context.get("known_child_caller") is True and "child_caller" not in flags:
        flags.add("child_caller")
        evidence.append({"cue": "caller_history", "matched": "this number is known as a child's (care plan or "
                         "earlier child-caller calls)", "effect": "child_caller"})
    if (prior := _count(context, "prior_calls_90d")) >= 1:
        notes.append(f"{prior} earlier call(s) from this number in 90 days: check the caller history and care plan")
    hour = _count(context, "local_hour", default=-1)
    if "child_caller" in flags and (hour >= 21 or 0 <= hour < 6):
        notes.append("a child calling at night: make sure a grown-up is there")
    return urgency


def _count(context: dict[str, Any], key: str, default: int = 0) -> int:
    """A whole number from the caller context, or `default` for anything else (context comes from outside)."""
    value = context.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


__all__ = ["FLAGS", "Findings", "TriageResult", "read_rules", "triage", "triage_many"]

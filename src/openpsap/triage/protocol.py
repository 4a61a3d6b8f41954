"""The protocol interview: chief complaint, key questions with structured answers, and a deterministic determinant
that sets urgency, response and incident type with its reason. PURE (data/protocol.yaml; no web, no database).

- The complaint follows from triage's incident type (one list of complaints: pre-arrival instructions hang off
  the same ones), or from the child-caller and no-emergency flags.
- The transcript pre-fills the answers it can read (with the words as evidence) for the call-taker to confirm.
- Determinants are tried in order; the first whose answers all match wins. A determinant may LOWER urgency below
  what the words demand only when every answer it used was confirmed by the call-taker; pre-filled answers can
  only raise it. Text alone (batch, the API without answers) never goes below the text's floor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


RANK = {"Low": 0, "Medium": 1, "High": 2}


class ProtocolError(ValueError):
    """A protocol file that cannot be used; the message says where."""


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    answers: tuple[str, ...]
    prefill: tuple[tuple[str, re.Pattern[str]], ...]  # (answer, pattern)


@dataclass(frozen=True)
class Determinant:
    when: tuple[tuple[tuple[str, str], ...], ...]  # alternatives, each all of (question, answer)
    urgency: str
    incident_type: str
    reason: str

    def matches(self, answers: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
        """The (question, answer) pairs that made it match, or None."""
        for option in self.when:
            if all(answers.get(q) == a for q, a in option):
                return option
        return None


@dataclass(frozen=True)
class Complaint:
    id: str
    label: str
    types: tuple[str, ...]
    questions: tuple[str, ...]
    determinants: tuple[Determinant, ...]


@dataclass(frozen=True)
class Protocol:
    questions: dict[str, Question]
    complaints: dict[str, Complaint]

    def complaint_for(self, incident_type: str, flags: set[str] | list[str],
                      cue_complaints: Sequence[str] = ()) -> Complaint | None:
        """The strongest cue's complaint (a collapse is asked as 'unconscious' even when it is typed CARDIAC), else
        the complaint of the incident type, else the child-caller or no-emergency one."""
        for cid in cue_complaints:
            if cid in self.complaints:
                return self.complaints[cid]
        for c in self.complaints.values():
            if incident_type in c.types and c.id not in ("child_caller", "no_emergency"):
                return c
        if "child_caller" in flags:
            return self.complaints.get("child_caller")
        for c in self.complaints.values():
            if incident_type in c.types:
                return c
        return self.complaints.get("no_emergency") if "non_emergency" in flags else None

    def prefill(self, complaint: Complaint, said: Sequence[str]) -> dict[str, dict[str, str]]:
        """Answers the caller's words (sentence by sentence) suggest: {question: {"answer", "evidence"}}; a
        question whose words point both ways is left for the call-taker."""
        out: dict[str, dict[str, str]] = {}
        for qid in complaint.questions:
            found: dict[str, str] = {}
            for answer, pattern in self.questions[qid].prefill:
                for s in said:
                    if answer not in found and (m := pattern.search(s)):
                        found[answer] = m.group(0)
            if len(found) == 1:
                answer, evidence = next(iter(found.items()))
                out[qid] = {"answer": answer, "evidence": evidence}
        return out

    def determine(self, complaint: Complaint, text_urgency: str, confirmed: dict[str, str],
                  prefilled: dict[str, str]) -> dict[str, Any] | None:
        """The determinant and the urgency it leaves, or None when no determinant matches yet."""
        d_confirmed = _first(complaint, confirmed)
        d_all = _first(complaint, {**prefilled, **confirmed})
        if d_confirmed is not None and (d_all is None or RANK[d_all[0].urgency] <= RANK[d_confirmed[0].urgency]):
            (chosen, used), may_lower = d_confirmed, True  # unless the words point to something worse
        elif d_all is not None:
            (chosen, used), may_lower = d_all, False
        else:
            return None
        urgency = chosen.urgency if may_lower else max(chosen.urgency, text_urgency, key=lambda u: RANK.get(u, 0))
        return {"urgency": urgency, "incident_type": chosen.incident_type, "reason": chosen.reason,
                "answers_used": {q: a for q, a in used},
                "confirmed": all(confirmed.get(q) == a for q, a in used)}


def _first(complaint: Complaint, answers: dict[str, str]) -> tuple[Determinant, tuple[tuple[str, str], ...]] | None:
    for d in complaint.determinants:
        if (used := d.matches(answers)) is not None:
            return d, used
    return None


def _word(value: Any) -> str:
    """YAML reads a bare yes/no as a boolean: the protocol's answers are words."""
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def parse(doc: Any) -> Protocol:
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), dict) or not isinstance(doc.get("complaints"), dict):
        raise ProtocolError("a protocol file needs 'questions' and 'complaints' mappings")
    questions = {}
    for qid, q in doc["questions"].items():
        answers = tuple(_word(a) for a in q.get("answers") or ())
        if not answers or len({a[0] for a in answers}) != len(answers):
            raise ProtocolError(f"question {qid!r}: answers must be a list whose first letters differ (one key each)")
        prefill = []
        for answer, patterns in (q.get("prefill") or {}).items():
            if _word(answer) not in answers:
                raise ProtocolError(f"question {qid!r}: prefill for {answer!r}, which is not one of its answers")
            prefill += [(_word(answer), re.compile(p)) for p in patterns]
        questions[qid] = Question(qid, str(q["ask"]), answers, tuple(prefill))
    complaints = {}
    for cid, c in doc["complaints"].items():
        for qid in c["questions"]:
            if qid not in questions:
                raise ProtocolError(f"complaint {cid!r} asks {qid!r}, which is not under 'questions'")
        determinants = []
        for n, d in enumerate(c["determinants"], 1):
            when = d["when"]
            options = [when] if "any" not in when else list(when["any"])
            parsed = []
            for option in options:
                pairs = tuple((str(q), _word(a)) for q, a in option.items())
                for q, a in pairs:
                    if q not in questions or a not in questions[q].answers:
                        raise ProtocolError(f"complaint {cid!r} determinant {n}: {q}={a} is not a question and answer")
                parsed.append(pairs)
            if d["urgency"] not in RANK:
                raise ProtocolError(f"complaint {cid!r} determinant {n}: urgency must be High, Medium or Low")
            determinants.append(Determinant(tuple(parsed), d["urgency"], str(d["type"]), str(d["reason"])))
        complaints[cid] = Complaint(cid, str(c["label"]), tuple(c["types"]), tuple(c["questions"]), tuple(determinants))
    return Protocol(questions, complaints)


@cache
def default_protocol() -> Protocol:
    return parse(yaml.safe_load(files("openpsap.data").joinpath("protocol.yaml").read_text(encoding="utf-8")))


def interview(said: Sequence[str], incident_type: str, flags: list[str] | set[str], text_urgency: str,
              answers: dict[str, str] | None = None, protocol: Protocol | None = None,
              cue_complaints: Sequence[str] = ()) -> dict[str, Any] | None:
    """The interview for this call: its complaint, questions (with pre-filled and confirmed answers) and the
    determinant so far. `said`: the caller's words, sentence by sentence (speech.read); `answers`: the
    call-taker's confirmed answers {question: answer}."""
    protocol = protocol or default_protocol()
    complaint = protocol.complaint_for(incident_type, flags, cue_complaints)
    if complaint is None:
        return None
    confirmed = {q: a for q, a in (answers or {}).items() if q in protocol.questions and a in protocol.questions[q].answers}
    prefilled = protocol.prefill(complaint, said)
    determinant = protocol.determine(complaint, text_urgency, confirmed,
                                     {q: v["answer"] for q, v in prefilled.items() if v["answer"] != "unknown"})
    return {
        "complaint": complaint.id, "label": complaint.label,
        "questions": [{"id": q, "ask": protocol.questions[q].ask, "answers": list(protocol.questions[q].answers),
                       "confirmed": confirmed.get(q), "prefilled": prefilled.get(q)} for q in complaint.questions],
        "determinant": determinant,
    }


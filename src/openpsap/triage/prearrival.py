"""Pre-arrival instructions: the scripted steps a call-taker gives before help arrives, chosen from the protocol's
chief complaint, its answers and whether the caller is a child. PURE (data/prearrival.yaml; no web, no database).

One list of complaints: a set names a complaint of data/protocol.yaml and the answers it needs; answers read
from the words count as well as confirmed ones (an instruction is offered, never forced: the call-taker gives it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from openpsap.triage.protocol import default_protocol


class InstructionsError(ValueError):
    """An instruction file that cannot be used; the message says where."""


@dataclass(frozen=True)
class Step:
    say: str
    metronome: int | None = None  # beats per minute, for compressions


@dataclass(frozen=True)
class InstructionSet:
    id: str
    label: str
    complaint: str
    when: tuple[tuple[str, str], ...]
    child: bool | None  # True: only for a child caller; False: only for an adult; None: anyone
    source: str
    steps: tuple[Step, ...]

    def applies(self, complaint: str, answers: dict[str, str], child: bool) -> bool:
        return (self.complaint == complaint and all(answers.get(q) == a for q, a in self.when)
                and (self.child is None or self.child == child))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "source": self.source,
                "steps": [{"say": s.say, **({"metronome": s.metronome} if s.metronome else {})} for s in self.steps]}


def parse(doc: Any) -> dict[str, InstructionSet]:
    if not isinstance(doc, dict) or not isinstance(doc.get("sets"), dict):
        raise InstructionsError("a pre-arrival file needs a 'sets' mapping")
    protocol = default_protocol()
    out = {}
    for sid, s in doc["sets"].items():
        if s.get("complaint") not in protocol.complaints:
            raise InstructionsError(f"set {sid!r}: complaint {s.get('complaint')!r} is not in the protocol")
        when = tuple((str(q), str(a)) for q, a in (s.get("when") or {}).items())
        for q, a in when:
            if q not in protocol.questions or a not in protocol.questions[q].answers:
                raise InstructionsError(f"set {sid!r}: {q}={a} is not a protocol question and answer")
        steps = tuple(Step(str(st["say"]), int(st["metronome"]) if st.get("metronome") else None)
                      for st in s.get("steps") or ())
        if not steps:
            raise InstructionsError(f"set {sid!r} has no steps")
        out[sid] = InstructionSet(sid, str(s["label"]), s["complaint"], when, s.get("child"), str(s.get("source", "")),
                                  steps)
    return out


@cache
def default_instructions() -> dict[str, InstructionSet]:
    return parse(yaml.safe_load(files("openpsap.data").joinpath("prearrival.yaml").read_text(encoding="utf-8")))


def instructions_for(complaint: str, answers: dict[str, str], child: bool) -> InstructionSet | None:
    """The first set that applies to this complaint, these answers (confirmed or read from the words) and caller."""
    return next((s for s in default_instructions().values() if s.applies(complaint, answers, child)), None)

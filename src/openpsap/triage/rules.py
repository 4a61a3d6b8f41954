"""The protocol-rules layer of triage: cues from a YAML file, matched negation-aware. PURE."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

URGENCY_RANK = {"Low": 0, "Medium": 1, "High": 2}
NEGATORS = re.compile(r"\b(no one|nobody|not|never|no|nothing|without)\b(\s+\w+){0,2}\s*$")


@dataclass(frozen=True)
class Cue:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    urgency: str
    life_threat: bool = False
    coded: bool = False
    negatable: bool = False
    types: tuple[tuple[str, float], ...] = ()
    disciplines: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    cue: Cue
    matched: str


@dataclass(frozen=True)
class Rules:
    cues: tuple[Cue, ...]
    child_cues: tuple[re.Pattern[str], ...]
    questions: dict[str, tuple[str, ...]]
    version: str
    ignore: tuple[re.Pattern[str], ...] = ()

    def hits(self, text: str) -> list[Hit]:
        """Every cue that matches `text` (normalised), minus negated ones ('nobody was shot'), after the
        call-taker's stock phrases are blanked ('police, fire or ambulance?' is not a fire)."""
        for pattern in self.ignore:
            text = pattern.sub(" ", text)
        found = []
        for cue in self.cues:
            for pattern in cue.patterns:
                m = pattern.search(text)
                if m is None:
                    continue
                if cue.negatable and NEGATORS.search(text[: m.start()]):
                    continue
                found.append(Hit(cue, m.group(0).strip() or "(silence)"))
                break
        return found

    def child_evidence(self, text: str) -> list[str]:
        return [m.group(0) for p in self.child_cues if (m := p.search(text))]


def parse(text: str) -> Rules:
    doc = yaml.safe_load(text)
    cues = []
    for name, c in doc["cues"].items():
        if c.get("urgency") not in URGENCY_RANK:
            raise ValueError(f"cue {name!r}: urgency must be High, Medium or Low")
        cues.append(
            Cue(
                name=name,
                patterns=tuple(re.compile(p) for p in c["patterns"]),
                urgency=c["urgency"],
                life_threat=bool(c.get("life_threat")),
                coded=bool(c.get("coded")),
                negatable=bool(c.get("negatable")),
                types=tuple((str(k), float(v)) for k, v in (c.get("types") or {}).items()),
                disciplines=tuple(c.get("disciplines") or ()),
                flags=tuple(c.get("flags") or ()),
            )
        )
    questions = {k: tuple(v) for k, v in doc["questions"].items()}
    version = "rules-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    return Rules(tuple(cues), tuple(re.compile(p) for p in doc.get("child_cues", [])), questions, version,
                 tuple(re.compile(p) for p in doc.get("ignore", [])))


@cache
def default_rules() -> Rules:
    return parse(files("openpsap.data").joinpath("triage_rules.yaml").read_text(encoding="utf-8"))

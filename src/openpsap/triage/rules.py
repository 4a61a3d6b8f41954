"""The protocol-rules layer of triage: cues from a YAML file, matched sentence by sentence in the caller's own
words (speech.py takes the call-taker's out), negation read inside the sentence. PURE.

Detail-free distress ("help", "help me", "please hurry", a scream) is a cue of its own: with nothing else said it is
an unknown-problem call, High, to locate and call back; a request for help with something ("can you help me find
my cat") is not distress."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from openpsap.triage.speech import Reading, read

URGENCY_RANK = {"Low": 0, "Medium": 1, "High": 2}
NEGATORS = re.compile(r"\b(no one|nobody|not|never|no|nothing|without|denies|denied|neither|nor|almost|nearly)\b(\s+\w+){0,2}\s*$")
DISTRESS_WORDS = frozenset("help hurry please somebody someone anybody anyone now quick quickly god oh my me us 911 "
                           "emergency hello hi i need just come send get here fast".split())
FILLER = frozenset("a an the um uh er ah and or so it is am are was to of in on this that yes yeah okay ok sir "
                   "maam".split())
HELP_WITH = re.compile(r"\bhelp (me |us )?(with|to|find|finding|get|getting|figure|out|understand)\b"
                       r"|\b(can|could|would) you (please )?help\b")
SCREAM = re.compile(r"\[[^\]]*\b(scream\w*|yell\w*|shout\w*|whisper\w*|gasp\w*|struggl\w*|thud|glass breaking|"
                    r"sobbing|crying hysterically|help|no no)\b[^\]]*\]")


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
    source: str = ""  # the public guidance the cue comes from
    complaint: str | None = None  # the protocol's chief complaint this cue opens
    with_questions: bool = False  # matched on the whole exchange: the caller's yes to the call-taker's question


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

    def hits(self, text: str | Reading) -> list[Hit]:
        """Every cue found in any sentence of `text` (raw, or already read), minus negated ones ('nobody was
        shot'), in the caller's words only ('police, fire or ambulance?' is not a fire; 'is he breathing?' is a
        question), except cues `with_questions` (a yes to the call-taker's 'can you talk freely?')."""
        reading = read(text) if isinstance(text, str) else text
        found = []
        for cue in self.cues:
            where = reading.sentences if cue.with_questions else reading.said
            match = next((m for s in where for p in cue.patterns for m in p.finditer(s)
                          if not (cue.negatable and _negated(s, m))), None)
            if match is not None:
                found.append(Hit(cue, match.group(0).strip() or "(silence)"))
        said = " ".join(reading.said)
        if (scream := SCREAM.search(said)) or not any(URGENCY_RANK[h.cue.urgency] >= 1 for h in found):
            if distress := (scream.group(0) if scream else detail_free_distress(said)):
                found.append(Hit(DISTRESS, distress))
        return found

    def child_evidence(self, text: str) -> list[str]:
        return [m.group(0) for p in self.child_cues if (m := p.search(text))]


def _negated(sentence: str, m: re.Match[str]) -> bool:
    """'no one was hurt', 'denies chest pain': a negator up to two words before the cue (or before its `sign`
    group, for cues whose pattern carries context first: 'crash ... nobody hurt')."""
    start = m.start("sign") if "sign" in m.re.groupindex and m.group("sign") else m.start()
    return NEGATORS.search(sentence[:start]) is not None


DISTRESS = Cue(name="distress_without_detail", patterns=(), urgency="High", types=(("TROUBLE", 1.0),),
               disciplines=("police", "ems"), complaint="unknown_problem",
               source="NENA Call Processing Standard (NENA-STA-020): an unknown problem is located and called back")


def detail_free_distress(text: str) -> str | None:
    """'help', 'help me', 'please hurry': distress with (nearly) nothing else said (the caller's words). None
    otherwise."""
    words = [w for w in re.findall(r"[a-z0-9']+", text) if w not in FILLER]
    if not any(w in ("help", "hurry") for w in words) or HELP_WITH.search(text):
        return None
    detail = [w for w in words if w not in DISTRESS_WORDS]
    return " ".join(words[:8]) if len(detail) <= 1 else None


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
                source=str(c.get("source") or ""),
                with_questions=bool(c.get("with_questions")),
                complaint=c.get("complaint"),
            )
        )
    questions = {k: tuple(v) for k, v in doc["questions"].items()}
    version = "rules-" + hashlib.sha256(text.encode()).hexdigest()[:12]
    return Rules(tuple(cues), tuple(re.compile(p) for p in doc.get("child_cues", [])), questions, version)


@cache
def default_rules() -> Rules:
    return parse(files("openpsap.data").joinpath("triage_rules.yaml").read_text(encoding="utf-8"))

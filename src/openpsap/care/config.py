"""The care pathway's configurable vocabulary: outcomes, follow-up kinds, referral destinations. PURE.

Loaded from data/care.yaml, or an agency's own file (OPENPSAP_CARE_CONFIG); a file that contradicts itself
(an outcome opening an unknown follow-up kind, an unknown referral) is refused at load with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    follow_ups: tuple[str, ...] = ()
    referral: str | None = None


@dataclass(frozen=True)
class CareConfig:
    outcomes: dict[str, Outcome]
    follow_up_kinds: dict[str, dict[str, Any]]
    referrals: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"outcomes": [{"id": o.id, "label": o.label, "follow_ups": list(o.follow_ups), "referral": o.referral}
                             for o in self.outcomes.values()],
                "follow_up_kinds": self.follow_up_kinds, "referrals": self.referrals}


def parse(text: str, name: str = "care.yaml") -> CareConfig:
    return parse_document(yaml.safe_load(text) or {}, name)


def parse_document(doc: Any, name: str = "care") -> CareConfig:
    """The care settings in a document (what care.yaml holds); ValueError names what is wrong."""
    if not isinstance(doc, dict):
        raise ValueError(f"{name}: the care settings must be a mapping with outcomes, follow_up_kinds, referrals")
    for section in ("outcomes", "follow_up_kinds", "referrals"):
        body = doc.get(section) or {}
        if not isinstance(body, dict) or not all(isinstance(v, dict) for v in body.values()):
            raise ValueError(f"{name}: {section} must map each id to its fields (label: ..., ...)")
        for key, v in body.items():
            need = "name" if section == "referrals" else "label"
            if not str(v.get(need) or "").strip():
                raise ValueError(f"{name}: {section} {key!r} needs a {need}")
    kinds = {}
    for k, v in (doc.get("follow_up_kinds") or {}).items():
        due = v.get("due_days", 7)
        if not isinstance(due, int) or isinstance(due, bool) or not 0 <= due <= 365:
            raise ValueError(f"{name}: follow-up kind {k!r}: due_days must be a whole number of days from 0 to 365")
        kinds[str(k)] = {"label": str(v["label"]), "due_days": due}
    referrals = {str(k): {"name": str(v["name"]), "contact": str(v.get("contact", ""))}
                 for k, v in (doc.get("referrals") or {}).items()}
    outcomes = {}
    for key, v in (doc.get("outcomes") or {}).items():
        outcome = Outcome(str(key), str(v["label"]), tuple(v.get("follow_ups") or ()),
                          str(v["referral"]) if v.get("referral") is not None else None)
        unknown = [k for k in outcome.follow_ups if k not in kinds]
        if unknown:
            raise ValueError(f"{name}: outcome {key!r} opens unknown follow-up kind(s) {unknown}")
        if outcome.referral and outcome.referral not in referrals:
            raise ValueError(f"{name}: outcome {key!r} refers to unknown referral {outcome.referral!r}")
        outcomes[outcome.id] = outcome
    if not outcomes or not kinds:
        raise ValueError(f"{name}: needs outcomes and follow_up_kinds")
    return CareConfig(outcomes, kinds, referrals)


@cache
def load(path: str | None = None) -> CareConfig:
    if path:
        return parse(Path(path).read_text(encoding="utf-8"), path)
    return parse(files("openpsap.data").joinpath("care.yaml").read_text(encoding="utf-8"))

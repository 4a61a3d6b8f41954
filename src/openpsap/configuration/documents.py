"""Which configuration documents an agency keeps in the event log, and how each is checked. PURE.

Each document is plain data (what its YAML file holds). Setting one runs the same parser that reads the
shipped file, so a document the system could not use is refused with that parser's message, naming where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import yaml

from openpsap.care import config as care_config
from openpsap.dispatching import plans as response_plans

MAX_YAML_CHARS = 200_000


class DocumentError(ValueError):
    """A document that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    parse: Callable[[Any], Any]  # document -> the parsed object the system uses; raises ValueError
    sections: tuple[str, ...] = ()  # the top-level keys a document may have


def _plans(document: Any) -> response_plans.ResponsePlans:
    return response_plans.parse(document)


def _care(document: Any) -> care_config.CareConfig:
    return care_config.parse_document(document)


KINDS: dict[str, Kind] = {
    "response-plans": Kind("response-plans", "Response plans (run cards)", _plans, ("plans", "fallback", "types")),
    "care": Kind("care", "Care settings (outcomes, follow-up kinds, referrals)", _care,
                 ("outcomes", "follow_up_kinds", "referrals")),
}


def kind(key: str) -> Kind:
    if key not in KINDS:
        raise DocumentError(f"unknown configuration {key!r}; known: {', '.join(KINDS)}")
    return KINDS[key]


def read_yaml(text: str) -> Any:
    """The document in a YAML text, or DocumentError saying what is wrong with the text."""
    if len(text) > MAX_YAML_CHARS:
        raise DocumentError(f"the text is {len(text):,} characters; at most {MAX_YAML_CHARS:,}")
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise DocumentError("YAML aliases (*name) are not accepted here: write the values out")
        document = yaml.safe_load(text)
    except RecursionError:
        raise DocumentError("the document is nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise DocumentError(f"not valid YAML{where}: {problem}") from None
    if not isinstance(document, dict):
        raise DocumentError("the document must be a mapping (key: value lines), not a list or a single value")
    return as_json(document)


MAX_DEPTH = 12


def _depth(node: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(node, dict):
        return max((_depth(v, level + 1) for v in node.values()), default=level)
    if isinstance(node, list):
        return max((_depth(v, level + 1) for v in node), default=level)
    return level


def as_json(document: Any) -> Any:
    """The document as the event log stores it (JSON): dates and other YAML-only values are refused, and so is
    nesting deeper than any configuration needs."""
    if _depth(document) > MAX_DEPTH:
        raise DocumentError(f"the document is nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(json.dumps(document, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"the document holds a value JSON cannot store ({exc}); quote it as text") from None


def check(key: str, document: Any) -> Any:
    """The parsed object for `document`, or DocumentError with the parser's message."""
    wanted = kind(key)
    if isinstance(document, dict):
        unknown = sorted(str(k) for k in document if k not in wanted.sections)
        if unknown:
            raise DocumentError(f"{key}: unknown section(s) {', '.join(unknown)}; a {key} document has "
                                f"{', '.join(wanted.sections)}")
        as_json(document)
    try:
        return wanted.parse(document)
    except DocumentError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        text = str(exc) if isinstance(exc, ValueError) else f"missing or wrong field: {exc}"
        raise DocumentError(f"{key}: {text}") from None


def to_yaml(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)

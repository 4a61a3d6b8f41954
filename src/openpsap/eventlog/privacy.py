"""The event log as each role may read it. Caller numbers, the callers' words, triage's quotes of them and the care
team's notes reach only the roles that read them through the resource routes (call-takers, dispatchers,
supervisors); analysts and admins get every event with those values replaced by "[private]". A field unit's stream
is narrower still (units/field_scope.py). PURE."""

from __future__ import annotations

import copy
from typing import Any

PRIVATE = "[private]"
PRIVATE_READERS = frozenset({"call_taker", "dispatcher", "supervisor"})
# kind -> the paths (dotted; '*' for every item of a list) holding private values
FIELDS: dict[str, tuple[str, ...]] = {
    "call-received": ("caller_number", "narrative"),
    "call-updated": ("changes.caller_number", "changes.narrative"),
    "transcript-segment": ("text",),
    "triage-suggested": ("result.evidence.*.matched", "result.notes", "result.protocol.questions.*.prefilled.evidence",
                         "result.protocol.prefilled"),
    "care-plan-noted": ("caller_number", "note"),
    "follow-up-created": ("caller_number", "note"),
    "follow-up-updated": ("note",),
    "callback-attempted": ("note",),
    "care-outcomes-recorded": ("note",),
}
PRIVATE_SUBJECTS = frozenset({"care-plan-noted"})  # its subject id is the caller's number


def sees_private(roles: frozenset[str] | set[str]) -> bool:
    return bool(set(roles) & PRIVATE_READERS)


def _blank(node: Any, parts: list[str]) -> None:
    if not parts or node is None:
        return
    head, rest = parts[0], parts[1:]
    if head == "*" and isinstance(node, list):
        for item in node:
            _blank(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            _blank(node[head], rest)
        elif node[head] not in (None, "", [], {}):
            node[head] = PRIVATE


def for_roles(event: dict[str, Any], roles: frozenset[str] | set[str]) -> dict[str, Any]:
    """The event (its JSON form) as these roles may read it; the same object when nothing is hidden."""
    paths = FIELDS.get(event["kind"])
    if sees_private(roles) or (not paths and event["kind"] not in PRIVATE_SUBJECTS):
        return event
    shown = copy.deepcopy(event)
    for path in paths or ():
        _blank(shown["data"], path.split("."))
    if event["kind"] in PRIVATE_SUBJECTS:
        shown["subject_id"] = PRIVATE
    return shown

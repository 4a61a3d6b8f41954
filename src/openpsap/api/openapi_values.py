"""The rules the API checks beyond types, stated in its OpenAPI document so that a request the document calls valid
is one the API accepts: codes from the registries and configuration as enums (APCO incident types, EIDO
dispositions, flags, pre-arrival sets, protocol questions and answers, care outcomes, follow-up kinds, callback
results and cues, priorities), unit ids as a pattern, and no NUL character in any text sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

NO_NUL = "^[^\\u0000]*$"


def _values() -> dict[tuple[str, str], Callable[[Any], list[str]]]:
    from openpsap.care import callbacks
    from openpsap.care import config as care_config
    from openpsap.incidents.enums import IncidentFlag
    from openpsap.standards.registries import dispositions, incident_types
    from openpsap.triage.prearrival import default_instructions

    types = lambda app: sorted(incident_types())  # noqa: E731
    flags = lambda app: sorted(f.value for f in IncidentFlag)  # noqa: E731
    priorities = lambda app: list(app.state.priority_scale.levels)  # noqa: E731
    care = lambda app: care_config.load(app.state.settings.care_config or None)  # noqa: E731
    return {
        ("IncidentCreate", "incident_type"): types, ("IncidentUpdate", "incident_type"): types,
        ("TriageDecision", "incident_type"): types,
        ("IncidentCreate", "flags"): flags, ("IncidentUpdate", "flags"): flags, ("TriageDecision", "flags"): flags,
        ("IncidentCreate", "priority"): priorities, ("IncidentUpdate", "priority"): priorities,
        ("TriageDecision", "priority"): priorities,
        ("IncidentClose", "disposition"): lambda app: sorted(dispositions()),
        ("InstructionGiven", "set"): lambda app: sorted(default_instructions()),
        ("CareOutcomes", "outcomes"): lambda app: list(care(app).outcomes),
        ("FollowUpCreate", "kind"): lambda app: list(care(app).follow_up_kinds),
        ("FollowUpCreate", "referral"): lambda app: list(care(app).referrals),
        ("FollowUpUpdate", "status"): lambda app: ["open", "done", "cancelled"],
        ("CallbackAttempt", "result"): lambda app: list(callbacks.RESULTS),
        ("CallbackAttempt", "cues"): lambda app: list(callbacks.CUES),
    }


PHONE = "^[0-9+() .#*-]+$"
UNIT_ID = "^[A-Za-z0-9][A-Za-z0-9-]{0,15}$"
PATTERNS = {("UnitCreate", "id"): UNIT_ID, ("Dispatch", "units"): UNIT_ID, ("CallCreate", "caller_number"): PHONE,
            ("CallUpdate", "caller_number"): PHONE}


def _strings(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas inside a property: itself, a nullable branch, or the items of an array."""
    if node.get("type") == "string":
        yield node
    for branch in node.get("anyOf", []):
        yield from _strings(branch)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _strings(node["items"])


def _request_schemas(doc: dict[str, Any]) -> set[str]:
    """Names of the component schemas a request body uses, directly or nested."""
    schemas = doc.get("components", {}).get("schemas", {})
    todo = [str(v) for path in doc.get("paths", {}).values() for op in path.values()
            for v in _refs(op.get("requestBody", {}))]
    seen: set[str] = set()
    while todo:
        name = todo.pop().rsplit("/", 1)[-1]
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return seen


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def state(doc: dict[str, Any], app: Any) -> None:
    schemas = doc.get("components", {}).get("schemas", {})
    if "LocationIn" in schemas:  # a point is both coordinates or neither
        schemas["LocationIn"]["oneOf"] = [
            {"required": ["lat", "lon"], "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            {"required": ["address"], "properties": {"lat": {"type": "null"}, "lon": {"type": "null"},
                                                     "address": {"type": "string"}}},
        ]
    if "FollowUpCreate" in schemas:  # about an incident, a caller, or both
        schemas["FollowUpCreate"]["anyOf"] = [
            {"required": ["incident_id"], "properties": {"incident_id": {"type": "string"}}},
            {"required": ["caller_number"], "properties": {"caller_number": {"type": "string"}}},
        ]
    values = _values()
    for path in doc.get("paths", {}).values():  # query parameters naming an incident type
        for op in path.values():
            for param in op.get("parameters", []):
                if param.get("name") == "incident_type":
                    for string in _strings(param.get("schema", {})):
                        string["enum"] = values[("IncidentCreate", "incident_type")](app)
                        string.pop("maxLength", None)
    for name in _request_schemas(doc):
        for prop, node in schemas[name].get("properties", {}).items():
            allowed = values.get((name, prop))
            for string in _strings(node):
                if allowed is not None:
                    string["enum"] = allowed(app)
                    string.pop("maxLength", None)
                    string.pop("minLength", None)
                elif (name, prop) in PATTERNS:
                    string["pattern"] = PATTERNS[(name, prop)]
                elif "pattern" not in string and "enum" not in string and "format" not in string:
                    string["pattern"] = NO_NUL
            if (name, prop) == ("CareOutcomes", "outcomes"):
                node["uniqueItems"] = True
            if prop == "answers" and node.get("type") == "object":
                from openpsap.triage.protocol import default_protocol

                questions = default_protocol().questions
                node["propertyNames"] = {"enum": sorted(questions)}
                node["additionalProperties"] = {"type": "string", "enum": sorted({a for q in questions.values()
                                                                                  for a in q.answers})}

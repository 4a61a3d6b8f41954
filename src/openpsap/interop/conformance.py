"""Check an EIDO against NENA's own files: the NENA-STA-021.1b JSON schema (openapi.yaml) and value registries
(sta021.1b_registries.json), read from a folder the centre holds (openpsap does not ship NENA's files).

    checker = Conformance.load(Path("../shared/standards/eido"))
    problems = checker.problems(eido)   # [] when it validates and every registry value is registered

The folder holds sta021.1b/openapi.yaml (or main/openapi.yaml), main/NIEMComponents/*.yaml for the NIEM parts it
refers to, and sta021.1b_registries.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from openpsap.interop import vocabulary as v

# element name -> the registry table (in sta021.1b_registries.json) its values must come from
REGISTRY_FIELDS: dict[str, str] = {
    "agencyRoleDescriptionRegistryText": "Table 31 Agency Role Registry",
    "incidentTypeCommonRegistryText": "Table 32 Incident Type \u2013 Common Registry",
    "incidentStatusCommonRegistryText": "Table 33 Incident Status \u2013 Common Registry",
    "reportNumberType": "Table 34 Report Number Type Registry",
    "dispositionCommonRegistryCode": "Table 35 Common Disposition Codes Registry",
    "personIncidentRoleRegistryText": "Table 36 Person Role Registry",
    "vehicleRelationshipType": "Table 37 Vehicle Relationship Type Registry",
    "locationTypeDescriptionRegistryText": "Table 38 Location Type Registry",
    "primaryUnitStatusRegistryText": "Table 39 Primary Unit Status-Common Registry",
    "secondaryUnitStatusRegistryText": "Table 310 Secondary Unit Status-Common Registry",
    "emergencyResourceTypeCommonRegistryText": "Table 311 Emergency Resource Type-Common Registry",
    "resourceAttributeRegistryText": "Table 312 Resource Attribute Registry",
}
# registries held outside NENA-STA-021.1b (NENA-STA-010, IANA): the values openpsap sends, from the standard's text
OTHER_REGISTRIES: dict[str, frozenset[str]] = {
    "agentRoleRegistryText": v.AGENT_ROLES,
    "callStateRegistryText": frozenset(v.CALL_STATES.values()) | {"partyAdd"},
}
ROOT = "EmergencyIncidentDataObjectType"


class ConformanceError(ValueError):
    """NENA's files are missing or unreadable in the folder given."""


def _walk(node: Any, path: str = "") -> list[tuple[str, str, Any]]:
    """(path, key, value) of every member of every object, depth first."""
    found = []
    stack = [(path, node)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                found.append((f"{where}.{key}" if where else key, key, item))
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return found


@dataclass
class Conformance:
    validator: Draft7Validator
    registries: dict[str, frozenset[str]]

    @classmethod
    def load(cls, folder: Path) -> Conformance:
        return _load(folder.resolve())

    def schema_problems(self, eido: Any) -> list[str]:
        return [f"{'.'.join(str(p) for p in e.absolute_path) or '(document)'}: {e.message[:300]}"
                for e in sorted(self.validator.iter_errors(eido), key=lambda e: list(map(str, e.absolute_path)))]

    def registry_problems(self, eido: Any) -> list[str]:
        problems = []
        for where, key, value in _walk(eido):
            allowed = self.registries.get(key)
            if allowed is None or not isinstance(value, str | list):
                continue
            for item in value if isinstance(value, list) else [value]:
                if item not in allowed:
                    problems.append(f"{where}: {str(item)[:80]!r} is not in its registry")
        return problems

    def problems(self, eido: Any) -> list[str]:
        return self.schema_problems(eido) + self.registry_problems(eido)


@cache
def _load(folder: Path) -> Conformance:
    spec = next((p for p in (folder / "sta021.1b" / "openapi.yaml", folder / "main" / "openapi.yaml") if p.exists()), None)
    tables = folder / "sta021.1b_registries.json"
    if spec is None or not tables.exists():
        raise ConformanceError(f"{folder} lacks NENA's EIDO files (sta021.1b/openapi.yaml, sta021.1b_registries.json)")
    niem = folder / "main" / "NIEMComponents"

    def retrieve(uri: str) -> Resource:
        name = uri.rstrip("/").split("/")[-1]
        path = niem / name if (niem / name).exists() else spec.parent / name
        return Resource.from_contents(yaml.safe_load(path.read_text(encoding="utf-8")), default_specification=DRAFT7)

    base = spec.resolve().as_uri()
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    registry: Registry = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
        base, Resource.from_contents(document, default_specification=DRAFT7))
    schema = {"$ref": f"{base}#/components/schemas/{ROOT}"}
    validator = Draft7Validator(schema, registry=registry, format_checker=FormatChecker())
    raw = json.loads(tables.read_text(encoding="utf-8"))
    registries = {name: frozenset(row[0] for row in raw[table][1:] if row and row[0]) for name, table in REGISTRY_FIELDS.items()}
    return Conformance(validator, {**registries, **OTHER_REGISTRIES})

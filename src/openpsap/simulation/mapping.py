"""Source mappings: how one agency's calls-for-service export maps onto openpsap (columns, call types
-> APCO codes, priorities). One YAML file per source in data/mappings/; a third agency is a new file.
PURE: no web, no database.

Keys (see data/mappings/sffd.yaml and alexandria_cad.yaml):
  name, title, layout (unit_rows | call_rows), timezone (IANA), datetime_formats, missing,
  columns: call_id, received_at, call_type (required); entry_at, dispatch_at, priority, location
           ("(lat, lon)"), lat, lon, address, disposition, channel, unit_id, unit_type, enroute_at,
           onscene_at, transport_at, hospital_at, available_at (optional)
  priorities: {source value: P1..P5}
  call_types: {source value: APCO code | {by_priority: {...}, default: CODE}}
  call_type_patterns: [[regex, APCO code], ...]   tried in order when call_types has no entry
  fallback_call_type: {column: NAME, values: {value: CODE}}  last resort, by another column
  disposition: EIDO disposition code used when closing the replayed incidents
  non_emergency: [APCO codes]   counted as non-emergency in the report
  phone_file: "week_{week}_phone.csv.gz", source_week: regex with a (?P<week>..) group
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from openpsap.standards.registries import incident_types

REQUIRED_COLUMNS = ("call_id", "received_at", "call_type")
OPTIONAL_COLUMNS = (
    "entry_at", "dispatch_at", "priority", "location", "lat", "lon", "address", "disposition", "channel",
    "unit_id", "unit_type", "enroute_at", "onscene_at", "transport_at", "hospital_at", "available_at",
)
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Mapping:
    name: str
    title: str
    layout: str
    timezone: ZoneInfo
    datetime_formats: tuple[str, ...]
    missing: frozenset[str]
    columns: dict[str, str]
    priorities: dict[str, str]
    call_types: dict[str, Any]
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    fallback_column: str | None = None
    fallback_values: dict[str, str] = field(default_factory=dict)
    disposition: str = "18"
    non_emergency: frozenset[str] = frozenset()
    phone_file: str | None = None
    source_week: str | None = None

    def incident_type(self, call_type: str, priority: str | None, row: dict[str, str]) -> str | None:
        """The APCO code for a source call type, or None when the mapping does not know it."""
        entry = self.call_types.get(call_type)
        if isinstance(entry, dict):
            return entry.get("by_priority", {}).get(priority or "", entry.get("default"))
        if entry is not None:
            return entry
        for pattern, code in self.patterns:
            if pattern.search(call_type):
                return code
        if self.fallback_column:
            return self.fallback_values.get(row.get(self.fallback_column, ""))
        return None

    def priority(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        return self.priorities.get(raw.strip())


def _code(value: Any, where: str, known: set[str]) -> str:
    if not isinstance(value, str) or value.upper() not in known:
        raise MappingError(f"{where}: {value!r} is not an APCO incident type (data/incident_types.csv)")
    return value.upper()


def parse(document: Any, *, origin: str = "mapping") -> Mapping:
    if not isinstance(document, dict):
        raise MappingError(f"{origin}: a mapping file is a YAML mapping with 'name', 'columns', 'call_types'")
    for key in ("name", "columns"):
        if key not in document:
            raise MappingError(f"{origin}: missing key {key!r}")
    columns = document["columns"]
    if not isinstance(columns, dict):
        raise MappingError(f"{origin}: 'columns' must map our field names to the source's column names")
    for key in REQUIRED_COLUMNS:
        if not columns.get(key):
            raise MappingError(f"{origin}: columns.{key} is required (the source column holding it)")
    unknown = set(columns) - set(REQUIRED_COLUMNS) - set(OPTIONAL_COLUMNS)
    if unknown:
        raise MappingError(f"{origin}: unknown column field(s) {', '.join(sorted(unknown))}; known: "
                           f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
    layout = document.get("layout", "call_rows")
    if layout not in ("unit_rows", "call_rows"):
        raise MappingError(f"{origin}: layout must be unit_rows or call_rows, not {layout!r}")
    if layout == "unit_rows" and not columns.get("unit_id"):
        raise MappingError(f"{origin}: layout unit_rows needs columns.unit_id")
    try:
        tz = ZoneInfo(str(document.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{origin}: unknown timezone {document.get('timezone')!r} (use an IANA name)") from None
    known = incident_types()
    known_codes = set(known)
    priorities = {str(k): str(v) for k, v in (document.get("priorities") or {}).items()}
    for raw, p in priorities.items():
        if p not in PRIORITIES:
            raise MappingError(f"{origin}: priorities[{raw!r}] = {p!r}; use one of {', '.join(PRIORITIES)}")
    call_types: dict[str, Any] = {}
    for name, value in (document.get("call_types") or {}).items():
        where = f"{origin}: call_types[{name!r}]"
        if isinstance(value, dict):
            by = {str(k): _code(v, where, known_codes) for k, v in (value.get("by_priority") or {}).items()}
            default = _code(value["default"], where, known_codes) if value.get("default") else None
            call_types[str(name)] = {"by_priority": by, "default": default}
        else:
            call_types[str(name)] = _code(value, where, known_codes)
    patterns = []
    for i, item in enumerate(document.get("call_type_patterns") or []):
        where = f"{origin}: call_type_patterns[{i}]"
        if not isinstance(item, list) or len(item) != 2:
            raise MappingError(f"{where}: write [regex, APCO code]")
        try:
            patterns.append((re.compile(str(item[0])), _code(item[1], where, known_codes)))
        except re.error as exc:
            raise MappingError(f"{where}: bad regex {item[0]!r}: {exc}") from None
    fallback = document.get("fallback_call_type") or {}
    fallback_values = {str(k): _code(v, f"{origin}: fallback_call_type", known_codes)
                       for k, v in (fallback.get("values") or {}).items()}
    disposition = str(document.get("disposition", "18"))
    return Mapping(
        name=str(document["name"]),
        title=str(document.get("title", document["name"])),
        layout=layout,
        timezone=tz,
        datetime_formats=tuple(document.get("datetime_formats") or ["%Y-%m-%d %H:%M:%S"]),
        missing=frozenset(str(m) for m in document.get("missing", [""])),
        columns={str(k): str(v) for k, v in columns.items() if v},
        priorities=priorities,
        call_types=call_types,
        patterns=tuple(patterns),
        fallback_column=fallback.get("column"),
        fallback_values=fallback_values,
        disposition=disposition,
        non_emergency=frozenset(_code(c, f"{origin}: non_emergency", known_codes) for c in document.get("non_emergency", [])),
        phone_file=document.get("phone_file"),
        source_week=document.get("source_week"),
    )


def _folder():  # noqa: ANN202 - a Traversable
    return files("openpsap.data").joinpath("mappings")


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _folder().iterdir() if p.name.endswith(".yaml"))


@cache
def builtin(name: str) -> Mapping:
    if name not in builtin_names():
        raise MappingError(f"no built-in mapping {name!r}; built in: {', '.join(builtin_names())}, or pass a YAML file")
    text = _folder().joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse(yaml.safe_load(text), origin=f"mappings/{name}.yaml")


def load(name_or_path: str) -> Mapping:
    """A built-in mapping by name (sffd, alexandria_cad) or a YAML file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise MappingError(f"cannot read mapping file {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise MappingError(f"{path} is not valid YAML: {exc}") from None
        return parse(document, origin=str(path))
    return builtin(name_or_path)


def guess(source: Path) -> str:
    """The built-in mapping for a file name: sffd_calls_* -> sffd, cad_week* -> alexandria_cad."""
    name = source.name.lower()
    if name.startswith("sffd"):
        return "sffd"
    if name.startswith("cad_week"):
        return "alexandria_cad"
    raise MappingError(f"cannot tell which mapping fits {source.name}; pass --mapping NAME or FILE.yaml "
                       f"(built in: {', '.join(builtin_names())})")

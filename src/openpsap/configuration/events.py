"""The events of the agency's configuration documents (eventlog/types.py)."""

from __future__ import annotations

from typing import Any

from openpsap.eventlog.types import EventPayload


class ConfigurationChanged(EventPayload):
    """An admin set a configuration document (response-plans, care): key, version, document (what its YAML file holds), source."""

    event_kind = "configuration-changed"
    key: str
    version: int
    document: dict[str, Any]
    source: str

"""Typed events: each kind of event is a class, the one place its payload is defined and documented. Feature folders
declare theirs (calls/events.py, incidents/events.py, ...); a class registers itself by its `kind`. The log stores
the payload as JSON (unchanged from before the classes existed, so old logs still read); every payload is checked
against its class when a command emits it, docs/events.md is generated from the classes, and a test round-trips
every stored event of every kind."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

REGISTRY: dict[str, type[EventPayload]] = {}


class EventPayload(BaseModel):
    """What an event's data holds. Subclasses set `event_kind` (past tense, kebab-case) and document themselves."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    event_kind: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.__dict__.get("event_kind", "")
        if kind:
            if kind in REGISTRY and REGISTRY[kind] is not cls:
                raise TypeError(f"event kind {kind!r} is declared twice ({REGISTRY[kind].__name__}, {cls.__name__})")
            REGISTRY[kind] = cls


def registry() -> dict[str, type[EventPayload]]:
    """Every kind, with every feature's events imported."""
    from openpsap.eventlog import catalog  # noqa: F401 - imports every feature's events.py

    return REGISTRY


def check(kind: str, data: dict[str, Any]) -> None:
    """A payload that does not match its class is a programming error, caught when the command emits it."""
    cls = registry().get(kind)
    if cls is None:
        raise AssertionError(f"event kind {kind!r} is not declared (add a class to the feature's events.py)")
    try:
        cls.model_validate(data)
    except ValidationError as exc:
        raise AssertionError(f"{kind} payload does not match {cls.__name__}: {exc}") from None


def summary(cls: type[EventPayload]) -> str:
    return " ".join((cls.__doc__ or "").split())

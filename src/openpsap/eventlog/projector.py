"""The projector core: apply(event) folds an event into the current-state tables, through the handler its kind's
feature registered (each feature's projections.py: calls/projections.py, units/projections.py, ...).

A handler receives the event's typed payload (an instance of its kind's class, eventlog/types.py): the very
instance the command emitted, or, when `openpsap db rebuild` replays the log, one read back from the stored JSON.
A handler may read only the event (its payload, occurred_at, actor, id) and the current state.

    @handles(UnitDispatched)
    def _unit_dispatched(db: Session, e: Event, p: UnitDispatched) -> None: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from openpsap.eventlog.types import EventPayload

P = TypeVar("P", bound=EventPayload)


@dataclass
class Event:
    id: str
    kind: str
    subject_type: str
    subject_id: str
    occurred_at: datetime
    actor: str
    data: dict[str, Any]  # the payload as the log stores it (JSON)
    payload: EventPayload | None = None  # the typed payload, when the command that emitted it is at hand


Handler = Callable[[Session, Event, Any], None]
HANDLERS: dict[str, tuple[type[EventPayload], Handler]] = {}
TABLES: set[str] = set()  # the state tables the features' projections fill (rebuild empties and refills them)


def handles(kind: type[P]) -> Callable[[Callable[[Session, Event, P], None]], Callable[[Session, Event, P], None]]:
    """Register the handler of one kind of event (a feature's projections.py), by its payload class."""
    def register(fn: Callable[[Session, Event, P], None]) -> Callable[[Session, Event, P], None]:
        name = kind.event_kind
        if name in HANDLERS and HANDLERS[name][1] is not fn:
            raise TypeError(f"two projections handle {name!r}")
        HANDLERS[name] = (kind, fn)
        return fn

    return register


def projects(*tables: str) -> None:
    """A feature's projections.py names the state tables it fills."""
    TABLES.update(tables)


def projected_tables() -> list[str]:
    """Every projected table, children before parents (the order to empty them in)."""
    from openpsap.eventlog import catalog  # noqa: F401 - every feature's projections.py registers itself
    from openpsap.models import Base

    return [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in TABLES]


def apply(db: Session, event: Event) -> None:
    if not HANDLERS:
        from openpsap.eventlog import catalog  # noqa: F401
    entry = HANDLERS.get(event.kind)
    if entry is None:
        return  # audit only (logins, password changes, history reads, triage suggestions)
    cls, handler = entry
    payload = event.payload if type(event.payload) is cls else cls.model_validate(event.data)
    handler(db, event, payload)
def get_or_add(db: Session, model: type, **key: str) -> Any:
    """The row with this primary key, or a new one added to the session (one row per subject)."""
    row = db.get(model, next(iter(key.values())))
    if row is None:
        row = model(**key)
        db.add(row)
    return row


def get_row(db: Session, model: type, key: str) -> Any:
    obj = db.get(model, key)
    if obj is None:  # the log references something that does not exist: a corrupt log
        raise RuntimeError(f"event refers to unknown {model.__name__} {key!r}")
    return obj

"""The projector core: apply(event) folds an event into the current-state tables, through the handler its kind's
feature registered (each feature's projections.py: calls/projections.py, units/projections.py, ...).

Commands call it as they emit events; `openpsap db rebuild` calls it for every event in the log. A handler may
read only the event (kind, data, occurred_at, actor, id) and the current state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass
class Event:
    id: str
    kind: str
    subject_type: str
    subject_id: str
    occurred_at: datetime
    actor: str
    data: dict[str, Any]


Handler = Callable[[Session, Event], None]
HANDLERS: dict[str, Handler] = {}
TABLES: set[str] = set()  # the state tables the features' projections fill (rebuild empties and refills them)


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of one kind of event (a feature's projections.py)."""
    def register(fn: Handler) -> Handler:
        if kind in HANDLERS and HANDLERS[kind] is not fn:
            raise TypeError(f"two projections handle {kind!r}")
        HANDLERS[kind] = fn
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
    HANDLERS.get(event.kind, _no_state)(db, event)


def _no_state(db: Session, event: Event) -> None:
    """Events that are audit only (logins, password changes, history reads, triage suggestions)."""


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

"""How the events of user accounts change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.auth.models import User
from openpsap.eventlog.projector import Event, get_row, handles, projects

projects('users')


@handles("user-added")
def _user_added(db: Session, e: Event) -> None:
    d = e.data
    db.add(User(username=d["username"], display_name=d["display_name"], roles=list(d["roles"]), unit_id=d.get("unit_id"), active=True))


@handles("user-disabled")
def _user_disabled(db: Session, e: Event) -> None:
    get_row(db, User, e.data["username"]).active = False


@handles("user-enabled")
def _user_enabled(db: Session, e: Event) -> None:
    get_row(db, User, e.data["username"]).active = True

"""How the events of user accounts change the state tables (the projector core: eventlog/projector.py).
Each handler reads only its event and the current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openpsap.auth.events import UserAdded, UserDisabled, UserEnabled
from openpsap.auth.models import User
from openpsap.eventlog.projector import Event, get_row, handles, projects

projects('users')


@handles(UserAdded)
def _user_added(db: Session, e: Event, p: UserAdded) -> None:
    db.add(User(username=p.username, display_name=p.display_name, roles=list(p.roles), unit_id=p.unit_id, active=True))


@handles(UserDisabled)
def _user_disabled(db: Session, e: Event, p: UserDisabled) -> None:
    get_row(db, User, p.username).active = False


@handles(UserEnabled)
def _user_enabled(db: Session, e: Event, p: UserEnabled) -> None:
    get_row(db, User, p.username).active = True

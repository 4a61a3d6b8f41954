"""`openpsap neighbours token`: the token a neighbouring centre connects with (NENA-STA-024 conveyance). Thin."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

neighbours_app = typer.Typer(help="Neighbouring centres: EIDO conveyance (NENA-STA-024).", no_args_is_help=True)
DatabaseUrl = Annotated[
    str, typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data folder."),
]


@neighbours_app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="A user with the neighbour_centre role (openpsap users add NAME --role neighbour_centre).")],
    days: Annotated[int, typer.Option(min=1, max=400, help="How long the token is valid.")] = 90,
    database_url: DatabaseUrl = "",
) -> None:
    """Issue a token for a neighbouring centre's user and print it (once: only its hash is stored). Give it to the
    neighbour's administrator for their OPENPSAP_NEIGHBOURS. `openpsap users revoke NAME` withdraws it."""
    from openpsap.auth import service as auth_service
    from openpsap.auth.models import User
    from openpsap.auth.roles import Role
    from openpsap.cli import _database, _fail, _settings
    from openpsap.eventlog.unit_of_work import CommandRunner

    database = _database(_settings(database_url))
    try:
        with database.read() as db:
            user = db.get(User, username)
            if user is None:
                _fail(f"no user {username!r}: add it first with `openpsap users add {username} --role neighbour_centre`")
            elif Role.neighbour_centre.value not in (user.roles or []) or len(user.roles) != 1:
                _fail(f"{username} has roles {', '.join(user.roles or [])}: a neighbour's token is issued only to a user "
                      "whose one role is neighbour_centre")
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            issued, _ = auth_service.issue_token(uow, username=username, ttl=timedelta(days=days))
    finally:
        database.dispose()
    typer.echo(issued)

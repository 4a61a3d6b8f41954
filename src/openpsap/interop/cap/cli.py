"""`openpsap cap export`: the current public alerts as CAP 1.2 XML files (or printed). Thin: options in, the cap
service out."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

cap_app = typer.Typer(help="CAP 1.2 public alerts (OASIS Common Alerting Protocol).", no_args_is_help=True)
DatabaseUrl = Annotated[
    str, typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL",
                      help="SQLAlchemy URL; default SQLite in the data folder."),
]


@cap_app.command("export")
def export(
    out: Annotated[Path | None, typer.Option("--out", help="Folder for one file per alert (<alert id>.xml); "
                                                           "default: print them one after another.")] = None,
    database_url: DatabaseUrl = "",
) -> None:
    """Write each current public alert (not yet expired; a cancelled one as its Cancel message) as its last CAP 1.2
    message, as /public/alerts/{id}.xml serves it."""
    from openpsap.cli import _database, _fail, _settings
    from openpsap.interop.cap import service

    settings = _settings(database_url)
    database = _database(settings)
    try:
        with database.read() as db:
            documents = [(a.alert_id, service.document(a)) for a in service.current(db, now=datetime.now(UTC))]
    finally:
        database.dispose()
    if out is None:
        for _, document in documents:
            sys.stdout.buffer.write(document + b"\n")
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for alert_id, document in documents:
            (out / f"{alert_id}.xml").write_bytes(document)
    except OSError as exc:
        _fail(f"cannot write to {out}: {exc.strerror or exc}")
    typer.echo(f"wrote {len(documents)} CAP alert file(s) to {out}")

"""`openpsap configuration`: export the response plans or care settings in use to YAML, or import a YAML file
into the event log (checked first; refused with the reason, nothing written)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openpsap.configuration import documents

configuration_app = typer.Typer(
    help="The agency's response plans and care settings: they live in the event log; YAML files are their import "
    "and export.", no_args_is_help=True)
KEYS = ", ".join(documents.KINDS)
Key = Annotated[str, typer.Argument(help=f"Which document: {KEYS}.")]
DatabaseUrl = Annotated[
    str, typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data folder."),
]


def _known(key: str) -> None:
    if key not in documents.KINDS:
        raise typer.BadParameter(f"unknown document {key!r}; use one of: {KEYS}")


@configuration_app.command("export")
def export(key: Key, output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file; default print.")] = None,
           database_url: DatabaseUrl = "") -> None:
    """Print (or write) the document in use now as YAML: the log's last version, else the file in use."""
    from openpsap.cli import _database, _settings
    from openpsap.configuration import service

    _known(key)
    settings = _settings(database_url)
    database = _database(settings)
    try:
        with database.read() as db:
            row = service.stored(db, key)
            document = row.document if row is not None else service.shipped_document(key, settings.care_config or None)
    finally:
        database.dispose()
    text = documents.to_yaml(document)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {key} ({'version ' + str(row.version) if row else 'from the file'}) to {output}")


@configuration_app.command("import")
def import_(key: Key, file: Annotated[Path, typer.Argument(help="A YAML file, e.g. one made by export and edited.")],
            database_url: DatabaseUrl = "") -> None:
    """Check a YAML file and record it as the document in use (a `configuration-changed` event every server sees)."""
    from openpsap.cli import _database, _fail, _settings
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.configuration import service
    from openpsap.errors import CADError

    _known(key)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {file}: {exc}")
    try:
        document = documents.read_yaml(text)
    except documents.DocumentError as exc:
        _fail(f"{file}: {exc}")
    database = _database(_settings(database_url))
    try:
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            row = service.set_document(uow, key=key, document=document, source=f"file {file.name}")
            version = row.version
    except CADError as exc:
        _fail(f"{file}: {exc.message}")
    finally:
        database.dispose()
    typer.echo(f"{key} is now version {version} (from {file})")

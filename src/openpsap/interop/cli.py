"""`openpsap eido`: export incidents as NENA EIDOs, import EIDOs from other centres, check EIDO files against NENA's
schema and registries. Thin: options in, interop services out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

eido_app = typer.Typer(help="NENA EIDO (NENA-STA-021.1b): incidents to and from other centres, as JSON files.",
                       no_args_is_help=True)
DatabaseUrl = Annotated[
    str, typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data folder."),
]
ACTOR = "eido-import"


def _dump(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


@eido_app.command("export")
def export(
    incident: Annotated[str | None, typer.Option("--incident", help="The incident number, e.g. 26-000123.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every incident.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for one file per incident (<number>.json); "
                                                           "default: print (one EIDO, or a JSON array with --all).")] = None,
    database_url: DatabaseUrl = "",
) -> None:
    """Write incidents as EIDOs, as they are known now (units' ETA by road on the shipped map)."""
    from openpsap.cli import _database, _fail, _settings
    from openpsap.errors import NotFound
    from openpsap.interop import roads
    from openpsap.interop.export import export_incident
    from openpsap.interop.ids import Identity
    from openpsap.incidents import service as incident_service

    if (incident is None) == (not all_):
        raise typer.BadParameter("name one incident with --incident NUMBER, or pass --all")
    settings = _settings(database_url)
    identity = Identity(settings.eido_agency_id)
    eta = roads.by_road(settings.road_speeds_kmh)
    database = _database(settings)
    documents = []
    try:
        with database.read() as db:
            ids = [incident] if incident else sorted(i.id for i in incident_service.list_incidents(db, limit=10_000_000))
            for incident_id in ids:
                documents.append((incident_id, export_incident(db, incident_id=incident_id, identity=identity, eta=eta)))
    except NotFound as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    if out is None:
        sys.stdout.buffer.write(_dump(documents[0][1] if incident else [d for _, d in documents]))
        return
    out.mkdir(parents=True, exist_ok=True)
    for incident_id, doc in documents:
        (out / f"{incident_id}.json").write_bytes(_dump(doc))
    typer.echo(f"wrote {len(documents)} EIDO file(s) to {out}")


@eido_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="EIDO JSON files; each is imported on its own.")],
    database_url: DatabaseUrl = "",
) -> None:
    """Import EIDOs from other centres: each file opens or updates its call and incident (keyed by its $id), or is
    refused with the reason and nothing of it written. Exit code 1 when any file was refused."""
    from openpsap.cli import _database, _settings
    from openpsap.errors import CADError
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.incidents.priority import PriorityScale
    from openpsap.interop import document, importing, roads
    from openpsap.interop.ids import Identity

    settings = _settings(database_url)
    identity, scale = Identity(settings.eido_agency_id), PriorityScale(settings.priority_scale)
    database = _database(settings)
    runner = CommandRunner(database)
    failed = 0
    try:
        for file in files:
            try:
                if file.stat().st_size > document.MAX_BYTES:
                    raise CADError(f"{file.stat().st_size:,} bytes; at most {document.MAX_BYTES:,} are read")
                raw = document.parse_json(file.read_bytes())
                with runner.unit_of_work(actor=ACTOR) as uow:
                    done = importing.import_eido(uow, raw=raw, via=f"file {file.name}", identity=identity, scale=scale,
                                                 geocode=roads.on_the_map)
            except (OSError, CADError) as exc:
                failed += 1
                typer.echo(f"{file}: refused: {getattr(exc, 'message', None) or exc}", err=True)
                continue
            what = f"incident {done.incident_id}" if done.incident_id else "no incident"
            calls = f", call(s) {', '.join(done.calls)}" if done.calls else ""
            typer.echo(f"{file}: {done.outcome}: {what}{calls}" + (f" ({done.message})" if done.message else ""))
            for warning in done.warnings:
                typer.echo(f"{file}: note: {warning}")
    finally:
        database.dispose()
    if failed:
        typer.echo(f"{failed} of {len(files)} file(s) refused", err=True)
        raise typer.Exit(code=1)


@eido_app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="EIDO JSON files (one EIDO or an array of them each).")],
    standard: Annotated[Path, typer.Option("--standard", help="Folder holding NENA's EIDO files: sta021.1b/openapi.yaml, "
                                                              "main/NIEMComponents/, sta021.1b_registries.json.")],
) -> None:
    """Check EIDO files against NENA's JSON schema and value registries (openpsap does not ship NENA's files: point
    --standard at your copy). Exit code 1 when any problem is found."""
    from openpsap.cli import _fail
    from openpsap.interop import document
    from openpsap.interop.conformance import Conformance, ConformanceError

    try:
        checker = Conformance.load(standard)
    except ConformanceError as exc:
        _fail(str(exc))
    bad = 0
    for file in files:
        try:
            data = orjson.loads(file.read_bytes()) if file.stat().st_size <= document.MAX_BYTES * 50 else None
        except (OSError, orjson.JSONDecodeError) as exc:
            typer.echo(f"{file}: cannot read: {exc}", err=True)
            bad += 1
            continue
        if data is None:
            typer.echo(f"{file}: too large to check", err=True)
            bad += 1
            continue
        for n, eido in enumerate(data if isinstance(data, list) else [data]):
            problems = checker.problems(eido)
            name = f"{file}[{n}]" if isinstance(data, list) else str(file)
            if problems:
                bad += 1
                for problem in problems[:20]:
                    typer.echo(f"{name}: {problem}", err=True)
            else:
                typer.echo(f"{name}: valid")
    if bad:
        raise typer.Exit(code=1)

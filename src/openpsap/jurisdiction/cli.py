"""`openpsap jurisdiction import | list | use`: set a centre up on its own roads from OpenStreetMap, and the
--jurisdiction option that `openpsap geocode` and `openpsap recommend` share."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from openpsap.errors import CADError

jurisdiction_app = typer.Typer(help="Jurisdictions: import one from OpenStreetMap, list them, choose the one served.",
                               no_args_is_help=True)
console = Console(soft_wrap=True)
DatabaseUrl = Annotated[str, typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL",
                                          help="SQLAlchemy URL; default SQLite in the data folder.")]


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@jurisdiction_app.command("import")
def import_(
    osm: Annotated[Path, typer.Option("--osm", help="OpenStreetMap extract (.osm.pbf), e.g. from Geofabrik.")],
    name: Annotated[str, typer.Option("--name", help="Short name: lowercase letters, digits, _ or -, e.g. tallahassee.")],
    boundary: Annotated[Path | None, typer.Option("--boundary", help="GeoJSON polygon of the area served (lon/lat); "
                                                                    "default the extract's roads.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Import a jurisdiction of this name again.")] = False,
    no_roster: Annotated[bool, typer.Option("--no-roster", help="Do not add the stations found to the roster.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
    database_url: DatabaseUrl = "",
) -> None:
    """Import a jurisdiction from OpenStreetMap in one transaction, and make it the one the servers use."""
    from openpsap.cli import _database, _settings
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.jurisdiction import importer

    started = time.perf_counter()
    try:
        prepared = importer.prepare(osm, name=name, boundary_path=boundary)
    except CADError as exc:
        _fail(exc.message)
    database = _database(_settings(database_url))
    try:
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            summary = importer.store(uow, prepared, replace=replace, roster=not no_roster)
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    summary["seconds"] = round(time.perf_counter() - started, 2)
    if as_json:
        print(json.dumps({"name": name, **summary}, indent=2))
        return
    console.print(
        f"imported {name} from {osm.name} in {summary['seconds']} s: {summary['road_km']} km of road "
        f"({summary['road_segments']:,} segments, {summary['turn_restrictions']} turn restrictions), "
        f"{summary['address_points']:,} address points, {summary['places']} places, {summary['stations']} stations "
        f"({summary['stations_added']} added to the roster)")
    console.print(f"road network: {summary['connected_share']:.1%} of the road length joined in one piece; the "
                  f"{summary['routable_share']:.1%} that every unit can drive to and from is kept, "
                  f"{summary['left_out_km']} km in {summary['left_out_segments']} segments left out "
                  "(cut at the extract's edge or one-way dead ends)")
    for why, count in sorted(summary["skipped"].items()):
        console.print(f"  left out: {count} x {why}")
    console.print(f"{name} is now the jurisdiction the servers route and geocode on (restart running servers).")


@jurisdiction_app.command("roster")
def roster_(
    stations: Annotated[Path, typer.Option("--stations", help="Stations CSV: id,name,agency,lat,lon (optional columns "
                                                             "discipline: fire|police|ems, address).")],
    units: Annotated[Path, typer.Option("--units", help="Units CSV: id,type,capabilities,station (capabilities "
                                                       "separated by ';' or spaces, e.g. als;transport).")],
    plans: Annotated[Path | None, typer.Option("--plans", help="Response plans YAML, in the format of `openpsap "
                                                              "configuration export response-plans`.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    database_url: DatabaseUrl = "",
) -> None:
    """Add a centre's stations, units and (optionally) response plans from files, in one transaction: every row is
    checked first and a problem is reported by file, line and column, with nothing written."""
    from openpsap.cli import _database, _settings
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.jurisdiction import roster

    try:
        read = roster.read(stations, units, plans)
    except CADError as exc:
        _fail(exc.message)
    database = _database(_settings(database_url))
    try:
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            summary = roster.store(uow, read, source=f"roster import {plans.name}" if plans else "roster import")
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    types = ", ".join(f"{n} {t}" for t, n in sorted(summary["unit_types"].items()))
    console.print(f"added {summary['stations']} stations and {summary['units']} units ({types}); "
                  f"{summary['agencies_added']} new agencies" + ("; response plans set" if summary["plans"] else ""))
    console.print("edit them in the console's admin screen; `openpsap configuration export response-plans` shows the plans")


@jurisdiction_app.command("list")
def list_(database_url: DatabaseUrl = "") -> None:
    """The imported jurisdictions; * marks the one the servers use (none: San Francisco as shipped)."""
    from openpsap.cli import _database, _settings
    from openpsap.jurisdiction import service

    database = _database(_settings(database_url))
    with database.read() as db:
        rows = [(j.name, j.active, j.source, j.summary) for j in service.list_all(db)]
    database.dispose()
    if not any(active for _, active, _, _ in rows):
        console.print("* sf  (San Francisco, shipped)")
    for name, active, source, summary in rows:
        console.print(f"{'*' if active else ' '} {name}  ({source}: {summary.get('road_km')} km of road, "
                      f"{summary.get('address_points')} address points)")


@jurisdiction_app.command("use")
def use_(name: Annotated[str, typer.Argument(help="An imported jurisdiction, or sf for San Francisco as shipped.")],
         database_url: DatabaseUrl = "") -> None:
    """Choose the jurisdiction the servers route and geocode on (they read it when they start)."""
    from openpsap.cli import _database, _settings
    from openpsap.jurisdiction import service

    database = _database(_settings(database_url))
    try:
        with database.write() as db:
            service.use(db, name=name)
            db.commit()
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    console.print(f"servers now use {name} (restart running servers)")


def use_jurisdiction(name: str, database_url: str) -> None:
    """The --jurisdiction option of geocode and recommend: route and geocode this command on `name`."""
    from openpsap.cli import _database, _settings
    from openpsap.jurisdiction import loading, service

    if name == service.SAN_FRANCISCO:
        from openpsap.routing.graph import use_network

        use_network(None)
        return
    database = _database(_settings(database_url))
    try:
        loading.activate(database, name)
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()

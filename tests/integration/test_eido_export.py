"""EIDO export: every exported EIDO validates against NENA's 021.1b schema and registries (read from ../shared), its
component identifiers are stable, and it carries nothing private (callers' words, care data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openpsap.cli import app as cli_app
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.interop.export import export_incident
from openpsap.interop.ids import Identity
from tests.conftest import SHARED, Api, build_api

STANDARD = SHARED / "standards" / "eido"
IDENTITY = Identity("psap.openpsap.invalid")


@pytest.fixture(scope="module")
def conforms() -> Callable[[dict[str, Any]], list[str]]:
    if not (STANDARD / "sta021.1b" / "openapi.yaml").exists():
        pytest.skip(f"{STANDARD} is absent (a fresh clone has no ../shared): NENA's EIDO schema is not checked")
    from openpsap.interop.conformance import Conformance

    return Conformance.load(STANDARD).problems


def _ids(doc: Any) -> list[str]:
    found: list[str] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.extend(str(node[k]) for k in ("$id",) if k in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(found)


def _busy_incident(api: Api) -> str:
    """A call with a callback number and a device location, answered; its incident with two units, one en route, a note."""
    call = api.post("call_taker", "/calls", {"caller_number": "415-555-0199", "narrative": "he fell, he is not breathing",
                                             "location": {"lat": 37.7801, "lon": -122.4102, "uncertainty_m": 25, "source": "device"}}).json()["id"]
    assert api.post("call_taker", f"/calls/{call}/answer").status_code == 200
    r = api.post("call_taker", "/incidents", {"incident_type": "CARDIAC", "priority": "P1", "calls": [call]})
    assert r.status_code == 201, r.text
    incident = r.json()["id"]
    assert api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "CPR in progress <b>by neighbour</b>"}).status_code == 201
    assert api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10", "E01", "PA01"]}).status_code == 200
    assert api.post("dispatcher", "/units/M10/status", {"status": "EnRoute"}).status_code == 200
    assert api.post("dispatcher", "/units/PA01/status", {"status": "EnRoute"}).status_code == 200
    assert api.post("dispatcher", "/units/PA01/status", {"status": "OnScene"}).status_code == 200
    assert api.post("dispatcher", "/units/PA01/status", {"status": "InService"}).status_code == 200
    return incident


def test_an_incident_exports_as_a_valid_eido_with_its_calls_units_notes_and_locations(api: Api, conforms) -> None:
    incident = _busy_incident(api)
    r = api.get("dispatcher", f"/incidents/{incident}/eido")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert conforms(doc) == []
    inc = doc["incidentComponent"]
    assert (inc["incidentTypeCommonRegistryText"], inc["incidentCommonPriorityNumber"], inc["internalIncidentId"]) == ("CARDIAC", 10, incident)
    assert inc["incidentStatusCommonRegistryText"] == ["ResourcesEnroute"]
    [call] = doc["callComponent"]
    assert (call["callStateRegistryText"], call["direction"]) == ("callAnswered", "incoming")
    assert doc["callbackComponent"][0]["callBackInformationUri"] == ["tel:4155550199"]
    units = {u["emergencyResourceName"]: u for u in doc["emergencyResourceComponent"]}
    assert units["M10"]["secondaryUnitStatusRegistryText"] == ["EnRoute"] and "eta" in units["M10"]
    assert units["M10"]["emergencyResourceTypeCommonRegistryText"] == "GroundALSAmbulance"
    assert units["PA01"]["secondaryUnitStatusRegistryText"] == ["Cleared"]
    assert units["PA01"]["primaryUnitStatusRegistryText"] == "Available"
    types = {loc["locationTypeDescriptionRegistryText"] for loc in doc["locationComponent"]}
    assert {"Caller", "CurrentIncident", "UnitLocation"} <= types
    caller = next(loc for loc in doc["locationComponent"] if loc["locationTypeDescriptionRegistryText"] == "Caller")
    assert "<gs:radius" in caller["locationByValue"] and "37.7801" in caller["locationByValue"]
    assert doc["notesComponent"][0]["notesActionComments"] == "CPR in progress <b>by neighbour</b>"
    roles = {a["$id"].split("@")[0]: a["agentRoleRegistryText"] for a in doc["agentComponent"]}
    assert roles["call-taker"] == ["Call Taking"] and roles["dispatcher"] == ["Dispatching"]


def test_component_ids_are_stable_and_unique_across_exports(sqlite_api: Api, conforms) -> None:
    incident = _busy_incident(sqlite_api)
    first = sqlite_api.get("dispatcher", f"/incidents/{incident}/eido").json()
    again = sqlite_api.get("supervisor", f"/incidents/{incident}/eido").json()
    assert first == again
    ids = _ids(first)
    assert len(ids) == len(set(ids))
    assert sqlite_api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "second note"}).status_code == 201
    later = sqlite_api.get("dispatcher", f"/incidents/{incident}/eido").json()
    assert set(ids) < set(_ids(later))  # the old components keep their ids; the note is new
    assert later["lastUpdateTimeStamp"] > first["lastUpdateTimeStamp"]
    assert conforms(later) == []


def test_the_eido_carries_no_callers_words_and_no_care_data(sqlite_api: Api) -> None:
    incident = _busy_incident(sqlite_api)
    assert sqlite_api.client.put("/api/v1/care-plans/415-555-0199", json={"note": "lonely caller; be kind"},
                                 headers=sqlite_api.as_("supervisor")).status_code in (200, 201)
    text = sqlite_api.get("call_taker", f"/incidents/{incident}/eido").text
    assert "not breathing" not in text and "lonely" not in text and "be kind" not in text


def test_only_the_roles_that_read_callers_numbers_get_an_eido(sqlite_api: Api) -> None:
    incident = _busy_incident(sqlite_api)
    for role in ("analyst", "field_unit", "admin", "outreach"):
        assert sqlite_api.get(role, f"/incidents/{incident}/eido").status_code == 403
    r = sqlite_api.get("dispatcher", "/incidents/26-999999/eido")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_a_closed_incident_exports_its_disposition(sqlite_api: Api, conforms) -> None:
    r = sqlite_api.post("dispatcher", "/incidents", {"incident_type": "FALL", "priority": "P3", "location": {"address": "100 Block of MARKET ST"}})
    incident = r.json()["id"]
    assert sqlite_api.post("dispatcher", f"/incidents/{incident}/close", {"disposition": "41", "outcome": "no transport"}).status_code == 200
    doc = sqlite_api.get("dispatcher", f"/incidents/{incident}/eido").json()
    assert conforms(doc) == []
    [disposition] = doc["incidentComponent"]["dispositionComponent"]
    assert (disposition["dispositionCommonRegistryCode"], disposition["dispositionDescriptionText"]) == ("41", "no transport")
    assert "<ca:RD>MARKET ST</ca:RD>" in doc["locationComponent"][0]["locationByValue"]


def test_every_incident_of_a_replayed_sf_hour_exports_a_valid_eido_at_every_step(sqlite_database: Database, conforms) -> None:
    from openpsap.dispatching.plans import default_plans
    from openpsap.dispatching.recommend import remembering_recommender
    from openpsap.incidents import service as incident_service
    from openpsap.incidents.priority import PriorityScale
    from openpsap.routing.graph import default_graph
    from openpsap.simulation import mapping
    from openpsap.simulation.loaders import load, sf_week_path
    from openpsap.simulation.replay import Replay
    from openpsap.simulation.roster import load_plan

    loaded = load(sf_week_path(), mapping.load("sffd"))
    start = loaded.calls[0].received_at
    loaded.calls = [c for c in loaded.calls if c.received_at < start + timedelta(hours=1)]
    seen: dict[str, set[str]] = {}
    problems: list[str] = []

    def export_all(done: int, total: int) -> None:
        with sqlite_database.read() as db:
            for incident in incident_service.list_incidents(db, limit=10_000):
                doc = export_incident(db, incident_id=incident.id, identity=IDENTITY, eta=lambda *_: 120.0)
                seen.setdefault(incident.id, set()).add(incident.status)
                problems.extend(f"{incident.id} ({incident.status}): {p}" for p in conforms(doc))

    Replay(sqlite_database, loaded, recommender=remembering_recommender(default_graph(), entries=64), plans=default_plans(),
           scale=PriorityScale(Settings().priority_scale), roster=load_plan(None)[0], seed=1,
           batch=timedelta(minutes=10), progress=export_all).run()
    assert problems == []
    assert len(seen) == len(loaded.calls) > 10
    statuses = set().union(*seen.values())
    assert {"Closed", "ResourcesOnscene"} <= statuses, statuses


def migrated_api(tmp_path: Path) -> Api:
    """A server on a database made by `openpsap db upgrade` (what the command line opens), with the small roster."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    made = CliRunner().invoke(cli_app, ["db", "upgrade", "--database-url", url])
    assert made.exit_code == 0, made.output
    return build_api(Database(url))


def test_the_command_line_exports_one_incident_all_of_them_or_a_folder_of_files(tmp_path: Path, conforms) -> None:
    api = migrated_api(tmp_path)
    with api.client:
        incident = _busy_incident(api)
    url = api.database.url
    runner = CliRunner()
    one = runner.invoke(cli_app, ["eido", "export", "--incident", incident, "--database-url", url])
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["incidentComponent"]["internalIncidentId"] == incident
    every = runner.invoke(cli_app, ["eido", "export", "--all", "--database-url", url])
    assert every.exit_code == 0, every.output
    assert [d["incidentComponent"]["internalIncidentId"] for d in json.loads(every.stdout)] == [incident]
    out = runner.invoke(cli_app, ["eido", "export", "--all", "--out", str(tmp_path / "eidos"), "--database-url", url])
    assert out.exit_code == 0, out.output
    written = json.loads((tmp_path / "eidos" / f"{incident}.json").read_text())
    assert conforms(written) == []
    checked = runner.invoke(cli_app, ["eido", "check", str(tmp_path / "eidos" / f"{incident}.json"), "--standard", str(STANDARD)])
    assert checked.exit_code == 0, checked.output
    missing = runner.invoke(cli_app, ["eido", "export", "--incident", "26-999999", "--database-url", url])
    assert missing.exit_code == 1 and "26-999999" in missing.output
    neither = runner.invoke(cli_app, ["eido", "export", "--database-url", url])
    assert neither.exit_code == 2 and "--incident" in neither.output

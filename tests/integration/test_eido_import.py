"""EIDO import: NENA's sample becomes a call; an EIDO from another centre opens or updates its incident, keyed by its
$id; the same EIDO twice changes nothing; an older one is not applied; bad EIDOs are refused, naming the field, with
nothing written."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from openpsap.cli import app as cli_app
from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from tests.conftest import SHARED, Api, build_api
from tests.integration.test_eido_export import _busy_incident

SAMPLE = SHARED / "standards" / "eido" / "sta021.1b" / "Sample_call_transfer_EIDO.json"
LOL = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
       '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><presence xmlns="urn:ietf:params:xml:ns:pidf">&c;</presence>')
XXE = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<presence xmlns="urn:ietf:params:xml:ns:pidf">&x;</presence>')


@pytest.fixture
def sample() -> dict[str, Any]:
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE} is absent (a fresh clone has no ../shared): NENA's sample is not imported")
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def other_centre(tmp_path: Path) -> Any:
    """A second centre: its own database and server."""
    db = Database(f"sqlite:///{tmp_path / 'other.db'}")
    from openpsap.models import Base

    Base.metadata.create_all(db.engine)
    built = build_api(db, eido_agency_id="psap.other.invalid")
    with built.client:
        yield built
    db.dispose()


def events(api: Api) -> int:
    with api.database.read() as db:
        return db.scalar(select(func.count()).select_from(EventRecord)) or 0


def imports(api: Api) -> list[EventRecord]:
    with api.database.read() as db:
        return list(db.scalars(select(EventRecord).where(EventRecord.kind == "eido-imported").order_by(EventRecord.seq)))


def test_nenas_sample_call_transfer_imports_as_a_call(api: Api, sample: dict[str, Any]) -> None:
    r = api.post("call_taker", "/eido", sample)
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["outcome"], done["incident_id"], len(done["calls"])) == ("created", None, 1)
    call = api.get("call_taker", f"/calls/{done['calls'][0]}").json()
    assert call["caller_number"] == "8195551212"
    assert call["received_at"].startswith("2021-04-30T18:40:00")
    assert call["status"] == "answered"
    assert call["address"] == "42 W Cellular Street, Wilmington, DE" and call["lat"] is None
    [event] = imports(api)
    assert event.data["source"] == {"element": "idx.state.pa.us", "agency": "state.pa.us", "agent": "tjones.atroop@state.pa.us"}
    assert event.subject_id == sample["$id"] and event.actor == "call-taker" and event.data["via"] == "api"


def test_the_same_eido_twice_changes_nothing(sqlite_api: Api, sample: dict[str, Any]) -> None:
    assert sqlite_api.post("call_taker", "/eido", sample).json()["outcome"] == "created"
    before = events(sqlite_api)
    reordered = json.loads(json.dumps(sample, sort_keys=True))
    again = sqlite_api.post("supervisor", "/eido", reordered)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert events(sqlite_api) == before


def test_an_incident_from_another_centre_opens_here_and_its_updates_follow(api: Api, other_centre: Api) -> None:
    incident = _busy_incident(api)
    sent = api.get("dispatcher", f"/incidents/{incident}/eido").json()
    r = other_centre.post("dispatcher", "/eido", sent)
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["outcome"] == "created" and done["incident_id"] and len(done["calls"]) == 1
    there = other_centre.get("dispatcher", f"/incidents/{done['incident_id']}").json()
    assert (there["incident_type"], there["priority"], there["lat"], there["lon"]) == ("CARDIAC", "P1", 37.7801, -122.4102)
    assert there["calls"] == done["calls"]
    assert [n["text"] for n in there["notes"]] == ["[psap.openpsap.invalid] CPR in progress by neighbour"]
    call = other_centre.get("dispatcher", f"/calls/{done['calls'][0]}").json()
    assert (call["caller_number"], call["uncertainty_m"], call["status"]) == ("4155550199", 25.0, "answered")
    back = other_centre.get("dispatcher", f"/incidents/{done['incident_id']}/eido").json()
    assert back["$id"] == sent["$id"]  # the same incident tracking identifier at both centres
    assert [c["$id"] for c in back["callComponent"]] == [c["$id"] for c in sent["callComponent"]]
    assert back["notesComponent"][0]["$id"] == sent["notesComponent"][0]["$id"]

    assert api.patch("dispatcher", f"/incidents/{incident}", {"priority": "P2"}).status_code == 200
    assert api.post("dispatcher", f"/incidents/{incident}/notes", {"text": "patient awake"}).status_code == 201
    newer = api.get("dispatcher", f"/incidents/{incident}/eido").json()
    r = other_centre.post("dispatcher", "/eido", newer)
    assert r.json()["outcome"] == "updated", r.text
    there = other_centre.get("dispatcher", f"/incidents/{done['incident_id']}").json()
    assert there["priority"] == "P2" and len(there["notes"]) == 2 and there["calls"] == done["calls"]

    before = events(other_centre)
    stale = other_centre.post("dispatcher", "/eido", sent)
    assert stale.json()["outcome"] == "stale" and "older" in stale.json()["message"]
    assert events(other_centre) == before
    assert other_centre.get("dispatcher", f"/incidents/{done['incident_id']}").json()["priority"] == "P2"


def test_an_incident_sent_back_by_the_other_centre_updates_the_original(sqlite_api: Api, other_centre: Api) -> None:
    incident = _busy_incident(sqlite_api)
    done = other_centre.post("dispatcher", "/eido", sqlite_api.get("dispatcher", f"/incidents/{incident}/eido").json()).json()
    assert other_centre.post("dispatcher", f"/incidents/{done['incident_id']}/notes", {"text": "their note"}).status_code == 201
    back = other_centre.get("dispatcher", f"/incidents/{done['incident_id']}/eido").json()
    r = sqlite_api.post("supervisor", "/eido", back)
    assert r.status_code == 200, r.text
    assert r.json()["incident_id"] == incident
    here = sqlite_api.get("dispatcher", f"/incidents/{incident}").json()
    assert len(here["calls"]) == 1  # its own call recognised, not received again
    assert [n["text"] for n in here["notes"]][-1] == "[psap.other.invalid] their note"
    assert len(here["notes"]) == 2
    assert len(sqlite_api.get("dispatcher", "/incidents").json()) == 1


def _refused(api: Api, body: Any, *, field: str | None = None, status: int = 422, **kw: Any) -> dict[str, Any]:
    before = events(api)
    r = api.post("call_taker", "/eido", body, **kw) if body is not None else api.client.post(
        "/api/v1/eido", headers={**api.as_("call_taker"), "Content-Type": "application/json"}, **kw)
    assert r.status_code == status, r.text
    assert events(api) == before
    if field is not None:
        assert field in r.json()["message"], r.json()
    return r.json()


def test_bad_eidos_are_refused_naming_the_field_with_nothing_written(api: Api, sample: dict[str, Any]) -> None:
    _refused(api, None, content=b'{"eidoVersion": "1.0",')
    broken = copy.deepcopy(sample)
    del broken["callComponent"][0]["callStartTimestamp"]
    _refused(api, broken, field="callComponent.0.callStartTimestamp")
    broken = copy.deepcopy(sample)
    broken["eidoVersion"] = "2.0"
    _refused(api, broken, field="eidoVersion")
    unknown = copy.deepcopy(sample)
    unknown["locationComponent"][1]["locationTypeDescriptionRegistryText"] = "Kitchen"
    _refused(api, unknown, field="'Kitchen' is not in the Location Type registry")
    typed = copy.deepcopy(sample)
    typed["incidentComponent"] = {"$id": "urn:emergency:uid:eidodatacomponent:1:x", "lastUpdateTimeStamp": "2021-04-30T14:43:49Z",
                                  "updatedByAgencyReference": {"$ref": "state.pa.us"}, "incidentTypeCommonRegistryText": "EXPLODINGCAT"}
    _refused(api, typed, field="incidentComponent.incidentTypeCommonRegistryText")
    for hostile in (LOL, XXE, "<presence"):
        bad = copy.deepcopy(sample)
        bad["locationComponent"][0]["locationByValue"] = hostile
        message = _refused(api, bad, field="locationComponent")["message"]
        assert "root:" not in message and "aaaaaaaaaa" not in message
    _refused(api, {**sample, "padding": "x" * 300_000}, status=413)
    _refused(api, [sample])
    assert imports(api) == []


def test_the_command_line_imports_each_file_on_its_own_and_names_the_bad_ones(tmp_path: Path, sample: dict[str, Any]) -> None:
    from tests.integration.test_eido_export import migrated_api

    api = migrated_api(tmp_path)
    good, broken, notjson, huge = tmp_path / "good.json", tmp_path / "broken.json", tmp_path / "notjson.json", tmp_path / "huge.json"
    good.write_text(json.dumps(sample))
    broken.write_text(json.dumps({**sample, "eidoVersion": "9"}))
    notjson.write_text("{not json")
    huge.write_text(json.dumps({**sample, "padding": "x" * 1_100_000}))
    runner = CliRunner()
    r = runner.invoke(cli_app, ["eido", "import", str(broken), str(good), str(notjson), str(huge), str(tmp_path / "absent.json"),
                                "--database-url", api.database.url])
    assert r.exit_code == 1, r.output
    assert f"{good}: created: no incident, call(s) " in r.stdout
    assert f"{broken}: refused: eidoVersion" in r.stderr
    assert f"{notjson}: refused: not JSON" in r.stderr
    assert f"{huge}: refused: " in r.stderr and "at most 1,000,000" in r.stderr
    assert "absent.json: refused" in r.stderr and "4 of 5 file(s) refused" in r.stderr
    [event] = imports(api)
    assert event.data["via"] == "file good.json" and event.actor == "eido-import"
    again = runner.invoke(cli_app, ["eido", "import", str(good), "--database-url", api.database.url])
    assert again.exit_code == 0 and "unchanged" in again.stdout
    api.database.dispose()


def _foreign() -> dict[str, Any]:
    """An EIDO as another vendor's CAD might send it: two calls (one abandoned), a civic-only incident location,
    HTML notes, its own units and a vehicle."""
    agency = "psap.marin.example.org"

    def c(cid: str, **fields: Any) -> dict[str, Any]:
        return {"$id": cid, "lastUpdateTimeStamp": "2026-11-27T10:05:00-08:00", "updatedByAgencyReference": {"$ref": agency},
                **fields}

    civic = ('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
             'xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr" entity="pres:x@example.org"><tuple id="a"><status>'
             '<gp:geopriv><gp:location-info><ca:civicAddress><ca:country>US</ca:country><ca:A1>CA</ca:A1>'
             '<ca:A3>San Francisco</ca:A3><ca:HNO>100</ca:HNO><ca:RD>Market</ca:RD><ca:STS>St</ca:STS></ca:civicAddress>'
             '</gp:location-info></gp:geopriv></status></tuple></presence>')
    circle = ('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
              'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" entity="pres:y@example.org">'
              '<tuple id="b"><status><gp:geopriv><gp:location-info><gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">'
              '<gml:pos>37.7935 -122.3960</gml:pos><gs:radius uom="urn:ogc:def:uom:EPSG::9001">40</gs:radius></gs:Circle>'
              '</gp:location-info></gp:geopriv></status></tuple></presence>')
    return {
        "$id": f"urn:emergency:uid:incidentid:77aa01:{agency}", "lastUpdateTimeStamp": "2026-11-27T10:06:00-08:00",
        "updatedByAgencyReference": {"$ref": agency}, "updatedByAgentReference": {"$ref": f"jdoe@{agency}"},
        "eidoVersion": "1.0", "issuingElementIdentification": f"cad.{agency}",
        "incidentComponent": c("urn:emergency:uid:eidodatacomponent:inc1:" + agency, incidentTypeCommonRegistryText="FSTRU",
                               incidentTypeInternalCode="STRUC1", incidentStatusCommonRegistryText=["ResourcesEnroute"],
                               incidentCommonPriorityNumber=9, internalIncidentId="M26-0042",
                               locationReference=[{"$ref": "loc-incident"}],
                               notesReference=[{"$ref": "note-1"}, {"$ref": "note-2"}]),
        "callComponent": [
            c(f"urn:emergency:uid:callid:c1:{agency}", standardPrimaryCallType="emergency", direction="incoming",
              callStartTimestamp="2026-11-27T10:01:00-08:00", answerDate="2026-11-27T10:01:07-08:00",
              callStateRegistryText="callEnd", callBackReference={"$ref": "cb-1"}, locationReference=[{"$ref": "loc-caller"}]),
            c(f"urn:emergency:uid:callid:c2:{agency}", standardPrimaryCallType="emergency", direction="incoming",
              callStartTimestamp="2026-11-27T10:02:30-08:00", callStateRegistryText="callEnd",
              callBackReference={"$ref": "cb-2"}, localCallType="text"),
        ],
        "callbackComponent": [c("cb-1", callBackInformationUri=["tel:+1-415-555-0100"]),
                              c("cb-2", callBackInformationUri=["sip:+14155550101@carrier.example.net;user=phone"])],
        "notesComponent": [c("note-1", notesActionComments="<p>Smoke from <b>3rd floor</b> windows</p>"),
                           c("note-2", notesActionComments="Caller &amp; family outside")],
        "locationComponent": [c("loc-incident", locationTypeDescriptionRegistryText="InitialIncident", locationByValue=civic),
                              c("loc-caller", locationTypeDescriptionRegistryText="Caller", locationByValue=circle)],
        "emergencyResourceComponent": [c(f"engine9@fire.{agency}", emergencyResourceTypeCommonRegistryText="StructureFireEngineType1",
                                         resourceAttributeRegistryText=[], primaryUnitStatusRegistryText="NotAvailable",
                                         secondaryUnitStatusRegistryText=["EnRoute"], agentReference=[])],
        "dispatchComponent": [c("dispatch-1", emergencyResourceReference=[{"$ref": f"engine9@fire.{agency}"}])],
        "vehicleComponent": [c("veh-1", vehicleRelationshipType=["InvolvedVehicle"], vehicleRelationshipTimeStamp="2026-11-27T10:04:00-08:00")],
        "agencyComponent": [c(agency, agencyRoleDescriptionRegistryText=["CallReceiving", "Dispatching"], agencyType=["psap"],
                              incidentOwningAgencyIndicator=True)],
        "agentComponent": [c(f"jdoe@{agency}", agentRoleRegistryText=["Call Taking"], agencyReference={"$ref": agency})],
    }


def test_another_vendors_eido_imports_and_exports_again_valid(api: Api) -> None:
    from tests.integration.test_eido_export import STANDARD

    sent = _foreign()
    if (STANDARD / "sta021.1b" / "openapi.yaml").exists():
        from openpsap.interop.conformance import Conformance

        assert Conformance.load(STANDARD).problems(sent) == []  # the fixture itself is a valid EIDO
    r = api.post("dispatcher", "/eido", sent)
    assert r.status_code == 200, r.text
    done = r.json()
    incident = api.get("dispatcher", f"/incidents/{done['incident_id']}").json()
    assert (incident["incident_type"], incident["priority"]) == ("FSTRU", "P1")
    assert incident["address"] == "100 Market St, San Francisco, CA"
    assert abs(incident["lat"] - 37.7937) < 0.002 and abs(incident["lon"] + 122.3956) < 0.002  # placed by the geocoder
    assert [n["text"] for n in incident["notes"]] == ["[psap.marin.example.org] Smoke from 3rd floor windows",
                                                      "[psap.marin.example.org] Caller & family outside"]
    first, second = (api.get("dispatcher", f"/calls/{c}").json() for c in done["calls"])
    assert (first["status"], first["caller_number"], first["uncertainty_m"]) == ("ended", "+1-415-555-0100", 40.0)
    assert (second["status"], second["answered_at"], second["caller_number"], second["channel"]) == ("ended", None, "+14155550101", "text")
    back = api.get("dispatcher", f"/incidents/{done['incident_id']}/eido").json()
    assert back["$id"] == sent["$id"]
    if (STANDARD / "sta021.1b" / "openapi.yaml").exists():
        assert Conformance.load(STANDARD).problems(back) == []

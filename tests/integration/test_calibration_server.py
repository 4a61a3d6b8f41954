"""A server started with OPENPSAP_ETA_MODEL recommends with the model's speeds, intersection delay and start-up
times; one started without it goes back to the assumed speeds."""

from __future__ import annotations

import json
from pathlib import Path

from openpsap.routing.eta_model import EtaModel, active_eta_model
from tests.conftest import _sqlite_db, build_api, open_incident


def _eta(folder: Path, **settings: str) -> dict[str, float]:
    folder.mkdir()
    database = _sqlite_db(folder)
    try:
        api = build_api(database, **settings)
        with api.client:
            incident = open_incident(api, "CARDIAC", "P1")
            r = api.get("dispatcher", f"/incidents/{incident}/recommendation")
    finally:
        database.dispose()
    assert r.status_code == 200, r.text
    return {c["unit_id"]: c["eta_s"] for slot in r.json()["slots"] for c in slot["picked"]}


def test_the_recommendation_uses_the_calibrated_model_the_server_was_started_with(tmp_path: Path) -> None:
    path = tmp_path / "eta-model.json"
    model = EtaModel({"residential": 20.0, "secondary": 25.0, "primary": 30.0, "tertiary": 25.0}, 5.0,
                     {"ENGINE": 120.0, "MEDIC": 200.0}, 150.0)
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    before = _eta(tmp_path / "plain")
    after = _eta(tmp_path / "calibrated", eta_model=str(path))
    assert active_eta_model() == model
    assert set(after) == set(before) == {"E01", "M10"}
    assert after["E01"] > before["E01"] + 120 and after["M10"] > before["M10"] + 200
    assert _eta(tmp_path / "again") == before and active_eta_model() is None

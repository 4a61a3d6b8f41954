"""Retried commands with the same Idempotency-Key return the first result and write nothing twice."""

from __future__ import annotations

import uuid

from tests.conftest import Api, open_incident


def _last_seq(api: Api) -> int:
    return api.get("supervisor", "/health").json()["last_seq"]


def test_a_retried_create_returns_the_first_incident_and_writes_once(api: Api) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"incident_type": "CARDIAC", "priority": "P1"}
    first = api.post("dispatcher", "/incidents", body, headers=key)
    seq = _last_seq(api)
    again = api.post("dispatcher", "/incidents", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _last_seq(api) == seq
    assert len(api.get("dispatcher", "/incidents").json()) == 1


def test_a_retried_dispatch_does_not_fail_as_a_double_dispatch(api: Api) -> None:
    iid = open_incident(api)
    key = {"Idempotency-Key": "dispatch-" + uuid.uuid4().hex}
    first = api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]}, headers=key)
    retry = api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]}, headers=key)
    assert first.status_code == retry.status_code == 200
    assert retry.json()["units"] == ["E01"]
    without_key = api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]})
    assert without_key.status_code == 409


def test_reusing_a_key_for_a_different_command_is_refused(api: Api) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert api.post("dispatcher", "/incidents", {"incident_type": "CARDIAC"}, headers=key).status_code == 201
    r = api.post("dispatcher", "/incidents", {"incident_type": "FSTRU"}, headers=key)
    assert r.status_code == 422 and "different request" in r.json()["message"]


def test_keys_belong_to_the_user_who_sent_them(api: Api) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"incident_type": "CARDIAC"}
    a = api.post("dispatcher", "/incidents", body, headers=key).json()
    b = api.post("supervisor", "/incidents", body, headers=key).json()
    assert a["id"] != b["id"]


def test_a_failed_command_is_not_remembered(api: Api) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    iid = open_incident(api)
    api.post("dispatcher", f"/incidents/{iid}/dispatch", {"units": ["E01"]})
    other = open_incident(api)
    assert api.post("dispatcher", f"/incidents/{other}/dispatch", {"units": ["E01"]}, headers=key).status_code == 409
    api.post("dispatcher", "/units/E01/status", {"status": "InService"})
    assert api.post("dispatcher", f"/incidents/{other}/dispatch", {"units": ["E01"]}, headers=key).status_code == 200

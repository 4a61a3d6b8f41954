"""Typed events and history: every stored event of every kind round-trips through its class (eventlog/types.py),
and a database made by an older openpsap upgrades with its history intact."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from openpsap.db import Database
from openpsap.eventlog.models import EventRecord
from openpsap.eventlog.types import registry
from openpsap.migrate import current, head, upgrade
from openpsap.eventlog.rebuild import rebuild, snapshot
from tests.conftest import Api
from tests.integration.test_event_log import _busy_shift
from tests.integration.test_roles import EIDO
from tests.integration.test_eido_conveyance import exercise_conveyance_events
from tests.integration.test_cap_alerts import exercise_alert_events

LEGACY = Path(__file__).resolve().parents[1] / "data" / "events_from_a38be6a.db"


def _round_trips(records: list[EventRecord]) -> Counter[str]:
    seen: Counter[str] = Counter()
    classes = registry()
    for e in records:
        cls = classes[e.kind]
        again = cls.model_validate(e.data).model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert again == e.data, f"{e.kind} #{e.seq} does not round-trip through {cls.__name__}"
        seen[e.kind] += 1
    return seen


def _a_spoken_segment(api: Api) -> None:
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.speech.record import record_segment
    from openpsap.speech.transcriber import Transcript

    call = api.post("call_taker", "/calls", {"channel": "voice", "caller_number": "415-555-0100"}).json()["id"]
    said = Transcript(text="my husband is not breathing", segments=[], duration_s=2.0, language="en", model="tiny.en",
                      non_english=None)
    with CommandRunner(api.database).unit_of_work(actor="call_taker") as uow:
        record_segment(uow, call_id=call, transcript=said, start_s=0.0, end_s=2.0, scale=None)


def test_every_stored_event_round_trips_through_its_class(api: Api) -> None:
    _busy_shift(api)
    incident = api.post("dispatcher", "/incidents", {"incident_type": "FALL", "priority": "P3",
                                                     "location": {"lat": 37.78, "lon": -122.41}}).json()["id"]
    api.post("dispatcher", f"/incidents/{incident}/dispatch", {"units": ["M10"]})
    api.post("field_unit", "/units/M10/acknowledge", {"incident_id": incident})
    api.put("admin", "/configuration/care", {"document": api.get("admin", "/configuration/care").json()["document"]
                                             | {"referrals": {"x211": {"name": "211"}}}})
    assert api.post("dispatcher", "/eido", EIDO).status_code == 200  # an EIDO from another centre: eido-imported
    exercise_conveyance_events(api)  # subscriptions, transfers, neighbours' reports (NENA-STA-024)
    exercise_alert_events(api)  # CAP public alerts: issued, updated, cancelled
    _a_spoken_segment(api)  # live speech: transcript-segment
    with api.database.read() as db:
        seen = _round_trips(list(db.scalars(select(EventRecord).order_by(EventRecord.seq))))
    legacy = Database(f"sqlite:///{LEGACY}")
    try:
        with legacy.read() as db:
            seen += _round_trips(list(db.scalars(select(EventRecord))))
    finally:
        legacy.dispose()
    missing = set(registry()) - set(seen)
    assert not missing, f"kinds never exercised here or in the older database: {sorted(missing)}"


def test_a_database_made_by_an_older_version_upgrades_with_its_history_intact(tmp_path: Path) -> None:
    copy = tmp_path / "old.db"
    shutil.copy(LEGACY, copy)
    url = f"sqlite:///{copy}"
    assert current(url) == "0003"
    upgrade(url)
    assert current(url) == head()
    db = Database(url)
    try:
        with db.read() as session:
            events = list(session.scalars(select(EventRecord).order_by(EventRecord.seq)))
        assert len(events) == 83 and [e.seq for e in events] == list(range(1, 84)), "every event kept, in order"
        _round_trips(events)
        before = snapshot(db)
        assert rebuild(db) == 83
        after = snapshot(db)
        for table in ("incidents", "calls", "units", "assignments", "notes", "follow_ups", "care_plans", "users"):
            assert after[table] == before[table], f"{table}: today's projector disagrees with the older one"
        (incident,) = [r for r in after["incidents"] if r["id"].endswith("-000001")]
        assert incident["status"] == "Cancelled" and incident["priority"] == "P2"
        (m10,) = [u for u in after["units"] if u["id"] == "M10"]
        assert (m10["lat"], m10["lon"]) == (37.76, -122.45), "the position from the old unit-position-updated event"
    finally:
        db.dispose()

"""Replaying recorded calls through the service layer: same events as the API, simulated time,
the recorded calls reproduced exactly, travel from the road graph, deterministic with a seed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from openpsap.calls.models import Call
from openpsap.config import Settings
from openpsap.db import Database
from openpsap.dispatching.plans import default_plans
from openpsap.dispatching.recommend import default_recommender
from openpsap.eventlog.models import EventRecord
from openpsap.incidents.models import Incident
from openpsap.incidents.priority import PriorityScale
from openpsap.eventlog.rebuild import rebuild
from openpsap.simulation import mapping
from openpsap.simulation.loaders import load, sf_week_path
from openpsap.simulation.replay import Replay
from openpsap.simulation.roster import load_plan
from openpsap.units.models import Assignment

TINY = Path(__file__).resolve().parents[1] / "data" / "sf_calls_tiny.csv"


def _replay(database: Database, seed: int = 1) -> tuple[Replay, object]:
    loaded = load(TINY, mapping.load("sffd"))
    roster, _ = load_plan(None)
    replay = Replay(database, loaded, recommender=default_recommender(), plans=default_plans(),
                    scale=PriorityScale(Settings().priority_scale), roster=roster, seed=seed)
    return replay, replay.run()


def _events(database: Database) -> list[EventRecord]:
    with database.read() as session:
        return list(session.scalars(select(EventRecord).order_by(EventRecord.seq)))


def test_replay_reproduces_the_input_calls_and_types_exactly(database: Database) -> None:
    replay, result = _replay(database)
    with database.read() as session:
        calls = list(session.scalars(select(Call).order_by(Call.received_at)))
        incidents = list(session.scalars(select(Incident)))
    loaded = replay.loaded
    assert result.calls == len(calls) == len(incidents) == len(loaded.calls) == 5
    assert [c.received_at for c in calls] == [c.received_at for c in loaded.calls]
    assert Counter(i.incident_type for i in incidents) == Counter(c.incident_type for c in loaded.calls)
    assert Counter(i.priority for i in incidents) == Counter(c.priority for c in loaded.calls)
    assert all(i.status == "Closed" for i in incidents)


def test_event_times_are_simulated_time_not_wall_clock(database: Database) -> None:
    replay, _ = _replay(database)
    events = _events(database)
    first, last = replay.loaded.calls[0].received_at, replay.loaded.calls[-1].received_at
    call_events = [e for e in events if e.kind != "unit-added" and e.subject_type != "station" and e.subject_type != "agency"]
    assert all(e.occurred_at.year == 2017 for e in call_events)
    assert min(e.occurred_at for e in call_events) == first
    assert max(e.occurred_at for e in events if e.kind == "call-received") == last
    times = [e.occurred_at for e in call_events]
    assert times == sorted(times)  # the log is in simulated-time order


def test_travel_times_come_from_the_road_graph_not_the_recording(database: Database) -> None:
    replay, _ = _replay(database)
    recommender = default_recommender()
    with database.read() as session:
        rows = list(session.scalars(select(Assignment)))
        units = {u.id: u for u in replay.roster.values()}
        incidents = {i.id: i for i in session.scalars(select(Incident))}
    recorded = {(r.onscene_at - r.enroute_at).total_seconds() for c in replay.loaded.calls for r in c.responses
                if r.onscene_at and r.enroute_at}
    assert rows
    for a in rows:
        travel = (a.onscene_at - a.enroute_at).total_seconds()
        unit, incident = units[a.unit_id], incidents[a.incident_id]
        snap = recommender.graph.snap(incident.lat, incident.lon)
        from scipy.sparse.csgraph import dijkstra

        seconds = dijkstra(recommender.graph.seconds_reversed, indices=snap.node)
        eta = seconds[recommender.graph.snap(unit.lat, unit.lon).node]
        assert abs(travel - eta) <= 1.0, (a.unit_id, travel, eta)
        assert travel not in recorded


def test_same_seed_same_replay_other_seed_other_times(sqlite_database: Database, tmp_path: Path) -> None:
    _replay(sqlite_database, seed=7)
    again = Database(f"sqlite:///{tmp_path / 'again.db'}")
    from openpsap.models import Base

    Base.metadata.create_all(again.engine)
    _replay(again, seed=7)

    def trace(db: Database) -> list[tuple]:
        return [(e.kind, e.subject_type, e.occurred_at, e.data.get("unit_id"), e.data.get("to")) for e in _events(db)
                if e.kind not in ("unit-added",)]

    assert trace(sqlite_database) == trace(again)
    again.dispose()


def test_replayed_state_rebuilds_identically_from_the_log(sqlite_database: Database) -> None:
    _replay(sqlite_database)
    with sqlite_database.read() as session:
        before = sorted((a.unit_id, a.incident_id, a.onscene_at, a.cleared_at) for a in session.scalars(select(Assignment)))
    rebuild(sqlite_database)
    with sqlite_database.read() as session:
        after = sorted((a.unit_id, a.incident_id, a.onscene_at, a.cleared_at) for a in session.scalars(select(Assignment)))
    assert before == after and before


@pytest.mark.parametrize("seed", [3])
def test_no_unit_available_is_noted_and_retried(sqlite_database: Database, seed: int) -> None:
    loaded = load(TINY, mapping.load("sffd"))
    roster = [u for u in load_plan(None)[0] if u.unit_type not in ("MEDIC", "PRIVATE")]  # no ambulance at all
    replay = Replay(sqlite_database, loaded, recommender=default_recommender(), plans=default_plans(),
                    scale=PriorityScale(Settings().priority_scale), roster=roster, seed=seed)
    result = replay.run()
    assert result.shortages > 0 and result.not_served > 0
    notes = [e for e in _events(sqlite_database) if e.kind == "note-added"]
    assert any("no suitable unit available" in e.data["text"] for e in notes)


def test_a_slice_of_the_real_sf_week_replays_with_the_same_calls_and_types(sqlite_database: Database) -> None:
    from openpsap.routing.graph import default_graph
    from openpsap.dispatching.recommend import remembering_recommender

    week = sf_week_path()
    loaded = load(week, mapping.load("sffd"))
    assert (loaded.rows, len(loaded.calls), loaded.unit_responses, sum(loaded.bad.values())) == (7704, 3560, 7704, 0)
    loaded.calls = loaded.calls[:200]
    recommender = remembering_recommender(default_graph(), entries=64)
    result = Replay(sqlite_database, loaded, recommender=recommender, plans=default_plans(),
                    scale=PriorityScale(Settings().priority_scale), roster=load_plan(None)[0], seed=1).run()
    with sqlite_database.read() as session:
        types = Counter(session.scalars(select(Incident.incident_type)))
        calls = session.scalar(select(func.count()).select_from(Call))
    assert calls == result.calls == 200
    assert types == Counter(c.incident_type for c in loaded.calls)
    assert recommender.router.hits > 0  # repeat addresses reuse the road search


def test_the_caching_recommender_answers_exactly_like_the_plain_one() -> None:
    from openpsap.dispatching.recommend import UnitView
    from openpsap.routing.graph import default_graph
    from openpsap.dispatching.recommend import remembering_recommender

    plain, cached = default_recommender(), remembering_recommender(default_graph(), entries=2)
    units = [UnitView.at_posting(u) for u in load_plan(None)[0]]
    plan = default_plans().for_type("FSTRU")
    for lat, lon in [(37.7936, -122.3965), (37.7650, -122.4195), (37.7936, -122.3965), (37.7527, -122.4130)]:
        assert cached.recommend(lat=lat, lon=lon, plan=plan, units=units).to_json() == \
            plain.recommend(lat=lat, lon=lon, plan=plan, units=units).to_json()
    assert (cached.router.hits, cached.router.misses) == (1, 3)

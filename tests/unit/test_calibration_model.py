"""The calibrated ETA model: its file, the intersection delay in the graph, the start-up time in the recommendation,
the in-quarters rule, and a fit that recovers known speeds and delays on a toy city."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from openpsap.calibration.features import RouteFeatures
from openpsap.calibration.fit import SPEED_BOUNDS_KMH, fit
from openpsap.calibration.samples import collect
from openpsap.dispatching.plans import parse
from openpsap.dispatching.recommend import Recommender, UnitView
from openpsap.routing.eta_model import EtaModel, EtaModelError, intersection_nodes, load_eta_model
from openpsap.routing.graph import RoadGraph, with_intersection_delay
from openpsap.routing.speeds import RoadSpeeds
from openpsap.simulation.loaders import HistoricalCall, Response
from tests.unit.test_road_graph import ROWS, _pt

LA = ZoneInfo("America/Los_Angeles")


def test_a_model_file_round_trips_and_a_bad_one_is_refused_naming_the_field(tmp_path) -> None:
    model = EtaModel({"residential": 32.5}, 4.0, {"ENGINE": 80.0}, 90.0)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert load_eta_model(path) == model
    assert model.startup("engine") == 80.0 and model.startup("MEDIC") == 90.0
    for document, words in (({"format": "other"}, "not an openpsap ETA model"),
                            ({**model.to_json(), "speeds_kmh": {"residential": 500}}, "speeds_kmh.residential"),
                            ({**model.to_json(), "intersection_delay_s": -1}, "intersection_delay_s"),
                            ({**model.to_json(), "startup_s": {"ENGINE": "fast"}}, "startup_s.ENGINE")):
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(EtaModelError, match=words):
            load_eta_model(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(EtaModelError, match="not JSON"):
        load_eta_model(path)
    with pytest.raises(EtaModelError, match="cannot read"):
        load_eta_model(tmp_path / "missing.json")


def test_the_intersection_delay_is_added_where_three_roads_meet_only() -> None:
    extra = dict(ROWS[0], to_lat=str(_pt(-1, 1)[0]), to_lon=str(_pt(-1, 1)[1]), from_lat=str(_pt(0, 1)[0]),
                 from_lon=str(_pt(0, 1)[1]), oneway="")  # a spur north of B: B becomes an intersection
    graph = RoadGraph.from_rows([*ROWS, extra])
    at = intersection_nodes(graph.origin, graph.metres, graph.snappable)
    b = graph.snap(*_pt(0, 1)).node
    assert at[b] and at.sum() == 1
    delayed = with_intersection_delay(graph, 5.0)
    a, c = graph.snap(*_pt(0, 0)).node, graph.snap(*_pt(0, 2)).node
    assert delayed.seconds[a, b] == pytest.approx(graph.seconds[a, b] + 5.0)
    assert delayed.seconds[b, c] == pytest.approx(graph.seconds[b, c])


def test_the_recommendation_adds_each_unit_types_start_up_time() -> None:
    graph = RoadGraph.from_rows(ROWS)
    plan = parse({"plans": {"p": {"slots": [{"types": ["ENGINE", "MEDIC"], "count": 1}]}},
                  "types": {}, "fallback": "p"}).for_type("X")
    units = [UnitView("E1", "ENGINE", frozenset(), "Available", "InService", None, *_pt(0, 2)),
             UnitView("M1", "MEDIC", frozenset(), "Available", "InService", None, *_pt(1, 2))]
    plain = Recommender(graph, model=EtaModel()).recommend(lat=_pt(1, 0)[0], lon=_pt(1, 0)[1], plan=plan, units=units)
    slow_medic = EtaModel(startup_s={"MEDIC": 600.0, "ENGINE": 10.0})
    timed = Recommender(graph, model=slow_medic).recommend(lat=_pt(1, 0)[0], lon=_pt(1, 0)[1], plan=plan, units=units)
    assert plain.unit_ids == ["M1"] and timed.unit_ids == ["E1"]
    assert timed.slots[0].picked[0].eta_s > 10.0


def _call(n: int, at: datetime, where: tuple[float, float], *responses: Response) -> HistoricalCall:
    return HistoricalCall(str(n), at, None, at, "x", "CARDIAC", "P1", "3", *where, None, None, None, responses)


def _response(unit: str, at: datetime, travel_s: float, busy_min: float = 20) -> Response:
    return Response(unit, "ENGINE", at, at + timedelta(seconds=30), at + timedelta(seconds=30 + travel_s), None, None,
                    at + timedelta(minutes=busy_min))


def test_a_response_counts_in_quarters_only_ten_minutes_after_the_last_one_ended() -> None:
    graph = RoadGraph.from_rows(ROWS)
    t0 = datetime(2017, 1, 2, 18, tzinfo=UTC)
    calls = [_call(1, t0, _pt(1, 2), _response("E1", t0, 100)),  # first of the file: in quarters
             _call(2, t0 + timedelta(minutes=25), _pt(1, 1), _response("E1", t0 + timedelta(minutes=25), 90)),
             _call(3, t0 + timedelta(minutes=60), _pt(1, 1), _response("E1", t0 + timedelta(minutes=60), 5)),
             _call(4, t0 + timedelta(minutes=90), _pt(1, 1), _response("E9", t0 + timedelta(minutes=90), 60))]
    got = collect(calls, {"E1": _pt(0, 0)}, graph, LA)
    assert [s.in_quarters for s in got.items] == [True, False]
    assert got.skipped == {"not in quarters": 1, "travel outside 10-1,800 s": 1, "unit not in the roster": 1}
    assert got.items[0].real_s == 100 and got.items[0].day.isoformat() == "2017-01-02"


def test_the_fit_recovers_the_speeds_and_start_up_it_was_made_from(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = RoadGraph.from_rows(ROWS)
    truth = EtaModel({"residential": 20.0, "primary": 40.0}, 3.0, {"ENGINE": 70.0}, 70.0)
    rng = np.random.default_rng(7)
    nodes = list(range(graph.snappable))
    pairs = [(int(a), int(b)) for a, b in rng.choice(nodes, size=(300, 2)) if a != b]
    true_graph = with_intersection_delay(RoadGraph.from_rows(ROWS, RoadSpeeds.from_mapping(truth.speeds_kmh)), 3.0)
    real = RouteFeatures(true_graph).of(pairs).seconds + 70.0 + rng.normal(0, 2, len(pairs))
    ok = np.isfinite(real)
    pairs, real = [p for p, k in zip(pairs, ok, strict=True) if k], real[ok]

    def route(model: EtaModel | None):  # noqa: ANN202
        speeds = RoadSpeeds.from_mapping(model.speeds_kmh if model else {})
        g = RoadGraph.from_rows(ROWS, speeds)
        return RouteFeatures(with_intersection_delay(g, model.intersection_s) if model else g).of(pairs)

    monkeypatch.setattr("openpsap.calibration.fit.MIN_CLASS_KM", 0.0)  # the toy city is small: fit every class
    days = ["d1", "d2"] * (len(pairs) // 2) + ["d1"] * (len(pairs) % 2)
    model, how = fit(route, ["ENGINE"] * len(pairs), real, days, graph.road_class_names)
    assert model.speeds_kmh["primary"] == pytest.approx(40.0, rel=0.15)
    assert model.speeds_kmh["residential"] == pytest.approx(20.0, rel=0.15)
    assert model.startup("ENGINE") == pytest.approx(70.0, abs=8)
    assert 0 <= model.intersection_s <= 15
    low, high = SPEED_BOUNDS_KMH["primary"]
    assert low <= model.speeds_kmh["primary"] <= high
    assert set(how["cross_validation_by_day"]) and all(math.isfinite(v) for v in how["rounds_train_median_abs_error_s"])


def test_a_server_is_not_started_on_a_model_file_it_cannot_use(tmp_path) -> None:
    from pydantic import ValidationError

    from openpsap.config import Settings

    with pytest.raises(ValidationError, match="cannot read ETA model"):
        Settings(eta_model=str(tmp_path / "missing.json"))
    assert Settings(eta_model="").eta_model == ""

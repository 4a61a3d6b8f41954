"""Loading real calls-for-service files through a mapping: counts, bad rows by reason, time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from openpsap.simulation import mapping
from openpsap.simulation.clock import SimClock
from openpsap.simulation.loaders import SourceError, load
from openpsap.simulation.roster import PlanFileError, apply_plan, load_plan
from openpsap.stations.seed import sf_units

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "sf_calls_tiny.csv"


def test_tiny_sf_file_loads_good_calls_and_counts_every_bad_row_by_reason() -> None:
    loaded = load(TINY, mapping.load("sffd"))
    assert loaded.rows == 11
    assert [c.source_id for c in loaded.calls] == ["900001", "900002", "900003", "900004", "900005"]
    assert loaded.unit_responses == 7
    assert dict(loaded.bad) == {
        "unreadable time in Received DtTm": 1,
        "unmapped call type 'Spaceship Landing'": 1,
        "unknown priority 'Z'": 1,
        "malformed location": 1,
    }
    assert loaded.rows == loaded.unit_responses + sum(loaded.bad.values())


def test_local_times_become_utc_and_types_follow_the_mapping() -> None:
    first, _, third, _, fifth = load(TINY, mapping.load("sffd")).calls
    assert first.received_at == datetime(2017, 1, 2, 17, 0, 5, tzinfo=UTC)  # 09:00:05 PST
    assert first.dispatch_at == datetime(2017, 1, 2, 17, 1, 30, tzinfo=UTC)
    assert (first.incident_type, first.priority) == ("ALS", "P2")  # Medical Incident, priority 3
    assert (third.incident_type, third.priority) == ("BLS", "P3")  # Medical Incident, priority 2
    assert (fifth.incident_type, fifth.priority) == ("ALS", "P1")
    assert (first.lat, first.lon) == (37.7936, -122.3965)


def test_mapping_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text(yaml.safe_dump({"name": "x", "columns": {"call_id": "A", "received_at": "B", "call_type": "C"},
                                   "call_types": {"Fire": "NOPE"}}))
    with pytest.raises(mapping.MappingError, match="'NOPE' is not an APCO incident type"):
        mapping.load(str(bad))
    with pytest.raises(mapping.MappingError, match="no built-in mapping"):
        mapping.load("atlantis")
    with pytest.raises(mapping.MappingError, match="cannot tell which mapping"):
        mapping.guess(Path("calls.csv"))


def test_a_file_with_other_columns_is_refused_with_a_message(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="lacks column"):
        load(other, mapping.load("sffd"))
    with pytest.raises(SourceError, match="does not exist"):
        load(tmp_path / "nope.csv", mapping.load("sffd"))
    garbage = tmp_path / "garbage.csv.gz"
    garbage.write_bytes(b"not gzip at all")
    with pytest.raises(SourceError, match="not a readable CSV"):
        load(garbage, mapping.load("sffd"))


def test_the_replay_clock_only_moves_forward() -> None:
    clock = SimClock(datetime(2017, 1, 1, tzinfo=UTC))
    clock.advance_to(datetime(2017, 1, 1, 0, 5, tzinfo=UTC))
    assert clock.now() == datetime(2017, 1, 1, 0, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance_to(datetime(2017, 1, 1, tzinfo=UTC))


def test_what_if_plan_moves_and_adds_units_and_rejects_unknown_ones() -> None:
    units, changes = load_plan(DATA / "what_if_plan.yaml")
    by_id = {u.id: u for u in units}
    assert by_id["55"].home_station_id == "FS12" and "M99" in by_id
    assert len(units) == len(sf_units()) + 1 and len(changes) == 2
    with pytest.raises(PlanFileError, match="unknown unit 'ZZ9'"):
        apply_plan(sf_units(), {"move": {"ZZ9": "FS01"}})
    with pytest.raises(PlanFileError, match="unknown station 'FS99'"):
        apply_plan(sf_units(), {"move": {"E01": "FS99"}})

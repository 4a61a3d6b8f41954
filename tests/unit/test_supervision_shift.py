"""The supervisor's shift figures and alerts, from plain rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openpsap.supervision.shift import CallRow, IncidentRow, Thresholds, UnitRow, shift

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def ago(s: float) -> datetime:
    return NOW - timedelta(seconds=s)


def test_answer_times_against_nena_and_the_alerts_a_supervisor_must_act_on() -> None:
    calls = [CallRow(ago(600), ago(590), ago(300), "ct", "ended")] * 8 + [
        CallRow(ago(500), ago(470), None, "ct2", "answered"),  # answered in 30 s, still open after ~8 min
        CallRow(ago(30), None, None, None, "ringing"),  # ringing 30 s
    ]
    incidents = [IncidentRow("26-000001", "P1", "Active", ago(120), True), IncidentRow("26-000002", "P3", "Active", ago(60), False)]
    units = [UnitRow("MEDIC", "Available"), UnitRow("MEDIC", "NotAvailable"), UnitRow("ENGINE", "Available")]
    s = shift(NOW, calls, incidents, units, Thresholds(min_available={"MEDIC": 2}))
    assert s["calls"]["ringing"] == 1 and s["calls"]["oldest_ringing_s"] == 30
    assert s["calls"]["answered_within_15s"] == 0.8 and s["calls"]["answered_within_20s"] == 0.8
    assert s["open_calls"] == {"ct2": {"calls": 1, "oldest_min": 7.8}}
    assert s["pending"]["P1"] == {"incidents": 1, "oldest_s": 120} and s["unlocated"] == ["26-000002"]
    assert s["units"]["MEDIC"] == {"available": 1, "total": 2}
    texts = " | ".join(a["text"] for a in s["alerts"])
    assert "ringing 30 s" in texts and "80% of calls answered within 15 s (NENA: 90%)" in texts
    assert "1 P1 incident(s) waiting for a unit, 26-000001 for 2.0 min" in texts
    assert "no location: 26-000002" in texts and "only 1 MEDIC available (keep at least 2)" in texts
    assert "P3" not in texts  # a P3 pending 60 s is within its 120 s


def test_a_quiet_shift_has_no_alerts() -> None:
    s = shift(NOW, [CallRow(ago(100), ago(95), ago(50), "ct", "ended")], [], [UnitRow("MEDIC", "Available")])
    assert s["alerts"] == [] and s["calls"]["answered_within_15s"] == 1.0

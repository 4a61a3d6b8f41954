"""The command line: demo set-up, users add, db upgrade and rebuild, helpful errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.db import Database
from openpsap.eventlog.rebuild import snapshot

runner = CliRunner()


def test_demo_seeds_the_san_francisco_roster_and_prints_credentials(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve", "--data-dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "seeded 54 stations and 234 units" in result.output
    for user in ("calltaker", "dispatcher", "supervisor", "medic55", "outreach", "analyst", "admin"):
        assert user in result.output
    db = Database(f"sqlite:///{tmp_path / 'demo' / 'openpsap.db'}")
    state = snapshot(db)
    db.dispose()
    assert {u["id"] for u in state["units"]} >= {"E01", "T01", "55", "PA01", "PJ06"}
    assert {a["id"] for a in state["agencies"]} == {"SFFD", "SFPD", "SF-PVT-EMS"}



def test_demo_seeds_the_care_story_so_a_new_call_from_the_childs_number_shows_his_history(tmp_path: Path) -> None:
    from openpsap.calls import service as call_service
    from openpsap.care import followups, history
    from openpsap.care.demo import CARE_PLAN, STORY_NUMBER
    from openpsap.eventlog.unit_of_work import CommandRunner

    result = runner.invoke(app, ["demo", "--no-serve", "--data-dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert f"Care story: a week ago a lonely six-year-old called from {STORY_NUMBER}" in " ".join(result.output.split())
    db = Database(f"sqlite:///{tmp_path / 'demo' / 'openpsap.db'}")
    with CommandRunner(db).unit_of_work(actor="calltaker") as uow:
        call = call_service.receive(uow, channel="voice", caller_number=STORY_NUMBER, received_at=None, location=None,
                                    narrative="hi it's me again")
        seen = history.caller_history(uow, call_id=call.id, repeat_calls=5, repeat_days=30)
    (prior,) = seen["prior_calls"]
    assert prior["incident"]["care_outcomes"] == ["child_911_education", "guardian_contacted"]
    assert prior["incident"]["status"] == "Closed" and prior["narrative"].startswith("hi um I'm six")
    assert seen["care_plan"]["note"] == CARE_PLAN
    assert [t["kind"] for t in seen["open_follow_ups"]] == ["school_visit"]
    with db.read() as session:
        assert [t["kind"] for t in followups.queue(session, status="open", now=datetime.now(UTC))] == ["school_visit"]
    db.dispose()


def test_demo_refuses_to_overwrite_an_existing_demo(tmp_path: Path) -> None:
    folder = str(tmp_path / "demo")
    assert runner.invoke(app, ["demo", "--no-serve", "--data-dir", folder]).exit_code == 0
    again = runner.invoke(app, ["demo", "--no-serve", "--data-dir", folder])
    assert again.exit_code == 1 and "already holds a database" in " ".join(again.output.split())


def test_users_add_then_rebuild_keeps_the_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cad.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    result = runner.invoke(
        app, ["users", "add", "jdoe", "--role", "dispatcher", "--role", "supervisor", "--password", "s3cret-enough", "--database-url", url]
    )
    assert result.exit_code == 0, result.output
    db = Database(url)
    before = snapshot(db)
    rebuilt = runner.invoke(app, ["db", "rebuild", "--database-url", url])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "rebuilt state from 2 events" in rebuilt.output
    assert snapshot(db) == before and before["users"][0]["roles"] == ["dispatcher", "supervisor"]
    db.dispose()


def test_users_add_explains_bad_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cad.db'}"
    short = runner.invoke(app, ["users", "add", "jdoe", "--role", "dispatcher", "--password", "short", "--database-url", url])
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    bad_role = runner.invoke(app, ["users", "add", "jdoe", "--role", "chief", "--password", "long-enough", "--database-url", url])
    assert bad_role.exit_code == 2 and "chief" in bad_role.output
    runner.invoke(app, ["users", "add", "jdoe", "--role", "admin", "--password", "long-enough", "--database-url", url])
    dup = runner.invoke(app, ["users", "add", "jdoe", "--role", "admin", "--password", "long-enough", "--database-url", url])
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_an_unreachable_database_is_a_clear_error_not_a_traceback() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 2 and "cannot open database" in result.output
    assert "Traceback" not in result.output


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "demo", "db", "users"):
        assert command in result.output


def test_recommend_ranks_sf_units_by_road_time() -> None:
    import json

    result = runner.invoke(app, ["recommend", "--lat", "37.7749", "--lon", "-122.4194", "--type", "cardiac", "--json"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.output)
    assert rec["plan"] == "cardiac_arrest" and len(rec["units"]) == 2
    etas = [c["eta_s"] for s in rec["slots"] for c in s["picked"]]
    assert all(0 < eta < 600 for eta in etas)


def test_recommend_explains_bad_input() -> None:
    unknown = runner.invoke(app, ["recommend", "--lat", "37.7749", "--lon", "-122.4194", "--type", "NOPE"])
    assert unknown.exit_code == 1 and "unknown incident type" in unknown.output
    off_map = runner.invoke(app, ["recommend", "--lat", "37.5", "--lon", "-122.0", "--type", "CARDIAC"])
    assert off_map.exit_code == 1 and "km from the nearest road" in off_map.output
    bad_lat = runner.invoke(app, ["recommend", "--lat", "95", "--lon", "-122.0", "--type", "CARDIAC"])
    assert bad_lat.exit_code == 2

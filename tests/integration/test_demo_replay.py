"""`openpsap demo --replay`: the real SF week replayed, time-compressed, into the demo's own database."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.simulation.live import start_in_background


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchone()[0]


def test_the_demo_comes_alive_with_the_sf_week_at_real_times(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["demo", "--no-serve", "--data-dir", str(tmp_path)]).exit_code == 0
    db = tmp_path / "openpsap.db"
    live = start_in_background(f"sqlite:///{db}", factor=3600, delay_s=0.5)  # an hour of calls per second
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _count(db, "select count(*) from assignments where onscene_at is not null") < 3:
            time.sleep(0.5)
        assert _count(db, "select count(*) from assignments where onscene_at is not null") >= 3  # units arrive
        assert _count(db, "select count(*) from incidents where closed_at is not null and created_by = 'replay'") >= 1
        with sqlite3.connect(db) as c:
            latest = c.execute("select max(occurred_at) from events where actor = 'replay'").fetchone()[0]
        lag = abs((datetime.fromisoformat(latest).replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds())
        assert lag < 10, "replayed events carry real (compressed) times, not 2016 ones"
    finally:
        live.close()
    assert not live.thread.is_alive()


def test_replay_needs_the_server() -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--replay"])
    assert result.exit_code == 1 and "leave out --no-serve" in result.output

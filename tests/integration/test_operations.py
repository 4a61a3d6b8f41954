"""Operations: a backup taken while the server writes restores to the same log and state; readiness for a load
balancer; structured JSON logs with the request id and the user; the request id echoed."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
from typer.testing import CliRunner

from openpsap.cli import app as cli
from openpsap.db import Database
from openpsap.eventlog.rebuild import rebuild, snapshot
from tests.live_server import live_server, login, migrated_sqlite_with_dispatcher

runner = CliRunner()


def test_a_backup_taken_under_writes_restores_the_same_log_and_state(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    backup_file = tmp_path / "backups" / "cad-1.db"
    with live_server(url) as base:
        auth = {"Authorization": f"Bearer {login(base)}"}
        done = threading.Event()

        def write() -> None:
            with httpx.Client(headers=auth, timeout=10) as http:
                while not done.is_set():
                    http.post(f"{base}/incidents", json={"incident_type": "FALL", "priority": "P3"})
        writer = threading.Thread(target=write)
        writer.start()
        try:
            r = runner.invoke(cli, ["db", "backup", str(backup_file), "--database-url", url])
        finally:
            done.set()
            writer.join()
        assert r.exit_code == 0 and "integrity ok" in r.output, r.output
        again = runner.invoke(cli, ["db", "backup", str(backup_file), "--database-url", url])
        assert again.exit_code == 1 and "never overwrites" in again.output
    restored_url = f"sqlite:///{tmp_path / 'restored' / 'cad.db'}"
    r = runner.invoke(cli, ["db", "restore", str(backup_file), "--database-url", restored_url])
    assert r.exit_code == 0, r.output
    db = Database(restored_url)
    try:
        before = snapshot(db)
        events = rebuild(db)
        assert events > 5 and snapshot(db) == before, "the restored state is what its own log says"
    finally:
        db.dispose()
    refused = runner.invoke(cli, ["db", "restore", str(backup_file), "--database-url", restored_url])
    assert refused.exit_code == 1 and "--force" in refused.output
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert "not a readable SQLite database" in runner.invoke(cli, ["db", "restore", str(junk), "--database-url", restored_url, "--force"]).output
    pg = runner.invoke(cli, ["db", "backup", str(tmp_path / "x.db"), "--database-url", "postgresql+psycopg://u@h/db"])
    assert pg.exit_code != 0 and "pg_dump" in pg.output


def test_readiness_json_logs_and_the_request_id(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    with live_server(url, env={"OPENPSAP_LOG_FORMAT": "json"}, log_level="info") as base:
        assert httpx.get(f"{base}/ready", timeout=5).json()["ready"] is True
        token = login(base)
        r = httpx.get(f"{base}/units", headers={"Authorization": f"Bearer {token}", "X-Request-ID": "case-4711"}, timeout=5)
        assert r.headers["x-request-id"] == "case-4711"
        assert len(httpx.get(f"{base}/health", timeout=5).headers["x-request-id"]) == 16
        httpx.put(f"{base}/care-plans/415-555-0142", json={"note": "x"}, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        httpx.get(f"{base}/health", timeout=5)  # the server writes a request's log line after its answer: one more round
    from tests.live_server import LAST_STDERR

    lines = [json.loads(x) for x in LAST_STDERR[base].splitlines() if x.startswith("{")]
    mine = [x for x in lines if x.get("request_id") == "case-4711"]
    assert mine and mine[0]["user"] == "disp" and mine[0]["status"] == 200 and mine[0]["path"] == "/api/v1/units"
    assert all({"time", "level", "logger", "message"} <= set(x) for x in lines)
    assert "415-555-0142" not in LAST_STDERR[base] and any(x.get("path") == "/api/v1/care-plans/[number]" for x in lines)

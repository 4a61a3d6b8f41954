"""Live speech to text: how soon a caller's words are on the call-taker's screen after being spoken. JSON on stdout.

A real server (`openpsap serve`, SQLite, speech_live_model as given) in a subprocess; for each shipped synthetic call
(openpsap/data/calls, spoken with espeak-ng, 8 kHz mu-law), a console-like listener on WS /calls/{id}/transcript
and a phone gateway streaming the audio in real time (20 ms frames) on WS /calls/{id}/audio, --rounds times.
Each partial or final message says which audio it covers, up to `end_s`; that audio was sent at t0 + end_s, so
  lag = when the listener got the message - (t0 + end_s)
is how long after being spoken those words were on screen (the browser's own drawing, a few ms, not counted).
Reported: `first_words` (the first message of each stretch of speech: what the call-taker first sees of it), and
`first_words_from_speech_start` (that message against the start of the stretch, t0 + start_s, which is 0.2 s
before the voice began: the wait for the first partial, about 1 s, is counted),
`all_text` (every partial and final), `final` (the recorded segments: they wait for 0.6 s of quiet first),
p50/p95/max in seconds, and the model load (first connection) apart.

    .venv/bin/python bench/speech_live.py [--model tiny.en] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import PASSWORD  # noqa: E402
from tests.live_server import live_server, migrated_sqlite_with_dispatcher  # noqa: E402


def _percentiles(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    a = np.array(values)
    return {"n": len(values), "p50": round(float(np.percentile(a, 50)), 3),
            "p95": round(float(np.percentile(a, 95)), 3), "max": round(float(a.max()), 3)}


def _one_call(base: str, head: dict[str, str], frames: list[bytes]) -> tuple[list[tuple[float, dict]], float]:
    from websockets.sync.client import connect

    call_id = httpx.post(f"{base}/calls", json={"caller_number": "555-0142"}, headers=head).json()["id"]
    ws_base = base.replace("http://", "ws://")
    got: list[tuple[float, dict]] = []
    with connect(f"{ws_base}/calls/{call_id}/transcript", additional_headers=head) as panel:
        assert json.loads(panel.recv(timeout=10))["type"] == "listening"

        def listen() -> None:
            for message in panel:
                m = json.loads(message)
                got.append((time.monotonic(), m))
                if m.get("type") == "audio-ended":
                    return

        listener = threading.Thread(target=listen)
        listener.start()
        with connect(f"{ws_base}/calls/{call_id}/audio?format=mulaw-8k", additional_headers=head,
                     close_timeout=120) as ws:
            json.loads(ws.recv(timeout=300))  # ready (the model loads on the first call)
            t0 = time.monotonic()
            for i, frame in enumerate(frames):
                ws.send(frame)
                delay = t0 + (i + 1) * 0.02 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            ws.send(json.dumps({"type": "end"}))
            for _ in ws:
                pass
        listener.join(timeout=120)
    return got, t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from openpsap.auth import service as auth_service
    from openpsap.db import Database
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.speech.phone import SHIPPED, mulaw_frames

    calls = sorted(SHIPPED.glob("*.wav"))
    first, onset, every, final = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        url = migrated_sqlite_with_dispatcher(Path(tmp))
        db = Database(url)
        with CommandRunner(db).unit_of_work(actor="bench") as uow:
            auth_service.add_user(uow, username="ct", password=PASSWORD, roles=["call_taker"])
        db.dispose()
        with live_server(url, env={"OPENPSAP_SPEECH_LIVE_MODEL": args.model}) as base:
            token = httpx.post(f"{base}/auth/login", json={"username": "ct", "password": PASSWORD}).json()["token"]
            head = {"Authorization": f"Bearer {token}"}
            started = time.monotonic()
            _one_call(base, head, mulaw_frames(calls[0])[:50])  # warm-up: loads the model
            load_s = time.monotonic() - started
            audio_s = 0.0
            for _ in range(args.rounds):
                for path in calls:
                    frames = mulaw_frames(path)
                    audio_s += len(frames) * 0.02
                    got, t0 = _one_call(base, head, frames)
                    seen: set[float] = set()
                    for at, m in got:
                        if m.get("type") not in ("partial", "final"):
                            continue
                        lag = at - (t0 + m["end_s"])
                        every.append(lag)
                        if m["type"] == "final":
                            final.append(lag)
                        if m["start_s"] not in seen:
                            seen.add(m["start_s"])
                            first.append(lag)
                            onset.append(at - (t0 + m["start_s"]))
    print(json.dumps({
        "bench": "speech_live", "model": args.model, "calls": len(calls) * args.rounds, "audio_s": round(audio_s, 1),
        "first_words_s": _percentiles(first),
        "first_words_from_speech_start_s": _percentiles(onset), "all_text_s": _percentiles(every), "final_s": _percentiles(final),
        "model_load_and_first_call_s": round(load_s, 2), "cpus": os.cpu_count(), "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()

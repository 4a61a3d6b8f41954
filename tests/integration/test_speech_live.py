"""Live call audio over WebSocket with a fake speech model (fast): the protocol, the events written, triage on each
final segment, and every kind of bad input closed with its code, nothing half-written, the server unharmed."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from openpsap.speech.live import mulaw_encode
from openpsap.speech.transcriber import Segment, Transcript
from tests.conftest import Api

WORDS = ["my grandfather collapsed", "he is not breathing", "please hurry"]


class ScriptedTranscriber:
    """Says the next scripted words for each final stretch (a partial, shorter, says the first word to come)."""

    model = "fake@00000000"

    def __init__(self) -> None:
        self.finals = 0
        self.lock = threading.Lock()

    def transcribe(self, audio: Any) -> Transcript:
        with self.lock:
            words = WORDS[self.finals % len(WORDS)]
            if audio.duration_s >= _Speech.seconds + 0.3:  # a whole stretch (with the quiet after it): words used up
                self.finals += 1
            else:
                words = words.split()[0]
        return Transcript(words, [Segment(0.0, audio.duration_s, words)], audio.duration_s, "en", self.model, None)


class _Speech:
    seconds = 1.2  # each stretch of "speech" (a tone), then 0.8 s of quiet


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def _audio(stretches: int, rate: int = 8000) -> np.ndarray:
    quiet = np.zeros(int(0.8 * rate), np.float32)
    return np.concatenate([np.concatenate([_tone(_Speech.seconds, rate), quiet]) for _ in range(stretches)])


def _frames(samples: np.ndarray, fmt: str) -> list[bytes]:
    if fmt == "mulaw-8k":
        data, size = mulaw_encode(samples), 160
    else:
        data, size = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes(), 640
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.fixture
def live(sqlite_api: Api) -> Api:
    sqlite_api.client.app.state.speech_transcriber = ScriptedTranscriber()
    sqlite_api.client.app.state.speech_pace_factor = 1e6  # the audio is sent at once (the pace test sets 2)
    return sqlite_api


def _call(api: Api) -> str:
    r = api.post("call_taker", "/calls", {"caller_number": "555-0100", "location": {"lat": 37.78, "lon": -122.41}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _kinds(api: Api, call_id: str) -> list[str]:
    events = api.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
    return [e["kind"] for e in events if e["subject_id"] == call_id]


def _until_closed(ws: Any) -> tuple[list[dict], int]:
    seen: list[dict] = []
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            seen.append(ws.receive_json())
    return seen, closed.value.code


@pytest.mark.parametrize("fmt", ["mulaw-8k", "pcm16-16k"])
def test_final_segments_become_events_narrative_and_triage(live: Api, fmt: str) -> None:
    call_id = _call(live)
    rate = 8000 if fmt == "mulaw-8k" else 16000
    url = f"/api/v1/calls/{call_id}/audio?format={fmt}"
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/transcript", headers=live.as_("dispatcher")) as panel:
        assert panel.receive_json()["type"] == "listening"
        with live.client.websocket_connect(url, headers=live.as_("call_taker")) as ws:
            assert ws.receive_json()["type"] == "ready"
            for frame in _frames(_audio(2, rate), fmt):
                ws.send_bytes(frame)
            ws.send_json({"type": "end"})
            said, code = _until_closed(ws)
        assert code == 1000, said
        heard = [panel.receive_json()]  # what the console's call panel is sent
        while heard[-1]["type"] != "audio-ended":
            heard.append(panel.receive_json())
    assert code == 1000
    finals = [m for m in said if m["type"] == "final"]
    assert [f["text"] for f in finals] == WORDS[:2], said
    assert said[-1] == {"type": "done", "segments": 2, "audio_s": 4.0}
    assert 0.0 <= finals[0]["start_s"] < 0.1 and 1.1 < finals[0]["end_s"] < 1.5, finals[0]
    assert 1.7 < finals[1]["start_s"] < 2.1, finals[1]  # with 0.2 s before the voice
    assert finals[1]["triage"]["urgency"] == "High", finals[1]["triage"]
    assert [m["type"] for m in heard if m["type"] != "partial"][:2] == ["final", "final"]
    call = live.get("call_taker", f"/calls/{call_id}").json()
    assert call["narrative"] == "my grandfather collapsed he is not breathing"
    kinds = _kinds(live, call_id)
    assert kinds.count("transcript-segment") == 2 and kinds.count("triage-suggested") == 2
    segment = next(e for e in live.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
                   if e["kind"] == "transcript-segment")
    assert segment["data"]["model"] == "fake@00000000" and segment["data"]["text"] == WORDS[0]


def test_the_transcript_is_private_like_the_narrative(live: Api) -> None:
    call_id = _call(live)
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/audio?format=mulaw-8k", headers=live.as_("call_taker")) as ws:
        ws.receive_json()
        for frame in _frames(_audio(1), "mulaw-8k"):
            ws.send_bytes(frame)
        ws.send_json({"type": "end"})
        _until_closed(ws)
    for role, shown in (("analyst", "[private]"), ("supervisor", WORDS[0])):
        events = live.get(role, "/events", params={"after": 0, "limit": 5000}).json()["events"]
        assert [e["data"]["text"] for e in events if e["kind"] == "transcript-segment"] == [shown]


def test_partials_reach_the_panel_but_are_never_stored(live: Api) -> None:
    call_id = _call(live)
    long_speech = np.concatenate([_tone(2.5, 8000), np.zeros(6400, np.float32)])
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/audio?format=mulaw-8k", headers=live.as_("call_taker")) as ws:
        ws.receive_json()
        for frame in _frames(long_speech, "mulaw-8k"):
            ws.send_bytes(frame)
        ws.send_json({"type": "end"})
        said, _ = _until_closed(ws)
    assert any(m["type"] == "partial" for m in said), said
    events = live.get("supervisor", "/events", params={"after": 0, "limit": 5000}).json()["events"]
    stored = [e["data"]["text"] for e in events if e["kind"] == "transcript-segment"]
    assert len(stored) == 1, said  # the partial is not in the log


def test_the_format_can_be_said_in_a_first_message(live: Api) -> None:
    call_id = _call(live)
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/audio", headers=live.as_("supervisor")) as ws:
        ws.send_json({"format": "pcm16-16k"})
        assert ws.receive_json()["format"] == "pcm16-16k"
        ws.send_json({"type": "end"})
        said, code = _until_closed(ws)
    assert code == 1000 and said == [{"type": "done", "segments": 0, "audio_s": 0.0}]


def _refused(api: Api, url: str, role: str = "call_taker", send: Any = None) -> tuple[dict | None, int]:
    with api.client.websocket_connect(url, headers=api.as_(role) if role else {}) as ws:
        if send is not None:
            first = ws.receive_json()
            assert first["type"] == "ready", first
            send(ws)
        said, code = _until_closed(ws)
    return (said[-1] if said else None), code


@pytest.mark.parametrize("role,code", [("", 4401), ("dispatcher", 4403), ("analyst", 4403), ("field_unit", 4403)])
def test_only_call_takers_and_supervisors_may_send_audio(live: Api, role: str, code: int) -> None:
    call_id = _call(live)
    message, got = _refused(live, f"/api/v1/calls/{call_id}/audio?format=mulaw-8k", role)
    assert got == code and message is not None and message["error"] in ("unauthorized", "forbidden")


@pytest.mark.parametrize("role,code", [("analyst", 4403), ("admin", 4403), ("", 4401)])
def test_the_live_transcript_is_for_the_call_handling_roles(live: Api, role: str, code: int) -> None:
    call_id = _call(live)
    _, got = _refused(live, f"/api/v1/calls/{call_id}/transcript", role)
    assert got == code


def test_unknown_and_ended_calls_and_bad_formats_are_refused(live: Api) -> None:
    _, code = _refused(live, "/api/v1/calls/nope/audio?format=mulaw-8k")
    assert code == 4404
    call_id = _call(live)
    message, code = _refused(live, f"/api/v1/calls/{call_id}/audio?format=mp3")
    assert code == 4422 and "mulaw-8k" in message["message"]
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/audio", headers=live.as_("call_taker")) as ws:
        ws.send_bytes(b"\x00" * 160)  # audio before the format was said
        said, code = _until_closed(ws)
    assert code == 4422 and "format" in said[-1]["message"]
    assert live.post("call_taker", f"/calls/{call_id}/end").status_code == 200
    message, code = _refused(live, f"/api/v1/calls/{call_id}/audio?format=mulaw-8k")
    assert code == 4409 and "ended" in message["message"]


@pytest.mark.parametrize("what,data,code", [
    ("half a sample", b"\x01" * 161, 4422),
    ("empty", b"", 4422),
    ("over one second", b"\x01" * 40_000, 1009),
])
def test_garbage_and_oversized_messages_close_the_socket_and_write_nothing(live: Api, what: str, data: bytes,
                                                                           code: int) -> None:
    call_id = _call(live)
    before = _kinds(live, call_id)
    message, got = _refused(live, f"/api/v1/calls/{call_id}/audio?format=pcm16-16k", send=lambda ws: ws.send_bytes(data))
    assert got == code, what
    assert message is not None and message["message"], what
    assert _kinds(live, call_id) == before
    assert live.get("call_taker", f"/calls/{call_id}").status_code == 200  # the server goes on


def test_a_text_message_that_is_not_end_is_refused(live: Api) -> None:
    call_id = _call(live)
    message, code = _refused(live, f"/api/v1/calls/{call_id}/audio?format=mulaw-8k",
                             send=lambda ws: ws.send_text("hello"))
    assert code == 4422 and "binary" in message["message"]


def test_audio_poured_in_faster_than_twice_real_time_is_refused(live: Api) -> None:
    live.client.app.state.speech_pace_factor = 2.0
    call_id = _call(live)

    def pour(ws: Any) -> None:
        for frame in _frames(_tone(10.0, 8000), "mulaw-8k"):
            ws.send_bytes(frame)

    message, code = _refused(live, f"/api/v1/calls/{call_id}/audio?format=mulaw-8k", send=pour)
    assert code == 4429 and "real time" in message["message"]
    assert "transcript-segment" not in _kinds(live, call_id)


def test_a_call_ended_mid_stream_closes_the_audio_and_writes_nothing_more(live: Api) -> None:
    call_id = _call(live)
    with live.client.websocket_connect(f"/api/v1/calls/{call_id}/audio?format=mulaw-8k", headers=live.as_("call_taker")) as ws:
        ws.receive_json()
        for frame in _frames(_audio(1), "mulaw-8k"):
            ws.send_bytes(frame)
        assert ws.receive_json()["type"] in ("partial", "final")
        while (m := ws.receive_json())["type"] != "final":
            pass
        assert live.post("call_taker", f"/calls/{call_id}/end").status_code == 200
        for frame in _frames(_tone(1.0, 8000), "mulaw-8k"):
            ws.send_bytes(frame)
        ws.send_json({"type": "end"})
        said, code = _until_closed(ws)
    assert code == 4409 and "ended" in said[-1]["message"]
    assert _kinds(live, call_id).count("transcript-segment") == 1
    assert _kinds(live, call_id)[-1] == "call-ended"

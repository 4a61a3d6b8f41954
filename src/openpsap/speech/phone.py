"""`openpsap phone play FILE.wav`: a phone simulator for the demo and the tests. It rings a call on a running
server (POST /calls, as a phone gateway would), then streams the recording over WS /calls/{id}/audio in real
time, 20 ms frames of 8 kHz mu-law, and prints the partial and final text the server sends back.

A bare name (child.wav, cardiac.wav, fire.wav) is one of the synthetic recordings shipped in openpsap/data/calls.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(help="A phone simulator: ring a call on a running server and play a recording into it.",
                  no_args_is_help=True)
console = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "calls"
FRAME = 160  # 20 ms of 8 kHz mu-law


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code=code)


def _point(value: str | None) -> dict[str, float] | None:
    if value is None:
        return None
    try:
        lat, lon = (float(x) for x in value.split(","))
    except ValueError:
        raise _fail(f"--point must be LAT,LON (e.g. 37.7793,-122.4193), not {value!r}", 2) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _fail(f"--point {value!r} is not on Earth", 2)
    return {"lat": lat, "lon": lon}


def mulaw_frames(path: Path, max_seconds: float = 600) -> list[bytes]:
    """The recording as 20 ms frames of 8 kHz mu-law (any audio file FFmpeg reads), or AudioError."""
    from scipy.signal import resample_poly

    from openpsap.speech.audio import decode
    from openpsap.speech.live import mulaw_encode

    audio = decode(path, max_seconds=max_seconds)
    data = mulaw_encode(resample_poly(audio.samples, 1, 2))
    return [data[i:i + FRAME] for i in range(0, len(data), FRAME)]


@app.command("play")
def play(
    file: Annotated[Path, typer.Argument(help="A recording (WAV or any audio file); a bare name such as child.wav "
                                              "is a shipped synthetic call.", show_default=False)],
    number: Annotated[str, typer.Option("--number", help="The caller's number.")] = "555-0199",
    point: Annotated[str | None, typer.Option("--point", help="Where the caller is: LAT,LON.")] = None,
    server: Annotated[str, typer.Option("--server", help="The openpsap server.")] = "http://127.0.0.1:8911",
    user: Annotated[str, typer.Option("--user", help="A call-taker's (or supervisor's) user name.")] = "calltaker",
    password: Annotated[str, typer.Option("--password", envvar="OPENPSAP_PASSWORD",
                                          help="Its password (or OPENPSAP_PASSWORD).")] = "",
    speed: Annotated[float, typer.Option("--speed", min=0.5, max=2.0, help="Play faster or slower than real "
                                                                           "time (the server refuses over 2x).")] = 1.0,
) -> None:
    """Ring a call and play FILE into it in real time; print what the server transcribes."""
    import httpx

    from openpsap.speech.audio import AudioError

    location = _point(point)
    path = file if file.exists() or file.parent != Path(".") else SHIPPED / file.name
    try:
        frames = mulaw_frames(path)
    except AudioError as exc:
        raise _fail(f"{file}: {exc}") from None
    base = server.rstrip("/")
    try:
        with httpx.Client(base_url=f"{base}/api/v1", timeout=10) as http:
            r = http.post("/auth/login", json={"username": user, "password": password})
            if r.status_code != 200:
                raise _fail(f"login as {user} refused ({r.status_code}): {_said(r)}")
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
            body: dict[str, Any] = {"caller_number": number}
            if location:
                body["location"] = location
            r = http.post("/calls", json=body, headers=headers)
            if r.status_code != 201:
                raise _fail(f"the call was not created ({r.status_code}): {_said(r)}")
            call_id = r.json()["id"]
    except httpx.HTTPError as exc:
        raise _fail(f"cannot reach {base}: {exc}") from None
    console.print(f"ringing call [bold]{call_id}[/bold] from {escape(number)}: "
                  f"{len(frames) * 0.02:.1f} s of audio ({escape(path.name)})")
    code = _stream(base, headers, call_id, frames, speed)
    raise typer.Exit(code=code)


def _said(r: Any) -> str:
    try:
        return str(r.json().get("message") or r.text)[:300]
    except ValueError:
        return r.text[:300]


def _stream(base: str, headers: dict[str, str], call_id: str, frames: list[bytes], speed: float) -> int:
    from websockets.exceptions import ConnectionClosed, WebSocketException
    from websockets.sync.client import connect

    url = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    url = f"{url}/api/v1/calls/{call_id}/audio?format=mulaw-8k"
    try:
        with connect(url, additional_headers=headers, open_timeout=10, close_timeout=70) as ws:
            _show(json.loads(ws.recv(timeout=120)))  # the model may load first
            start = time.monotonic()
            for i, frame in enumerate(frames):
                ws.send(frame)
                while True:  # print what came back, without waiting for it
                    try:
                        _show(json.loads(ws.recv(timeout=0)))
                    except TimeoutError:
                        break
                delay = start + (i + 1) * 0.02 / speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            ws.send(json.dumps({"type": "end"}))
            for message in ws:
                _show(json.loads(message))
    except ConnectionClosed as closed:
        if closed.rcvd is not None and closed.rcvd.code != 1000:
            err.print(f"[red]error:[/red] closed with {closed.rcvd.code}: {escape(closed.rcvd.reason or '')}")
            return 1
    except (OSError, WebSocketException) as exc:
        err.print(f"[red]error:[/red] audio socket: {escape(str(exc))}")
        return 1
    return 0


def _show(message: dict[str, Any]) -> None:
    kind = message.get("type")
    if "error" in message:
        err.print(f"[red]{escape(message['error'])}:[/red] {escape(message.get('message', ''))}")
    elif kind == "partial":
        console.print(f"[dim]  ... {escape(message['text'])}[/dim]")
    elif kind == "final":
        triage = message.get("triage") or {}
        console.print(f"[bold]{message['start_s']:6.1f}s[/bold] {escape(message['text'])}  "
                      f"[yellow]triage: {escape(str(triage.get('urgency')))} {escape(str(triage.get('incident_type')))}"
                      "[/yellow]")
    elif kind == "done":
        console.print(f"done: {message['segments']} segments, {message['audio_s']} s of audio")
    elif kind == "ready":
        console.print(f"streaming ({escape(str(message.get('model')))})")

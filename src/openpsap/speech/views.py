"""Live call audio over WebSocket, transcribed on this machine as the caller speaks.

WS /api/v1/calls/{id}/audio (call_taker, supervisor: a phone gateway logs in as one): the gateway says the format
(`?format=mulaw-8k|pcm16-16k`, or a first text message `{"format": ...}`), then sends binary audio messages (20 ms
frames; at most 1 s a message), and `{"type": "end"}` when the call audio ends (closing the socket does the same).
The server answers `{"type": "ready"}`, `{"type": "partial", "text"}` about once a second while the caller speaks
(never stored) and `{"type": "final", ...}` for each stretch of speech, which is one transaction: a
`transcript-segment` event, the words added to the narrative, triage run again and its suggestion recorded.

WS /api/v1/calls/{id}/transcript (call_taker, dispatcher, supervisor): the console's call panel listens here for
the partials and finals of a call as they come.

Close codes: 4401 no or bad login, 4403 role or foreign page, 4404 no such call, 4409 the call has ended,
4422 bad format or not audio, 4429 audio faster than twice real time, 1009 a message over 1 s of audio,
4413 more audio than speech_max_seconds, 4503 the speech model is not installed. Each with a JSON message first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import bearer_or_cookie, principal_for
from openpsap.api.events import same_origin
from openpsap.auth.roles import Role as R
from openpsap.auth.service import Principal
from openpsap.errors import CADError, Forbidden, InvalidTransition, NotFound
from openpsap.speech.engine import Engine, engine_for
from openpsap.speech.hub import hub_for
from openpsap.speech.live import FORMATS, FrameError, Pace, Segmenter, Stretch, decode_frame, to_model_rate
from openpsap.speech.models import ModelUnavailable
from openpsap.speech.record import check_live, record_segment

log = logging.getLogger(__name__)
router = APIRouter(tags=["speech"])
SENDERS = frozenset({R.call_taker.value, R.supervisor.value})
LISTENERS = frozenset({R.call_taker.value, R.dispatcher.value, R.supervisor.value})
STATUS_EVERY_S = 2.0  # how often a live stream looks whether its call has ended
DRAIN_S = 60.0  # at the end, how long the last stretches may take to transcribe


class Refused(Exception):
    def __init__(self, code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.code, self.error, self.message = code, error, message


async def _login(websocket: WebSocket, roles: frozenset[str], what: str) -> Principal:
    app = websocket.app
    try:
        token, via_cookie = bearer_or_cookie(websocket.headers, websocket.cookies)
        if via_cookie and not same_origin(websocket.headers, app.state.settings.allowed_origins):
            raise Forbidden("a console session may open this socket only from this server's own pages")
        principal = await run_in_threadpool(principal_for, app, token, via_cookie)
    except CADError as exc:
        raise Refused(4403 if isinstance(exc, Forbidden) else 4401, exc.to_json()["error"], str(exc)) from None
    if not principal.roles & roles:
        raise Refused(4403, "forbidden", f"this role may not {what}; it needs one of: {', '.join(sorted(roles))}")
    return principal


def _check_call(app: Any, call_id: str) -> None:
    with app.state.db.read() as session:
        check_live(session, call_id=call_id)


async def _call_checked(app: Any, call_id: str) -> None:
    try:
        await run_in_threadpool(_check_call, app, call_id)
    except NotFound:
        raise Refused(4404, "not_found", f"no call {call_id[:64]}") from None
    except InvalidTransition as exc:
        raise Refused(4409, "conflict", str(exc)) from None


async def _refuse(websocket: WebSocket, refused: Refused) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"error": refused.error, "message": refused.message, "details": {}})
        await websocket.close(code=refused.code)


@router.websocket("/calls/{call_id}/audio")
async def call_audio(websocket: WebSocket, call_id: str, format: str | None = None) -> None:  # noqa: A002
    """Roles: call_taker, supervisor. Live call audio in; partial and final text out (see the module text)."""
    await websocket.accept()
    app = websocket.app
    try:
        principal = await _login(websocket, SENDERS, "send call audio")
        await _call_checked(app, call_id)
        fmt = await _format(websocket, format)
        try:
            engine = await run_in_threadpool(engine_for, app)
        except ModelUnavailable as exc:
            raise Refused(4503, "unavailable", f"speech to text is not available: {exc}") from None
        live = _Live(websocket, engine, principal.username, call_id, fmt.rate)
        await websocket.send_json({"type": "ready", "call_id": call_id, "format": fmt.name,
                                   "model": getattr(engine.transcriber, "model", "")})
        await live.run(fmt)
    except Refused as refused:
        await _refuse(websocket, refused)
    except WebSocketDisconnect:
        pass


async def _format(websocket: WebSocket, asked: str | None):  # noqa: ANN202
    if asked is None:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect()
        try:
            asked = json.loads(message.get("text") or "")["format"]
        except (ValueError, TypeError, KeyError):
            raise Refused(4422, "invalid_input", 'say the audio format first: ?format=mulaw-8k or pcm16-16k, or a '
                                                 'first text message {"format": "mulaw-8k"}') from None
    if asked not in FORMATS:
        raise Refused(4422, "invalid_input", f"unknown audio format {str(asked)[:32]!r}: use {' or '.join(FORMATS)}")
    return FORMATS[asked]


class _Live:
    """One call's audio: the receiving loop (this task) and the stretches transcribed in order (a worker task)."""

    def __init__(self, websocket: WebSocket, engine: Engine, actor: str, call_id: str, rate: int) -> None:
        self.ws, self.engine, self.actor, self.call_id, self.rate = websocket, engine, actor, call_id, rate
        self.app = websocket.app
        self.hub = hub_for(self.app)
        self.queue: asyncio.Queue[Stretch | None] = asyncio.Queue()
        self.failed: asyncio.Future[Refused] = asyncio.get_running_loop().create_future()
        self.partial_pending = False
        self.finals = 0

    async def run(self, fmt) -> None:  # noqa: ANN001
        segmenter = Segmenter(self.rate)
        pace = Pace(factor=getattr(self.app.state, "speech_pace_factor", 2.0))  # tests may play faster
        limit_s = self.app.state.settings.speech_max_seconds
        worker = asyncio.ensure_future(self._work())
        checked = time.monotonic()
        try:
            while True:
                receive = asyncio.ensure_future(self.ws.receive())
                pending: set[asyncio.Future[Any]] = {receive, self.failed}
                await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if self.failed.done():
                    receive.cancel()
                    raise self.failed.result()
                message = receive.result()
                if message["type"] == "websocket.disconnect":
                    await self._finish(segmenter, worker, answer=False)
                    return
                if message.get("bytes") is None:
                    if _is_end(message.get("text")):
                        await self._finish(segmenter, worker, answer=True)
                        return
                    raise Refused(4422, "invalid_input", 'a text message must be {"type": "end"}; audio is sent '
                                                         "as binary messages")
                try:
                    samples = decode_frame(fmt, message["bytes"])
                except FrameError as exc:
                    big = len(message["bytes"]) > fmt.max_message_bytes
                    raise Refused(1009 if big else 4422, "invalid_input", str(exc)) from None
                if pace.too_fast(segmenter.received_s + len(samples) / self.rate, time.monotonic()):
                    raise Refused(4429, "too_many_requests", f"audio is arriving faster than {pace.factor:g} x real "
                                                             "time: send it as the call happens (20 ms a frame)")
                if segmenter.received_s > limit_s:
                    raise Refused(4413, "invalid_input", f"more than {limit_s:g} s of audio on one socket "
                                                         "(speech_max_seconds)")
                for stretch in segmenter.feed(samples):
                    self._due(stretch)
                if time.monotonic() - checked >= STATUS_EVERY_S:
                    checked = time.monotonic()
                    await _call_checked(self.app, self.call_id)
        finally:
            worker.cancel()
            with contextlib.suppress(BaseException):
                await worker

    def _due(self, stretch: Stretch) -> None:
        if stretch.final:
            self.queue.put_nowait(stretch)
        elif not self.partial_pending and not self.engine.busy:  # a partial never waits behind other speech
            self.partial_pending = True
            self.queue.put_nowait(stretch)

    async def _finish(self, segmenter: Segmenter, worker: asyncio.Future[None], *, answer: bool) -> None:
        last = segmenter.flush()
        if last is not None:
            self.queue.put_nowait(last)
        self.queue.put_nowait(None)
        pending: set[asyncio.Future[Any]] = {worker, self.failed}
        await asyncio.wait(pending, timeout=DRAIN_S, return_when=asyncio.FIRST_COMPLETED)
        if self.failed.done():
            raise self.failed.result()
        self.hub.publish(self.call_id, {"type": "audio-ended", "call_id": self.call_id})
        if answer:
            await self.ws.send_json({"type": "done", "segments": self.finals, "audio_s": round(segmenter.received_s, 2)})
            await self.ws.close(code=1000)

    async def _work(self) -> None:
        while (stretch := await self.queue.get()) is not None:
            try:
                await self._one(stretch)
            except Refused as refused:
                if not self.failed.done():
                    self.failed.set_result(refused)
                return
            except Exception:  # the engine's own failure: said, and the socket closed; the server goes on
                log.exception("live transcription failed on call %s", self.call_id)
                if not self.failed.done():
                    self.failed.set_result(Refused(1011, "internal", "speech to text failed on this audio"))
                return

    async def _one(self, stretch: Stretch) -> None:
        samples = await asyncio.get_running_loop().run_in_executor(None, to_model_rate, stretch.samples, self.rate)
        if not stretch.final:
            try:
                transcript = await self.engine.transcribe(samples)
            finally:
                self.partial_pending = False
            if transcript.text.strip():
                await self._say({"type": "partial", "call_id": self.call_id, "text": transcript.text.strip(),
                                 "start_s": stretch.start_s, "end_s": stretch.end_s})
            return
        transcript = await self.engine.transcribe(samples)
        if not transcript.text.strip():
            return
        scale = self.app.state.priority_scale

        def write(uow):  # noqa: ANN001, ANN202
            return record_segment(uow, call_id=self.call_id, transcript=transcript, start_s=stretch.start_s,
                                  end_s=stretch.end_s, scale=scale)

        try:
            final, _ = await run_in_threadpool(self.app.state.runner.run, write, actor=self.actor)
        except NotFound:
            raise Refused(4404, "not_found", f"no call {self.call_id[:64]}") from None
        except InvalidTransition as exc:
            raise Refused(4409, "conflict", str(exc)) from None
        self.finals += 1
        await self._say(final)

    async def _say(self, message: dict[str, Any]) -> None:
        self.hub.publish(self.call_id, message)
        with contextlib.suppress(Exception):  # the gateway may have gone: the record is written all the same
            await self.ws.send_json(message)


def _is_end(text: str | None) -> bool:
    try:
        return json.loads(text or "") == {"type": "end"}
    except ValueError:
        return False


@router.websocket("/calls/{call_id}/transcript")
async def call_transcript(websocket: WebSocket, call_id: str) -> None:
    """Roles: call_taker, dispatcher, supervisor. The live transcript of a call: `listening` once, then the partial
    and final messages as they come, and `audio-ended` when the call's audio stops."""
    await websocket.accept()
    app = websocket.app
    try:
        await _login(websocket, LISTENERS, "read the live transcript")
        with contextlib.suppress(InvalidTransition):  # an ended call has nothing more to say, but may be opened
            await _call_checked(app, call_id)
    except Refused as refused:
        await _refuse(websocket, refused)
        return
    hub = hub_for(app)
    listener = hub.listen(call_id)
    queue = listener[1]
    closed = asyncio.ensure_future(_until_disconnect(websocket))
    with contextlib.suppress(Exception):
        await websocket.send_json({"type": "listening", "call_id": call_id})
    try:
        while not closed.done():
            got = asyncio.ensure_future(queue.get())
            await asyncio.wait({got, closed}, return_when=asyncio.FIRST_COMPLETED)
            if not got.done():
                got.cancel()
                break
            await websocket.send_json(got.result())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.leave(call_id, listener)
        closed.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await closed


async def _until_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            if (await websocket.receive())["type"] == "websocket.disconnect":
                return

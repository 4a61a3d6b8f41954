"""The event log over HTTP: GET /events?after=SEQ, and the live WebSocket /stream?after=SEQ.

The stream first replays every event after SEQ in order, then sends new ones as they commit.
A client that reconnects with the last seq it saw misses nothing and sees nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import PRINCIPAL_CACHE_SECONDS, CurrentPrincipal, Reader, allowed, bearer_or_cookie, principal_for
from openpsap.auth.roles import Role as R
from openpsap.errors import CADError, Forbidden
from openpsap.dispatching.service import unit_incidents
from openpsap.eventlog import privacy
from openpsap.eventlog import service as eventlog
from openpsap.units import avl
from openpsap.units.field_scope import FieldScope

router = APIRouter(tags=["events"])
READERS = frozenset({R.call_taker, R.dispatcher, R.supervisor, R.analyst, R.admin})
# a field unit streams too, but sees only its own unit and the incidents it is assigned to (units/field_scope.py)
STREAM_READERS = READERS | {R.field_unit}
MAX_FIXES = 1000  # AVL fixes read per loop; only each unit's latest is sent
BATCH = 500
MAX_SEQ = 2**63 - 1  # event seq is a 64-bit integer on both databases


@router.get("/events", **allowed(*READERS))
def list_events(database: Reader, principal: CurrentPrincipal, after: int = Query(0, ge=0, le=MAX_SEQ),
                limit: int = Query(500, ge=1, le=5000)):
    """The log in order. Analysts and admins get caller numbers, the callers' words and care notes as "[private]"."""
    with database.read() as db:
        events = eventlog.after(db, seq=after, limit=limit)
        return {"events": [privacy.for_roles(eventlog.to_json(e), principal.roles) for e in events],
                "last_seq": events[-1].seq if events else after}


def same_origin(headers, allowed: list[str] | tuple[str, ...] = ()) -> bool:  # noqa: ANN001
    """A browser sends Origin on a WebSocket; a page of another site must not ride the console's cookie
    (cross-site WebSocket hijacking). No Origin (not a browser) is allowed: it cannot carry a foreign cookie."""
    origin = headers.get("origin")
    if not origin or origin.rstrip("/").lower() in {a.rstrip("/").lower() for a in allowed}:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/").lower() == host.lower()


def _read_batch(app, after: int) -> list[dict]:  # noqa: ANN001
    with app.state.db.read() as session:
        return [eventlog.to_json(e) for e in eventlog.after(session, seq=after, limit=BATCH)]


def _read_fixes(app, after_id: int, unit_id: str | None) -> tuple[list[dict], int]:  # noqa: ANN001
    """The latest new AVL fix of each unit (of `unit_id` only, for a field unit) and the last fix id read."""
    with app.state.db.read() as session:
        fixes = avl.fixes_after(session, after_id=after_id, unit_id=unit_id, limit=MAX_FIXES)
        latest = {f.unit_id: avl.as_json(f) for f in fixes}
        return list(latest.values()), (fixes[-1].id if fixes else after_id)


def _start(app, unit_id: str | None) -> tuple[FieldScope | None, int]:  # noqa: ANN001
    grace = timedelta(minutes=app.state.settings.unit_incident_grace_minutes)
    with app.state.db.read() as session:
        scope = None
        if unit_id is not None:
            scope = FieldScope(unit_id, set(unit_incidents(session, unit_id=unit_id, now=app.state.clock.now(), grace=grace)),
                               live_from=eventlog.last_seq(session))
        return scope, avl.last_fix_id(session)


@router.websocket("/stream")
async def stream(websocket: WebSocket, after: int = 0):
    """Roles: call_taker, dispatcher, supervisor, analyst, admin, and field_unit (its own unit and the incidents it
    is assigned to only). Token in the Authorization header or the session cookie (never in the URL). Closes with
    4401 (no/bad login), 4403 (role) or 4422 (bad after). Besides the log's events (each with its seq), AVL
    positions arrive as `{"kind": "unit-position", ...}` messages without a seq (they are not in the log), and a field
    unit's stream says how far it has read past events it may not see with `{"kind": "stream-at", "at_seq": N}`."""
    app = websocket.app
    await websocket.accept()
    try:
        token, via_cookie = bearer_or_cookie(websocket.headers, websocket.cookies)
        if via_cookie and not same_origin(websocket.headers, app.state.settings.allowed_origins):
            raise Forbidden("a console session may open the stream only from this server's own pages (Origin differs)")
        principal = await run_in_threadpool(principal_for, app, token, via_cookie)
    except CADError as exc:
        await websocket.send_json(exc.to_json())
        await websocket.close(code=4403 if isinstance(exc, Forbidden) else 4401)
        return
    field_unit = not principal.roles & READERS
    if not principal.roles & STREAM_READERS or (field_unit and not principal.unit_id):
        said = "this user crews no unit" if principal.roles & STREAM_READERS else "this role may not read the event stream"
        await websocket.send_json({"error": "forbidden", "message": said, "details": {}})
        await websocket.close(code=4403)
        return
    if not 0 <= after <= MAX_SEQ:
        await websocket.close(code=4422)
        return
    bus = app.state.bus
    waiter = bus.subscribe()
    closed = asyncio.ensure_future(_until_disconnect(websocket))
    last = after
    scope, fix_last = await run_in_threadpool(_start, app, principal.unit_id if field_unit else None)
    checked = time.monotonic()
    try:
        while not closed.done():
            if time.monotonic() - checked >= PRINCIPAL_CACHE_SECONDS:  # a revoked token or disabled user: closed
                checked = time.monotonic()
                try:
                    await run_in_threadpool(principal_for, app, token, via_cookie)
                except CADError as exc:
                    await websocket.send_json(exc.to_json())
                    await websocket.close(code=4401)
                    return
            waiter.clear()
            batch = await run_in_threadpool(_read_batch, app, last)
            shown = [privacy.for_roles(e, principal.roles) for e in batch] if scope is None else scope.admit(batch)
            for event in shown:
                await websocket.send_json(event)
            if batch:
                last = batch[-1]["seq"]
                if len(shown) < len(batch):  # a field unit: say how far the log was read past what it may see
                    await websocket.send_json({"kind": "stream-at", "at_seq": last})
            fixes, fix_last = await run_in_threadpool(_read_fixes, app, fix_last, scope.unit_id if scope else None)
            for fix in fixes:
                await websocket.send_json(fix)
            if len(batch) == BATCH:
                continue
            wake = asyncio.ensure_future(waiter.wait())
            await asyncio.wait({wake, closed}, timeout=app.state.settings.stream_poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            wake.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        bus.unsubscribe(waiter)
        closed.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):  # a close by the server cancels the reader
            await closed


async def _until_disconnect(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return

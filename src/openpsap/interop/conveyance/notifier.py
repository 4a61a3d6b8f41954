"""The NENA-STA-024 notifier: the WebSocket a neighbouring centre subscribes on (`/IncidentData/ent`).

One connection holds any number of subscriptions (up to MAX_SUBSCRIPTIONS): to one incident by its EIDO $id
(single) or to every incident opened from then on (new). Each change to a subscribed incident is notified with the
incident's whole current EIDO, no sooner than maxRate seconds after the last notification (changes meanwhile are
sent together) and, when minRate is set, at least every minRate seconds. A subscription ends when unsubscribed or
when it expires (the notifier sends `terminate`); the subscriber renews it by subscribing with its subscriptionId.

Subscriptions are recorded in the log, so a subscriber that reconnects (after its own restart or this server's)
renews with the same subscriptionId and is sent every incident that changed since its last acknowledged
notification (since the subscription began, after a restart of this server): at least once, never lost. An import
of the same EIDO twice changes nothing, so a repeated notification is harmless.

Bounded: a subscriber whose messages back up (OUTBOX messages queued, a send blocked for SEND_TIMEOUT_S, or
MAX_UNACKED notifications unanswered) is dropped (close 4408); the server and other subscribers are unaffected.
Authenticated with a bearer token of a user with the neighbour_centre role (4401 / 4403 otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import PRINCIPAL_CACHE_SECONDS, bearer_or_cookie, principal_for
from openpsap.auth.roles import Role
from openpsap.auth.service import Principal
from openpsap.clock import iso
from openpsap.errors import CADError, Forbidden, InvalidInput, Unauthorized
from openpsap.interop import importing, roads
from openpsap.interop.conveyance import protocol as p, scope
from openpsap.interop.conveyance.events import EidoSubscriptionEnded, EidoSubscriptionRenewed, EidoSubscriptionStarted
from openpsap.interop.ids import Identity

log = logging.getLogger(__name__)
ROLES = frozenset({Role.neighbour_centre.value})
OUTBOX = 256  # messages queued for one subscriber
SEND_TIMEOUT_S = 10.0
MAX_UNACKED = 64
MAX_SUBSCRIPTIONS = 100  # per connection
MAX_EIDOS_PER_EVENT = 50
CURSORS: dict[str, int] = {}  # subscription id -> log position acknowledged (this process; survives reconnects)
LIVE: dict[str, Connection] = {}  # subscription id -> the connection serving it now


class Dropped(Exception):
    """The subscriber does not keep up."""


@dataclass
class Sub:
    id: str
    sub_type: str
    eido_id: str | None
    incident_id: str | None
    min_rate: int | None
    max_rate: int | None
    expires_at: Any  # aware datetime
    from_seq: int
    seen: int  # log position read up to for this subscription
    pending: set[str] = field(default_factory=set)
    last_sent: float = 0.0

    def agreed(self) -> dict[str, Any]:
        return {"subscriptionId": self.id, "minRate": self.min_rate, "maxRate": self.max_rate}


class Connection:
    def __init__(self, websocket: WebSocket, principal: Principal, token: str) -> None:
        self.ws, self.principal, self.token = websocket, principal, token
        self.app = websocket.app
        settings = self.app.state.settings
        self.identity = Identity(settings.eido_agency_id)
        self.speeds = settings.road_speeds_kmh
        self.subs: dict[str, Sub] = {}
        self.unacked: dict[str, tuple[str, int]] = {}  # transaction id -> (subscription, log position covered)
        self.outbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=OUTBOX)
        self.opened: dict[str, int] = {}  # incident -> the log position it was opened at ("new" subscriptions)
        self.wake = asyncio.Event()
        self.dropped: str | None = None

    # ------------------------------------------------------------------ sending, bounded
    def put(self, message: dict[str, Any]) -> None:
        if self.dropped:
            return
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            self.drop(f"{OUTBOX} messages were waiting for it")

    def drop(self, why: str) -> None:
        if self.dropped is None:
            self.dropped = why
            log.warning("EIDO subscriber %s dropped: %s", self.principal.username, why)
            self.wake.set()

    async def writer(self) -> None:
        while True:
            message = await self.outbox.get()
            if message is None:
                return
            try:
                await asyncio.wait_for(self.ws.send_text(orjson.dumps(message).decode()), SEND_TIMEOUT_S)
            except TimeoutError:
                self.drop(f"a message waited over {SEND_TIMEOUT_S:.0f} s to be sent")
                return

    # ------------------------------------------------------------------ reading
    async def reader(self) -> None:
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text") if message.get("text") is not None else message.get("bytes")
            if raw is None:
                continue
            try:
                await self.handle(raw)
            except Dropped:
                return
            except Exception:  # noqa: BLE001 - one bad message must not end the connection; it is answered and logged
                log.exception("EIDO conveyance message failed")
                self.put(p.response("", 500, "internal error; it has been logged"))
            self.wake.set()

    async def handle(self, raw: str | bytes) -> None:
        msg = p.read(raw)
        if isinstance(msg, p.Refused):
            self.put(msg.answer)
        elif isinstance(msg, p.Subscribe):
            self.put(await (self.renew(msg) if msg.subscriptionId else self.subscribe(msg)))
        elif isinstance(msg, p.Unsubscribe):
            self.put(await self.unsubscribe(msg))
        elif isinstance(msg, p.EventResponse):
            done = self.unacked.pop(msg.transactionId, None)
            if done is not None:
                sub_id, seq = done
                if len(CURSORS) > 10_000:  # abandoned subscriptions: forgetting costs a resend on renewal, nothing more
                    CURSORS.clear()
                CURSORS[sub_id] = max(CURSORS.get(sub_id, 0), seq)
        elif isinstance(msg, p.TerminateResponse):
            pass  # the subscription had ended already
        elif isinstance(msg, p.RequestForService):
            self.put(await self.request_for_service(msg))

    # ------------------------------------------------------------------ subscriptions
    def _emit(self, payload: Any, subject: str) -> None:
        with self.app.state.runner.unit_of_work(actor=self.principal.username) as uow:
            uow.emit(payload, scope.SUBSCRIPTION, subject)

    async def subscribe(self, msg: p.Subscribe) -> dict[str, Any]:
        terms = p.agree(msg)
        if isinstance(terms, tuple):
            return p.subscribe_response(msg.requestId, *terms)
        if len(self.subs) >= MAX_SUBSCRIPTIONS:
            return p.subscribe_response(msg.requestId, 503, f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection")
        incident_id = None
        if terms.sub_type == "single":
            incident_id = await run_in_threadpool(self._read, scope.incident_of, self.identity, terms.eido_id)
            if incident_id is None:
                return p.subscribe_response(msg.requestId, 404, f"no incident here has the $id {terms.eido_id!r}")
        start = await run_in_threadpool(self._read, scope.last_seq)
        sub = Sub(str(uuid.uuid4()), terms.sub_type, terms.eido_id, incident_id, terms.min_rate, terms.max_rate,
                  self.app.state.clock.now() + timedelta(seconds=terms.expires), start, start)
        await run_in_threadpool(self._emit, EidoSubscriptionStarted(
            subscription_id=sub.id, subscriber=self.principal.username, sub_type=sub.sub_type, eido_id=sub.eido_id,
            incident_id=incident_id, min_rate=sub.min_rate, max_rate=sub.max_rate, expires_at=iso(sub.expires_at) or "",
            from_seq=start), sub.id)
        if incident_id is not None:
            sub.pending.add(incident_id)  # the incident as it is now, at once
        self._serve(sub)
        return p.subscribe_response(msg.requestId, 200, "OK", **sub.agreed(), expires=terms.expires)

    async def renew(self, msg: p.Subscribe) -> dict[str, Any]:
        assert msg.subscriptionId is not None
        if msg.minRate is not None or msg.maxRate is not None:
            return p.subscribe_response(msg.requestId, 400, "a renewal must not give minRate or maxRate")
        sub = self.subs.get(msg.subscriptionId)
        now = self.app.state.clock.now()
        if sub is None:
            found = await run_in_threadpool(self._read, scope.subscription, msg.subscriptionId)
            if found is None or found.subscriber != self.principal.username or found.ended or found.expires_at <= now:
                return p.subscribe_response(msg.requestId, 481, "no such subscription (unknown, ended or expired): "
                                                                "subscribe anew")
            if len(self.subs) >= MAX_SUBSCRIPTIONS:
                return p.subscribe_response(msg.requestId, 503, f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection")
            resume = max(CURSORS.get(found.id, 0), found.from_seq)
            sub = Sub(found.id, found.sub_type, found.eido_id, found.incident_id, found.min_rate, found.max_rate,
                      found.expires_at, found.from_seq, resume)
            if sub.incident_id is not None:
                sub.pending.add(sub.incident_id)
            self._serve(sub)
        seconds = p.expires(msg.expires)
        sub.expires_at = now + timedelta(seconds=seconds)
        await run_in_threadpool(self._emit, EidoSubscriptionRenewed(subscription_id=sub.id,
                                                                    expires_at=iso(sub.expires_at) or ""), sub.id)
        return p.subscribe_response(msg.requestId, 200, "OK", **sub.agreed(), expires=seconds)

    def _serve(self, sub: Sub) -> None:
        other = LIVE.get(sub.id)
        if other is not None and other is not self:  # the subscriber came back on a new connection
            other.subs.pop(sub.id, None)
        LIVE[sub.id] = self
        self.subs[sub.id] = sub

    async def unsubscribe(self, msg: p.Unsubscribe) -> dict[str, Any]:
        sub_id = msg.subscriptionId
        if self.subs.pop(sub_id, None) is None:  # perhaps held on another (older) connection of the same subscriber
            found = await run_in_threadpool(self._read, scope.subscription, sub_id)
            if found is None or found.subscriber != self.principal.username or found.ended:
                return p.unsubscribe_response(msg.requestId, sub_id, 481, "no such subscription")
            other = LIVE.get(sub_id)
            if other is not None:
                other.subs.pop(sub_id, None)
                del LIVE[sub_id]
        self._forget(sub_id)
        await run_in_threadpool(self._emit, EidoSubscriptionEnded(subscription_id=sub_id, reason="unsubscribed"), sub_id)
        return p.unsubscribe_response(msg.requestId, msg.subscriptionId, 200, "OK")

    def _forget(self, sub_id: str) -> None:
        if LIVE.get(sub_id) is self:
            del LIVE[sub_id]
        CURSORS.pop(sub_id, None)

    async def request_for_service(self, msg: p.RequestForService) -> dict[str, Any]:
        """An EIDO handed over by a neighbour (a transfer): imported as POST /eido would, in one transaction."""
        settings = self.app.state.settings

        def run() -> importing.Outcome:
            with self.app.state.runner.unit_of_work(actor=self.principal.username) as uow:
                return importing.import_eido(uow, raw=msg.eido, via=f"neighbour {self.principal.username}",
                                             identity=Identity(settings.eido_agency_id),
                                             scale=self.app.state.priority_scale, geocode=roads.on_the_map)
        try:
            done = await run_in_threadpool(run)
        except InvalidInput as exc:
            return p.push_response(msg.requestId, 400, exc.message[:500])
        except CADError as exc:
            return p.push_response(msg.requestId, 503 if exc.status >= 500 else 400, exc.message[:500])
        except Exception:  # noqa: BLE001 - answered and logged; the connection lives on
            log.exception("a transfer from %s could not be imported", self.principal.username)
            return p.push_response(msg.requestId, 500, "the EIDO could not be imported; it has been logged")
        where = f": incident {done.incident_id}" if done.incident_id else ""
        return p.push_response(msg.requestId, 200, f"{done.outcome}{where}")

    def _read(self, fn: Any, *args: Any) -> Any:
        with self.app.state.db.read() as db:
            return fn(db, *args)

    # ------------------------------------------------------------------ notifying
    async def notify(self) -> float | None:
        """Read what changed, send what is due; returns the seconds until something is next due (None: nothing)."""
        now = self.app.state.clock.now()
        for sub in [s for s in self.subs.values() if s.expires_at <= now]:
            self.subs.pop(sub.id)
            self._forget(sub.id)
            self.put(p.terminate(str(uuid.uuid4()), sub.id))
            await run_in_threadpool(self._emit, EidoSubscriptionEnded(subscription_id=sub.id, reason="expired"), sub.id)
        if not self.subs:
            return None
        after = min(s.seen for s in self.subs.values())
        found = await run_in_threadpool(self._read, scope.changes, after)
        new_ones = [s for s in self.subs.values() if s.sub_type == "new"]
        if new_ones and found:
            unknown = sorted({inc for _, inc, _ in found if inc not in self.opened})
            if unknown:
                found_at = await run_in_threadpool(self._read, scope.opened_at, unknown)
                self.opened.update({inc: found_at.get(inc, -1) for inc in unknown})
        last = found[-1][0] if found else after
        for seq, incident, _ in found:
            for sub in self.subs.values():
                if seq <= sub.seen:
                    continue
                if incident == sub.incident_id or (sub.sub_type == "new" and self.opened.get(incident, -1) > sub.from_seq):
                    sub.pending.add(incident)
        for sub in self.subs.values():
            sub.seen = max(sub.seen, last)
        clock = time.monotonic()
        waits = []
        for sub in list(self.subs.values()):
            since = clock - sub.last_sent
            due = bool(sub.pending) and (sub.max_rate is None or since >= sub.max_rate)
            keepalive = sub.min_rate is not None and since >= sub.min_rate
            if due or keepalive:
                await self.send(sub, sorted(sub.pending) or ([sub.incident_id] if sub.incident_id else []))
                sub.pending.clear()
                sub.last_sent = clock
            elif sub.pending and sub.max_rate is not None:
                waits.append(sub.max_rate - since)
            if sub.min_rate is not None:
                waits.append(sub.min_rate - (time.monotonic() - sub.last_sent))
            waits.append((sub.expires_at - now).total_seconds())
        return max(0.0, min(waits)) if waits else None

    async def send(self, sub: Sub, incidents: list[str]) -> None:
        if len(self.unacked) >= MAX_UNACKED:
            self.drop(f"{MAX_UNACKED} notifications were not answered (eventResponse)")
            raise Dropped
        for start in range(0, max(len(incidents), 1), MAX_EIDOS_PER_EVENT):
            chunk = incidents[start:start + MAX_EIDOS_PER_EVENT]
            eidos = await run_in_threadpool(self._read, _eidos, self.identity, chunk, roads.by_road(self.speeds))
            transaction = str(uuid.uuid4())
            self.unacked[transaction] = (sub.id, sub.seen)
            self.put(p.event(sub.id, transaction, eidos))

    async def run(self) -> None:
        bus = self.app.state.bus
        waiter = bus.subscribe()
        tasks = {asyncio.ensure_future(self.reader()), asyncio.ensure_future(self.writer())}
        poll = self.app.state.settings.stream_poll_seconds
        checked = time.monotonic()
        try:
            while not self.dropped and not any(t.done() for t in tasks):
                if time.monotonic() - checked >= PRINCIPAL_CACHE_SECONDS:  # a revoked token: the connection ends
                    checked = time.monotonic()
                    await run_in_threadpool(principal_for, self.app, self.token, False)
                waiter.clear()
                self.wake.clear()
                try:
                    due = await self.notify()
                except Dropped:
                    break
                timeout = poll if due is None else min(poll, due)
                waits = {asyncio.ensure_future(waiter.wait()), asyncio.ensure_future(self.wake.wait()), *tasks}
                await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                for w in waits - tasks:
                    w.cancel()
        except CADError as exc:  # the token was revoked or the user disabled meanwhile
            with contextlib.suppress(Exception):
                await self.ws.send_json(exc.to_json())
                await self.ws.close(code=4401)
        finally:
            bus.unsubscribe(waiter)
            for sub_id in list(self.subs):
                if LIVE.get(sub_id) is self:
                    del LIVE[sub_id]  # the subscription stays (in the log): the subscriber renews it on reconnecting
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(BaseException):
                    await t
            if self.dropped:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.ws.close(code=4408, reason="too slow: dropped"), 1.0)


def _eidos(db: Any, identity: Identity, incidents: list[str], eta: Any) -> list[dict[str, Any]]:
    from openpsap.errors import NotFound

    out = []
    for incident_id in incidents:
        try:
            out.append(scope.eido(db, identity, incident_id, eta))
        except NotFound:
            continue
    return out


async def endpoint(websocket: WebSocket) -> None:
    """NENA-STA-024 subscribe/notify (see the module docstring). Token in the Authorization header (never the URL,
    never a console cookie); the neighbour_centre role. Closes 4401 (no or bad token) or 4403 (another role)."""
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=p.SUBPROTOCOL if p.SUBPROTOCOL in offered else None)
    try:
        token, via_cookie = bearer_or_cookie(websocket.headers, {})
        if via_cookie or not token:
            raise Unauthorized("send 'Authorization: Bearer <token>' of this centre's user for your centre")
        principal = await run_in_threadpool(principal_for, websocket.app, token, False)
        if not principal.roles & ROLES:
            raise Forbidden(f"user {principal.username} may not subscribe to EIDOs: it needs the neighbour_centre role")
    except CADError as exc:
        await websocket.send_json(exc.to_json())
        await websocket.close(code=4403 if isinstance(exc, Forbidden) else 4401)
        return
    try:
        await Connection(websocket, principal, token).run()
    except (WebSocketDisconnect, RuntimeError):
        pass

"""This centre as a subscriber (NENA-STA-024): a link per subscription to a configured neighbouring centre
(OPENPSAP_NEIGHBOURS), kept open in the server's event loop, and transfers (an EIDO handed over as a request for
service).

A link connects to the neighbour's `/ent` WebSocket with the token the neighbour issued to this centre, subscribes
(or renews the subscription it holds, by its subscriptionId, so nothing that changed meanwhile is lost), imports
every EIDO it is notified of through the EIDO import (interop/importing.py: the same EIDO twice changes nothing, an
older one is not applied), records what the neighbour reports of the incident (eido-received: its status and its
units), answers eventResponse, and renews before the subscription expires. A lost connection is retried with a
growing pause (up to RETRY_MAX_S); the subscriptions are in the log, so a restarted server picks them up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from openpsap.errors import CADError, InvalidInput, NotFound
from openpsap.interop import document, importing, roads
from openpsap.interop.conveyance import protocol as p, scope
from openpsap.interop.conveyance.events import EidoReceived, NeighbourSubscribed, NeighbourUnsubscribed
from openpsap.interop.ids import Identity

log = logging.getLogger(__name__)
ANSWER_TIMEOUT_S = 10.0
RETRY_MIN_S, RETRY_MAX_S = 0.2, 5.0
RENEW_AT = 0.8  # renew when this share of the subscription period has passed
EXPIRES = 3600
MAX_UNITS = 100
MAX_EIDOS = 100  # per notification


class NeighbourUnavailable(CADError):
    """The neighbouring centre did not answer, or refused."""

    status = 502
    kind = "neighbour_unavailable"


def ws_url(base: str) -> str:
    """The neighbour's `/ent` WebSocket from its IncidentData base URL."""
    base = base.rstrip("/")
    for plain, secure in (("http://", "ws://"), ("https://", "wss://")):
        if base.startswith(plain):
            base = secure + base[len(plain):]
    return f"{base}/ent"


def summary(eido: dict[str, Any]) -> dict[str, Any]:
    """What a neighbour reports of an incident that openpsap's import leaves to it: status, units, disposition."""
    found = eido.get("incidentComponent")
    inc: dict[str, Any] = found if isinstance(found, dict) else {}
    units = []
    for r in (eido.get("emergencyResourceComponent") or [])[:MAX_UNITS]:
        if isinstance(r, dict):
            units.append({"name": str(r.get("emergencyResourceName") or r.get("$id") or "")[:80],
                          "type": str(r.get("emergencyResourceTypeCommonRegistryText") or "")[:80],
                          "status": str(r.get("primaryUnitStatusRegistryText") or "")[:80],
                          "secondary": [str(s)[:80] for s in (r.get("secondaryUnitStatusRegistryText") or [])[:5]]})
    dispositions = [d for d in (inc.get("dispositionComponent") or []) if isinstance(d, dict)]
    status = inc.get("incidentStatusCommonRegistryText") or []
    return {"status": [str(s)[:80] for s in status[:5]] if isinstance(status, list) else [],
            "units": units, "disposition": str(dispositions[0].get("dispositionCommonRegistryCode"))[:80] if dispositions else None}


@dataclass
class Link:
    """One subscription to one neighbour, and its connection."""

    id: str
    neighbour: str
    sub_type: str
    eido_id: str | None
    remote_id: str | None = None
    expires: int = EXPIRES
    connected: bool = False
    last_error: str | None = None
    received: int = 0
    confirmed: asyncio.Future[str] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    task: asyncio.Task[None] | None = None
    ws: ClientConnection | None = None
    actor: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "neighbour": self.neighbour, "sub_type": self.sub_type, "eido_id": self.eido_id,
                "remote_id": self.remote_id, "connected": self.connected, "last_error": self.last_error,
                "received": self.received}


class Neighbours:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.links: dict[str, Link] = {}

    @property
    def settings(self) -> Any:
        return self.app.state.settings

    def configured(self, name: str) -> Any:
        found = self.settings.neighbours.get(name)
        if found is None:
            known = ", ".join(sorted(self.settings.neighbours)) or "none (set OPENPSAP_NEIGHBOURS)"
            raise NotFound(f"no neighbouring centre {name[:64]!r} is configured; configured: {known}", neighbour=name[:64])
        return found

    # ------------------------------------------------------------------ lifetime
    async def start(self) -> None:
        with self.app.state.db.read() as db:
            held = scope.neighbour_subscriptions(db)
        for data in held.values():
            if data["neighbour"] not in self.settings.neighbours:
                log.warning("subscription %s to %s: that neighbour is no longer configured", data["id"], data["neighbour"])
                continue
            link = Link(data["id"], data["neighbour"], data["sub_type"], data.get("eido_id"), data["remote_id"],
                        data.get("expires") or EXPIRES)
            link.confirmed.set_result(data["remote_id"])  # held already: a refusal now is retried, shown in last_error
            self._run(link)

    async def stop(self) -> None:
        for link in list(self.links.values()):
            await self._cancel(link)

    def _run(self, link: Link) -> None:
        self.links[link.id] = link
        link.task = asyncio.ensure_future(self._keep(link))

    async def _cancel(self, link: Link) -> None:
        self.links.pop(link.id, None)
        if link.task is not None:
            link.task.cancel()
            with contextlib.suppress(BaseException):
                await link.task

    # ------------------------------------------------------------------ commands
    async def subscribe(self, neighbour: str, eido_id: str | None, actor: str) -> Link:
        """Subscribe to one incident of the neighbour (by its EIDO $id) or to its new incidents; returns once the
        neighbour agreed. Raises NotFound (no such neighbour), NeighbourUnavailable (no answer, or refused)."""
        self.configured(neighbour)
        for link in self.links.values():  # already held: the same subscription
            if link.neighbour == neighbour and link.eido_id == eido_id and link.confirmed.done() \
                    and not link.confirmed.cancelled() and link.confirmed.exception() is None:
                return link
        link = Link(str(uuid.uuid4()), neighbour, "single" if eido_id else "new", eido_id)
        link.actor = actor
        self._run(link)
        try:
            await asyncio.wait_for(asyncio.shield(link.confirmed), ANSWER_TIMEOUT_S)
        except (TimeoutError, NeighbourUnavailable) as exc:
            await self._cancel(link)
            if isinstance(exc, NeighbourUnavailable):
                raise
            raise NeighbourUnavailable(f"neighbour {neighbour} did not agree to the subscription within "
                                       f"{ANSWER_TIMEOUT_S:.0f} s: {link.last_error or 'no answer'}", neighbour=neighbour) from None
        return link

    async def unsubscribe(self, link_id: str, actor: str) -> Link:
        link = self.links.get(link_id)
        if link is None:
            raise NotFound(f"no subscription {link_id[:40]!r} to a neighbour", subscription_id=link_id[:40])
        if link.ws is not None and link.remote_id:
            with contextlib.suppress(Exception):  # best effort: the neighbour's subscription also expires by itself
                await asyncio.wait_for(link.ws.send(orjson.dumps({"unsubscribe": {
                    "requestId": str(uuid.uuid4()), "subscriptionId": link.remote_id}}).decode()), 2.0)
        await self._cancel(link)
        await run_in_threadpool(self._emit, actor, NeighbourUnsubscribed(id=link.id, neighbour=link.neighbour,
                                                                          reason="ended by a supervisor"), link.id)
        return link

    async def transfer(self, neighbour: str, eido: dict[str, Any]) -> tuple[str, int, str]:
        """Hand an incident's EIDO to the neighbour (requestForService); returns (request id, code, text)."""
        request_id = str(uuid.uuid4())
        answer = await self._send_once(neighbour, {"requestForService": {"requestId": request_id, "eido": eido}}, "response")
        code, text = answer.get("responseCode", answer.get("statusCode")), answer.get("responseText", answer.get("statusText"))
        if not isinstance(code, int):
            raise NeighbourUnavailable(f"neighbour {neighbour} answered without a response code", neighbour=neighbour)
        return request_id, code, str(text or "")[:500]

    async def _send_once(self, neighbour: str, message: dict[str, Any], answer: str) -> dict[str, Any]:
        conf = self.configured(neighbour)
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT_S):
                async with self._connect(conf) as ws:
                    await ws.send(orjson.dumps(message).decode())
                    while True:
                        got = orjson.loads(await ws.recv())
                        if isinstance(got, dict) and answer in got:
                            return dict(got[answer])
        except TimeoutError:
            raise NeighbourUnavailable(f"neighbour {neighbour} did not answer within {ANSWER_TIMEOUT_S:.0f} s",
                                       neighbour=neighbour) from None
        except (OSError, ValueError, Exception) as exc:
            raise NeighbourUnavailable(f"neighbour {neighbour} could not be reached: {_said(exc)}", neighbour=neighbour) from None

    def _connect(self, conf: Any) -> Any:
        return connect(ws_url(conf.url), additional_headers={"Authorization": f"Bearer {conf.token.get_secret_value()}"},
                       subprotocols=[Subprotocol(p.SUBPROTOCOL)], open_timeout=ANSWER_TIMEOUT_S, max_size=p.MAX_MESSAGE_BYTES * 2,
                       ping_interval=20, ping_timeout=20)

    # ------------------------------------------------------------------ the link's loop
    async def _keep(self, link: Link) -> None:
        pause = RETRY_MIN_S
        while True:
            try:
                conf = self.configured(link.neighbour)
                async with self._connect(conf) as ws:
                    link.connected, link.last_error, link.ws = True, None, ws
                    pause = RETRY_MIN_S
                    await self._session(link, ws)
            except asyncio.CancelledError:
                raise
            except NeighbourUnavailable as exc:  # refused: a new subscription fails at once; a held one retries
                link.last_error = exc.message
                if not link.confirmed.done():
                    link.confirmed.set_exception(exc)
                    return
            except Exception as exc:  # noqa: BLE001 - connection lost or refused: try again
                link.last_error = _said(exc)
            link.connected, link.ws = False, None
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MAX_S)

    async def _session(self, link: Link, ws: ClientConnection) -> None:
        await self._subscribe(link, ws)
        renew_at = None
        while True:
            timeout = None if renew_at is None else max(0.0, renew_at - time.monotonic())
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout)
            except TimeoutError:
                await self._subscribe(link, ws)
                renew_at = None
                continue
            msg = orjson.loads(raw)
            if not isinstance(msg, dict) or len(msg) != 1:
                continue
            (name, body), = msg.items()
            if name == "subscribeResponse":
                if await self._agreed(link, ws, body):
                    renew_at = time.monotonic() + link.expires * RENEW_AT
            elif name == "event":
                code, text = await run_in_threadpool(self._import_all, link, body.get("notification") or [])
                await ws.send(orjson.dumps({"eventResponse": {"transactionId": str(body.get("transactionId", "")),
                                                              "statusCode": code, "statusText": text}}).decode())
            elif name == "terminate":
                await ws.send(orjson.dumps({"terminateResponse": {
                    "requestId": body.get("requestId", ""), "subscriptionId": body.get("subscriptionId", ""),
                    "statusCode": 200, "statusText": "OK"}}).decode())
                if body.get("subscriptionId") == link.remote_id:
                    link.remote_id = None
                    await self._subscribe(link, ws)
            elif name == "response":
                log.warning("neighbour %s: %s", link.neighbour, body)

    async def _subscribe(self, link: Link, ws: ClientConnection) -> None:
        request: dict[str, Any] = {"requestId": str(uuid.uuid4()), "expires": EXPIRES}
        if link.remote_id:
            request["subscriptionId"] = link.remote_id
        else:
            request.update({"requestType": "EIDO", "requestSubType": link.sub_type, "requestAccepts": "application/emergency.eido+json"})
            if link.eido_id:
                request["incidentId"] = link.eido_id
        await ws.send(orjson.dumps({"subscribe": request}).decode())

    async def _agreed(self, link: Link, ws: ClientConnection, body: dict[str, Any]) -> bool:
        code, text = body.get("statusCode"), str(body.get("statusText", ""))[:300]
        if code == 481 and link.remote_id:  # the neighbour no longer holds it (expired meanwhile): subscribe anew
            log.warning("neighbour %s lost subscription %s (%s); subscribing anew", link.neighbour, link.remote_id, text)
            link.remote_id = None
            await self._subscribe(link, ws)
            return False
        if code != 200 or not body.get("subscriptionId"):
            raise NeighbourUnavailable(f"neighbour {link.neighbour} refused the subscription: {code} {text}",
                                       neighbour=link.neighbour, status=code)
        link.expires = int(body.get("expires") or EXPIRES)
        if body["subscriptionId"] != link.remote_id:
            link.remote_id = str(body["subscriptionId"])[:255]
            actor = link.actor or f"neighbour {link.neighbour}"
            await run_in_threadpool(self._emit, actor, NeighbourSubscribed(
                id=link.id, neighbour=link.neighbour, sub_type=link.sub_type, eido_id=link.eido_id,
                remote_id=link.remote_id, expires=link.expires), link.id)
        if not link.confirmed.done():
            link.confirmed.set_result(link.remote_id or "")
        return True

    def _emit(self, actor: str, payload: Any, subject: str) -> None:
        with self.app.state.runner.unit_of_work(actor=actor[:64]) as uow:
            uow.emit(payload, scope.NEIGHBOUR_SUBSCRIPTION, subject)

    def _import_all(self, link: Link, eidos: list[Any]) -> tuple[int, str]:
        problems = []
        for raw in eidos[:MAX_EIDOS]:
            try:
                self._import(link, raw)
            except CADError as exc:
                problems.append(exc.message)
            except Exception:  # noqa: BLE001 - answered 500 and logged: one bad EIDO must not stop the subscription
                log.exception("neighbour %s: an EIDO could not be imported", link.neighbour)
                return 500, "an EIDO could not be imported; it has been logged"
        link.received += len(eidos)
        if problems:
            return 400, "; ".join(problems)[:500]
        return 200, "OK"

    def _import(self, link: Link, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise InvalidInput("a notification holds EIDO objects")
        settings, state = self.settings, self.app.state
        with state.runner.unit_of_work(actor=f"neighbour {link.neighbour}"[:64]) as uow:
            done = importing.import_eido(uow, raw=raw, via=f"neighbour {link.neighbour}", identity=Identity(settings.eido_agency_id),
                                         scale=state.priority_scale, geocode=roads.on_the_map)
            if done.outcome in ("created", "updated"):
                seen = summary(raw)
                uow.emit(EidoReceived(neighbour=link.neighbour, subscription_id=link.id, eido_id=done.eido_id,
                                      incident_id=done.incident_id, last_update=str(raw.get("lastUpdateTimeStamp", ""))[:40],
                                      digest=document.digest(raw), outcome=done.outcome, **seen),
                         scope.REPORT, importing.subject_key(done.eido_id))


def _said(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]

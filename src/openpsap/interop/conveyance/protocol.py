"""The NENA-STA-024 WebSocket messages (STA-024_websocket.yaml): what a subscriber or a neighbour sends, read and
checked, and what the notifier answers. PURE: no I/O, no database.

Subscriber -> notifier: subscribe (new, or renewal with its subscriptionId), unsubscribe, eventResponse,
terminateResponse; and the push message requestForService (an EIDO handed over: a transfer).
Notifier -> subscriber: subscribeResponse, unsubscribeResponse, event (EIDOs), terminate, and `response` for a
request openpsap does not implement (501) or cannot read (400).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SUBPROTOCOL = "emergency-ent1.0"  # the WebSocket sub-protocol a NENA-STA-024 subscriber offers
MAX_MESSAGE_BYTES = 2_000_000  # a requestForService carries one EIDO (at most 1,000,000 bytes, interop/document.py)
DEFAULT_EXPIRES = 3600
MIN_EXPIRES, MAX_EXPIRES = 30, 86_400
MIN_MIN_RATE = 5  # a subscriber may ask for a notification at least every minRate seconds, not more often than this
MAX_RATE_LIMIT = 3600
NOT_IMPLEMENTED = ("resourceDiscovery", "resourceMessage", "requestAwareness", "requestAwarenes", "cancelRequest",
                   "cancelREequest", "resourceDiscoveryResponse")
Code = int
_ID = Field(min_length=1, max_length=255)


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class Subscribe(_Message):
    requestId: str = _ID
    requestType: str | None = Field(default=None, max_length=32)
    requestSubType: str | None = Field(default=None, max_length=32)
    requestAccepts: str | None = Field(default=None, max_length=255)
    qualFilter: str | None = Field(default=None, max_length=10_000)
    qualFilterEvalPeriod: int | None = None
    minRate: int | None = Field(default=None, ge=0, le=10**9)
    maxRate: int | None = Field(default=None, ge=0, le=10**9)
    subscriptionId: str | None = Field(default=None, min_length=1, max_length=255)
    incidentId: str | None = Field(default=None, min_length=1, max_length=255)
    unitId: str | None = Field(default=None, max_length=255)
    expires: int | None = Field(default=None, ge=0, le=10**9)


class Unsubscribe(_Message):
    requestId: str = _ID
    subscriptionId: str = _ID


class EventResponse(_Message):
    transactionId: str = _ID
    statusCode: int
    statusText: str = Field(max_length=10_000)


class TerminateResponse(_Message):
    requestId: str = _ID
    subscriptionId: str = _ID
    statusCode: int
    statusText: str = Field(default="", max_length=10_000)


class RequestForService(_Message):
    requestId: str = _ID
    eido: dict[str, Any]


KINDS: dict[str, type[_Message]] = {"subscribe": Subscribe, "unsubscribe": Unsubscribe, "eventResponse": EventResponse,
                                    "terminateResponse": TerminateResponse, "requestForService": RequestForService}
Message = Subscribe | Unsubscribe | EventResponse | TerminateResponse | RequestForService


@dataclass(frozen=True)
class Refused:
    """A message that cannot be served: the answer to send back."""

    answer: dict[str, Any]


def read(raw: str | bytes) -> Message | Refused:
    """One message from the subscriber: a typed message, or the answer that refuses it (never an exception)."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return Refused(response("", 413, f"a message may hold at most {MAX_MESSAGE_BYTES} bytes"))
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Refused(response("", 400, f"not JSON: {exc}"[:300]))
    if not isinstance(doc, dict) or len(doc) != 1:
        return Refused(response("", 400, "a message is a JSON object with one member naming it, e.g. {\"subscribe\": {...}}"))
    (name, body), = doc.items()
    request_id = body.get("requestId", "") if isinstance(body, dict) else ""
    request_id = request_id if isinstance(request_id, str) else ""
    if name in NOT_IMPLEMENTED:
        return Refused(response(request_id[:255], 501, "Not implemented"))
    kind = KINDS.get(name)
    if kind is None:
        return Refused(response(request_id[:255], 400, f"unknown message {name[:60]!r}: openpsap reads "
                                                         f"{', '.join(KINDS)}"))
    try:
        return cast(Message, kind.model_validate(body))
    except ValidationError as exc:
        return Refused(refusal(name, body if isinstance(body, dict) else {}, 400, _why(exc)))


def _why(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)[:500]


def refusal(name: str, body: dict[str, Any], code: Code, text: str) -> dict[str, Any]:
    """The answer a message of this name gets when refused, in its own answer type."""
    def text_of(key: str) -> str:
        value = body.get(key, "")
        return value[:255] if isinstance(value, str) else ""

    if name == "subscribe":
        return subscribe_response(text_of("requestId"), code, text)
    if name == "unsubscribe":
        return unsubscribe_response(text_of("requestId"), text_of("subscriptionId"), code, text)
    if name == "requestForService":
        return push_response(text_of("requestId"), code, text)
    return response(text_of("requestId") or text_of("transactionId"), code, text)


def subscribe_response(request_id: str, code: Code, text: str, **agreed: Any) -> dict[str, Any]:
    return {"subscribeResponse": {"requestId": request_id, **{k: v for k, v in agreed.items() if v is not None},
                                  "statusCode": code, "statusText": text}}


def unsubscribe_response(request_id: str, subscription_id: str, code: Code, text: str) -> dict[str, Any]:
    return {"unsubscribeResponse": {"requestId": request_id, "subscriptionId": subscription_id, "statusCode": code,
                                    "statusText": text}}


def response(request_id: str, code: Code, text: str) -> dict[str, Any]:
    return {"response": {"requestId": request_id, "statusCode": code, "statusText": text}}


def push_response(request_id: str, code: Code, text: str) -> dict[str, Any]:
    return {"response": {"requestId": request_id, "responseCode": code, "responseText": text}}


def event(subscription_id: str, transaction_id: str, eidos: list[dict[str, Any]]) -> dict[str, Any]:
    return {"event": {"subscriptionId": subscription_id, "transactionId": transaction_id, "notification": eidos}}


def terminate(request_id: str, subscription_id: str) -> dict[str, Any]:
    return {"terminate": {"requestId": request_id, "subscriptionId": subscription_id}}


@dataclass(frozen=True)
class Terms:
    """What a new subscription asks for, checked and agreed."""

    sub_type: Literal["single", "new"]
    eido_id: str | None
    min_rate: int | None
    max_rate: int | None
    expires: int


def agree(msg: Subscribe) -> Terms | tuple[Code, str]:
    """The terms of a new subscription (no subscriptionId), or (statusCode, statusText) refusing it."""
    if msg.requestType is None:
        return 400, "requestType is required for a new subscription"
    if msg.requestType.upper() != "EIDO":
        return 406, f"requestType {msg.requestType[:32]!r} is not served: only EIDO"
    sub_type = (msg.requestSubType or ("single" if msg.incidentId else "new")).lower()
    if sub_type == "resource" or msg.unitId:
        return 406, "resource subscriptions are not served: subscribe to one incident (single) or to new incidents"
    if sub_type not in ("single", "new"):
        return 400, f"requestSubType must be single, new or resource, not {sub_type[:32]!r}"
    if msg.qualFilter is not None:
        if msg.incidentId:
            return 400, "a qualFilter must not be given with an incidentId"
        return 406, "qualFilter is not supported: subscribe to every new incident without one"
    if sub_type == "single" and not msg.incidentId:
        return 400, "a single subscription names its incident: incidentId (the EIDO $id)"
    if sub_type == "new" and msg.incidentId:
        return 400, "incidentId is for a single subscription (requestSubType single)"
    if msg.requestAccepts and "json" not in msg.requestAccepts.lower() and "eido" not in msg.requestAccepts.lower():
        return 406, f"requestAccepts {msg.requestAccepts[:80]!r}: openpsap sends EIDO JSON (application/emergency.eido+json)"
    min_rate = None if msg.minRate is None else max(msg.minRate, MIN_MIN_RATE)
    max_rate = None if msg.maxRate is None else min(msg.maxRate, MAX_RATE_LIMIT)
    if min_rate is not None and max_rate is not None and max_rate > min_rate:
        return 400, "maxRate (the least time between notifications) must not exceed minRate (the most)"
    return Terms(cast(Literal["single", "new"], sub_type), msg.incidentId, min_rate, max_rate, expires(msg.expires))


def expires(requested: int | None) -> int:
    """The subscription period agreed: the request within bounds, an hour by default."""
    if requested is None:
        return DEFAULT_EXPIRES
    return max(MIN_EXPIRES, min(requested, MAX_EXPIRES))

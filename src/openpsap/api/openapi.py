"""The OpenAPI document says which errors each route really returns, in the one error shape.

Derived from what every route shares: a protected route answers 401 (no or a bad token) and 403 (a role it does
not allow); a path naming a thing answers 404 when there is none; a command (POST, PUT, PATCH, DELETE) answers 409
when the state forbids it (or its Idempotency-Key was used for another request) and 413 for a body over the limit;
any route answers 400 for a NUL in the URL and 422 for input it cannot use. A test checks that no route answers a
status its entry leaves out.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from openpsap.api import openapi_values
from openpsap.api.deps import ROLES_KEY

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "description": "a kind: unauthorized, forbidden, not_found, conflict, invalid_transition, "
                  "invalid_input, too_large, bad_request, ..."},
        "message": {"type": "string", "description": "what is wrong and how to fix it, in words"},
        "details": {"type": "object", "description": "the facts behind the message (ids, statuses, field)"},
    },
}
WHY = {
    400: "a NUL character in the URL",
    401: "no token, a bad, expired or revoked token, or a disabled user",
    403: "the caller's roles may not use this route (or a field unit acting on another unit)",
    404: "the path names nothing that exists",
    409: "the current state forbids it (the message says why), or the Idempotency-Key was used for another request",
    408: "a part of the body took longer than the server's limit to arrive",
    413: "the body is larger than the server's limit",
    429: "too many failed logins for this user name or client address: wait (details.retry_after_s)",
    422: "input that cannot be used: the message names the field and why",
}
COMMANDS = {"post", "put", "patch", "delete"}


def statuses(path: str, method: str, roles: list[str]) -> set[int]:
    found = {400, 422}
    if "public" not in roles or path.endswith("/auth/login"):
        found.add(401)
    if path.endswith("/auth/login"):
        found.add(429)
    if "public" not in roles:
        found.add(403)
    if re.search(r"{\w+}", path):
        found.add(404)
    if method in COMMANDS:
        found |= {404, 408, 409, 413}
    return found


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        openapi_values.state(doc, app)
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in doc.get("paths", {}).items():
            for method, op in operations.items():
                responses = op.setdefault("responses", {})
                for status in sorted(statuses(path, method, op.get(ROLES_KEY, []))):
                    entry = responses.setdefault(str(status), {"description": WHY[status]})
                    entry["content"] = ref
                    if entry.get("description") in ("Validation Error", ""):
                        entry["description"] = WHY[status]
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]

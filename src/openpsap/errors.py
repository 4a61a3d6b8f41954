"""The one exception tree of openpsap. Services raise these; the API maps them to JSON.

    CADError (500)
    ├── InvalidInput (422)      a value is malformed or unknown (bad code, bad key)
    ├── NotFound (404)          no such call, incident, unit, station or user
    ├── Conflict (409)          the command clashes with the current state
    │   ├── InvalidTransition   a status move the lifecycle rules forbid
    │   └── NoMapLocation       the incident has no place on the road map (none yet, or off it)
    ├── Unauthorized (401)      no or bad credentials
    ├── Forbidden (403)         the user's role may not do this
    └── TooManyRequests (429)   too many failed logins: wait

Imports nothing from the rest of the package.
"""

from __future__ import annotations

from typing import Any


class CADError(Exception):
    status = 500
    kind = "internal"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, details={self.details!r})"

    def to_json(self) -> dict[str, Any]:
        return {"error": self.kind, "message": self.message, "details": self.details}


class InvalidInput(CADError):
    status = 422
    kind = "invalid_input"


class NotFound(CADError):
    status = 404
    kind = "not_found"


class Conflict(CADError):
    status = 409
    kind = "conflict"


class InvalidTransition(Conflict):
    kind = "invalid_transition"


class NoMapLocation(Conflict):
    kind = "no_map_location"


class Unauthorized(CADError):
    status = 401
    kind = "unauthorized"


class Forbidden(CADError):
    status = 403
    kind = "forbidden"


class TooManyRequests(CADError):
    status = 429
    kind = "too_many_requests"


class NotSaved(CADError):
    """The database could not save a command (disk full, I/O error): it did not happen, and may be sent again."""

    status = 503
    kind = "not_saved"

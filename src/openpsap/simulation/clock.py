"""The simulated clock of a replay: it shows the time the replay has reached, never wall-clock time.
PURE: imports neither FastAPI nor SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

from openpsap.clock import as_utc


def _utc(when: datetime) -> datetime:
    """as_utc for a time that is always there (as_utc only gives None back for None)."""
    utc = as_utc(when)
    if utc is None:
        raise TypeError("the simulated clock needs a time, not None")
    return utc


class SimClock:
    """A Clock (openpsap.clock.Clock) that only moves when the replay moves it, and never backwards."""

    def __init__(self, start: datetime) -> None:
        self._now = _utc(start)

    def now(self) -> datetime:
        return self._now

    def advance_to(self, when: datetime) -> datetime:
        when = _utc(when)
        if when < self._now:
            raise ValueError(f"the simulated clock cannot go back from {self._now.isoformat()} to {when.isoformat()}")
        self._now = when
        return when

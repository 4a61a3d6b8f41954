"""Imports every feature's events.py, so the registry of event kinds is complete (eventlog/types.py)."""

from openpsap.auth import events as auth_events  # noqa: F401
from openpsap.calls import events as call_events  # noqa: F401
from openpsap.care import events as care_events  # noqa: F401
from openpsap.configuration import events as configuration_events  # noqa: F401
from openpsap.incidents import events as incident_events  # noqa: F401
from openpsap.stations import events as station_events  # noqa: F401
from openpsap.units import events as unit_events  # noqa: F401

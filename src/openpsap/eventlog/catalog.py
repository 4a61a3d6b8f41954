"""Imports every feature's events.py and projections.py, so the registries of event kinds (eventlog/types.py) and
of their projections (eventlog/projector.py) are complete."""

from openpsap.auth import events as auth_events  # noqa: F401
from openpsap.calls import events as call_events  # noqa: F401
from openpsap.care import events as care_events  # noqa: F401
from openpsap.configuration import events as configuration_events  # noqa: F401
from openpsap.incidents import events as incident_events  # noqa: F401
from openpsap.interop import events as interop_events  # noqa: F401
from openpsap.stations import events as station_events  # noqa: F401
from openpsap.units import events as unit_events  # noqa: F401
from openpsap.auth import projections as auth_projections  # noqa: F401
from openpsap.calls import projections as call_projections  # noqa: F401
from openpsap.care import projections as care_projections  # noqa: F401
from openpsap.configuration import projections as configuration_projections  # noqa: F401
from openpsap.incidents import projections as incident_projections  # noqa: F401
from openpsap.stations import projections as station_projections  # noqa: F401
from openpsap.units import projections as unit_projections  # noqa: F401

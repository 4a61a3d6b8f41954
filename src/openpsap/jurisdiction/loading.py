"""Put a stored jurisdiction to work in this process: its network for routing (routing.graph.use_network) and its
address points and places for the geocoder. A server does this once when it starts (app.py), from the
jurisdiction its database marks active; with none, San Francisco as shipped."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import OperationalError, ProgrammingError

from openpsap.geo.addresses import AddressIndex, Point
from openpsap.geo.geocoder import Landmark
from openpsap.geo.names import normalise
from openpsap.jurisdiction import service
from openpsap.routing.graph import NetworkSource, active_network, use_network

log = logging.getLogger(__name__)
_loaded: dict[tuple[str, str], NetworkSource] = {}  # (name, imported at) -> source: a restart reads it once
_lock = threading.Lock()


def source(stored: service.Stored) -> NetworkSource:
    """The routing and geocoding inputs of a stored jurisdiction."""
    restrictions = [((float(r["before_lon"]), float(r["before_lat"])), (float(r["via_lon"]), float(r["via_lat"])),
                     (float(r["after_lon"]), float(r["after_lat"])), r["only"] == "1")
                    for r in stored.layers.get("restrictions", [])]
    addresses = AddressIndex()
    for r in stored.layers.get("addresses", []):
        key = normalise(r["street"])
        addresses.add(key, Point(int(r["number"]), float(r["lat"]), float(r["lon"])))
        addresses.display.setdefault(key, r["street"])
    places = [Landmark(r["name"], r["kind"], float(r["lat"]), float(r["lon"])) for r in stored.layers.get("places", [])]
    return NetworkSource(stored.name, stored.layers.get("roads", []), restrictions,
                         {"addresses": addresses, "places": places, "centre": stored.centre, "area": stored.area})


def activate(database, name: str | None = None) -> str:  # noqa: ANN001 - openpsap.db.Database
    """Route and geocode this process on `name`, or on the database's active jurisdiction when None ('sf' or
    none: San Francisco). Returns the name in use."""
    try:
        with database.read() as db:
            row = service.active(db) if name is None else None
            wanted = name if name is not None else (row.name if row is not None else service.SAN_FRANCISCO)
            if wanted == service.SAN_FRANCISCO:
                use_network(None)
                return wanted
            from openpsap.jurisdiction.models import Jurisdiction

            found = db.get(Jurisdiction, wanted)
            if found is None:
                service.load(db, name=wanted)  # raises NotFound with the message
                return wanted
            key = (wanted, found.imported_at.isoformat())
            with _lock:
                if key not in _loaded:
                    _loaded.clear()
                    _loaded[key] = source(service.load(db, name=wanted))
                use_network(_loaded[key])
            return wanted
    except (OperationalError, ProgrammingError):  # a database not yet migrated: no jurisdiction table
        log.warning("no jurisdiction table in this database: routing on San Francisco")
        use_network(None)
        return service.SAN_FRANCISCO


def in_use() -> str:
    current = active_network()
    return current.name if current is not None else service.SAN_FRANCISCO

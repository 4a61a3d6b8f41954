"""HTTP routes of the jurisdiction a server serves: what and where it is, and its roads as GeoJSON (the console
draws them as a plain offline map when the jurisdiction has no basemap of its own)."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import allowed
from openpsap.auth.roles import Role as R
from openpsap.routing.graph import active_network

router = APIRouter(tags=["jurisdiction"])
STAFF = (R.call_taker, R.dispatcher, R.supervisor, R.field_unit, R.analyst, R.admin, R.outreach)
SF = {"name": "sf", "title": "San Francisco", "centre": [37.7749, -122.4194], "basemap": True,
      "attribution": "(c) OpenStreetMap contributors"}
_roads: dict[str, bytes] = {}
_lock = threading.Lock()


def describe() -> dict[str, Any]:
    """The jurisdiction in use: name, centre [lat, lon], whether it has a basemap, the area's polygons."""
    source = active_network()
    if source is None:
        return dict(SF, area=None)
    lat, lon = source.extras.get("centre", (0.0, 0.0))
    return {"name": source.name, "title": source.name.replace("-", " ").title(), "centre": [lat, lon],
            "basemap": False, "attribution": "(c) OpenStreetMap contributors, ODbL", "area": source.extras.get("area")}


def roads_geojson() -> bytes:
    """One MultiLineString per road class, coordinates to 5 decimals (about 1 m); built once per network."""
    import orjson

    source = active_network()
    key = source.name if source is not None else "sf"
    with _lock:
        if key not in _roads:
            from openpsap.routing.graph import read_segments

            rows = source.rows if source is not None else read_segments()
            lines: dict[str, list] = defaultdict(list)
            for r in rows:
                lines[r["kind_detail"]].append([[round(float(r["from_lon"]), 5), round(float(r["from_lat"]), 5)],
                                                [round(float(r["to_lon"]), 5), round(float(r["to_lat"]), 5)]])
            features = [{"type": "Feature", "properties": {"road_class": k},
                         "geometry": {"type": "MultiLineString", "coordinates": v}} for k, v in sorted(lines.items())]
            _roads.clear()
            _roads[key] = orjson.dumps({"type": "FeatureCollection", "features": features})
        return _roads[key]


@router.get("/jurisdiction", **allowed(*STAFF))
def jurisdiction() -> dict[str, Any]:
    """The jurisdiction this server routes and geocodes on (imported with `openpsap jurisdiction import`)."""
    return describe()


@router.get("/jurisdiction/roads", **allowed(*STAFF), response_class=Response,
            responses={200: {"content": {"application/geo+json": {"schema": {"type": "object"}}},
                             "description": "a GeoJSON FeatureCollection, one MultiLineString per road class"}})
async def roads() -> Response:
    """The road network as GeoJSON (a FeatureCollection of MultiLineStrings by OSM road class)."""
    body = await run_in_threadpool(roads_geojson)
    return Response(body, media_type="application/geo+json", headers={"Cache-Control": "private, max-age=3600"})

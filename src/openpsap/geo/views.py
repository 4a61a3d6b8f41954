"""HTTP routes for offline geocoding (call-takers type an address; the phone system gives a point)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import allowed
from openpsap.auth.roles import Role as R
from openpsap.geo.geocoder import default_geocoder

router = APIRouter(tags=["geocoding"])
WHO = (R.call_taker, R.dispatcher, R.supervisor)


@router.get("/geocode", **allowed(*WHO))
async def geocode(q: str = Query(min_length=1, max_length=200, description="'Market St & 5th St', '5th and Market', '100 Block of MARKET ST', 'Valencia St'")):
    """Status found (with lat/lon), ambiguous (ranked candidates) or not_found, never a guess."""
    geocoder = await run_in_threadpool(default_geocoder)  # the first call builds the index (~2 s)
    return geocoder.geocode(q).to_json()


@router.get("/reverse-geocode", **allowed(*WHO))
async def reverse_geocode(lat: float = Query(ge=-90, le=90), lon: float = Query(ge=-180, le=180)):
    """The street at a point and its nearest cross street."""
    geocoder = await run_in_threadpool(default_geocoder)
    return (await run_in_threadpool(geocoder.reverse, lat, lon)).to_json()

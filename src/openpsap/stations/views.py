"""HTTP routes for agencies and stations."""

from __future__ import annotations

from fastapi import APIRouter, Request

from openpsap.api.deps import Cmd, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.stations import service
from openpsap.stations.schemas import AgencyCreate, AgencyRead, StationChange, StationCreate, StationRead

router = APIRouter(tags=["stations"])
STAFF = (R.call_taker, R.dispatcher, R.supervisor, R.field_unit, R.analyst, R.admin, R.outreach)


@router.get("/stations", response_model=list[StationRead], **allowed(*STAFF))
def list_stations(database: Reader):
    with database.read() as db:
        return [StationRead.model_validate(s).model_dump(mode="json") for s in service.list_stations(db)]


@router.get("/stations/{station_id}", response_model=StationRead, **allowed(*STAFF))
def get_station(station_id: str, database: Reader):
    with database.read() as db:
        return StationRead.model_validate(service.get_station_or_raise(db, station_id=station_id)).model_dump(mode="json")


@router.post("/stations", status_code=201, response_model=StationRead, **allowed(R.admin))
def add_station(body: StationCreate, cmd: Cmd):
    return cmd.run(
        lambda uow: StationRead.model_validate(
            service.add_station(uow, station_id=body.id, name=body.name, agency_id=body.agency_id, lat=body.lat, lon=body.lon, address=body.address)
        ).model_dump(mode="json"),
        status_code=201,
    )


@router.patch("/stations/{station_id}", response_model=StationRead, **allowed(R.admin))
def change_station(station_id: str, body: StationChange, cmd: Cmd, request: Request):
    """Rename or move a station; a point off the jurisdiction's roads is refused (units there could not be routed)."""
    if body.lat is not None and body.lon is not None:
        from openpsap.dispatching.recommend import default_recommender

        default_recommender(request.app.state.settings.road_speeds_kmh).graph.snap(body.lat, body.lon)
    return cmd.run(
        lambda uow: StationRead.model_validate(
            service.update_station(uow, station_id=station_id, name=body.name, lat=body.lat, lon=body.lon, address=body.address)
        ).model_dump(mode="json"))


@router.get("/agencies", response_model=list[AgencyRead], **allowed(*STAFF))
def list_agencies(database: Reader):
    with database.read() as db:
        return [AgencyRead.model_validate(a).model_dump(mode="json") for a in service.list_agencies(db)]


@router.post("/agencies", status_code=201, response_model=AgencyRead, **allowed(R.admin))
def add_agency(body: AgencyCreate, cmd: Cmd):
    return cmd.run(
        lambda uow: AgencyRead.model_validate(
            service.add_agency(uow, agency_id=body.id, name=body.name, discipline=body.discipline)
        ).model_dump(mode="json"),
        status_code=201,
    )

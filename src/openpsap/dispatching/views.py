"""HTTP routes for unit recommendation: see the best units for an incident, or dispatch them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from openpsap.api.deps import Cmd, Reader, allowed
from openpsap.auth.roles import Role as R
from openpsap.dispatching import service
from openpsap.configuration.service import response_plans
from openpsap.dispatching.recommend import default_recommender
from openpsap.incidents import service as incident_service
from openpsap.incidents.views import detail

router = APIRouter(prefix="/incidents", tags=["dispatching"])


@router.get("/{incident_id}/recommendation", **allowed(R.call_taker, R.dispatcher, R.supervisor),
            responses={409: {"description": "the incident is closed or has no map location yet"}})
async def recommendation(incident_id: str, database: Reader, request: Request):
    """The available units that fill the incident's response plan fastest by road, with alternates and reasons."""
    speeds = request.app.state.settings.road_speeds_kmh
    recommender = await run_in_threadpool(default_recommender, speeds)  # the first call builds the graph (~1 s)

    def run() -> dict:
        with database.read() as db:
            return service.recommend(db, incident_id=incident_id, recommender=recommender, plans=response_plans(db)).to_json()

    return await run_in_threadpool(run)


@router.post("/{incident_id}/dispatch-recommended", **allowed(R.dispatcher, R.supervisor))
def dispatch_recommended(incident_id: str, cmd: Cmd, request: Request):
    """Dispatch the recommended units in one command; answers the incident and the recommendation used."""
    recommender = default_recommender(request.app.state.settings.road_speeds_kmh)

    def run(uow):  # noqa: ANN001, ANN202
        rec = service.dispatch_recommended(uow, incident_id=incident_id, recommender=recommender, plans=response_plans(uow.session))
        return {"incident": detail(uow.session, incident_service.get_or_raise(uow.session, incident_id=incident_id)),
                "recommendation": rec.to_json()}

    return cmd.run(run)

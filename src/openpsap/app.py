"""create_app(settings) -> FastAPI: routers under /api/v1, one error shape, body limit, live bus."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from openpsap import __version__
from openpsap.api import errors
from openpsap.api import events as events_views
from openpsap.api import meta as meta_views
from openpsap.api import openapi
from openpsap.api.requestlog import RequestLog
from openpsap.api.bus import EventBus
from openpsap.auth import views as auth_views
from openpsap.auth.throttle import LoginThrottle
from openpsap.calls import views as call_views
from openpsap.clock import Clock, SystemClock
from openpsap.eventlog.unit_of_work import CommandRunner
from openpsap.config import Settings
from openpsap.configuration import views as configuration_views
from openpsap.console import views as console_views
from openpsap.db import Database
from openpsap.dispatching import views as dispatching_views
from openpsap.geo import views as geo_views
from openpsap.incidents import views as incident_views
from openpsap.interop import views as interop_views
from openpsap.interop.cap import views as cap_views
from openpsap.interop.conveyance import views as conveyance_views
from openpsap.incidents.priority import PriorityScale
from openpsap.jurisdiction.loading import activate as activate_jurisdiction
from openpsap.jurisdiction import views as jurisdiction_views
from openpsap.mdt import page as mdt_page
from openpsap.mdt import views as mdt_views
from openpsap.stations import views as station_views
from openpsap.supervision import views as supervision_views
from openpsap.triage import views as triage_views
from openpsap.care import views as care_views
from openpsap.speech import views as speech_live_views
from openpsap.units import views as unit_views

API = "/api/v1"
WORKER_THREADS = 8  # sync routes and dependencies running at once (anyio default: 40)


def create_app(settings: Settings, *, database: Database | None = None, clock: Clock | None = None) -> FastAPI:
    db = database or Database(settings.resolved_database_url(), sqlite_synchronous=settings.sqlite_synchronous)
    bus = EventBus()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        bus.attach(asyncio.get_running_loop())
        # few worker threads: on one GIL, 40 threads queueing on the write gate / row locks only add hand-offs
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        listener = None
        if not db.is_sqlite:  # other servers' commits wake this server's streams at once (LISTEN/NOTIFY)
            from openpsap.api.listen import Listener

            listener = Listener(db.url, bus.notify)
            listener.start()
        yield
        if listener is not None:
            listener.stop()
        if database is None:
            db.dispose()

    app = FastAPI(
        title="openpsap",
        version=__version__,
        description="911 call handling, triage and computer-aided dispatch. Every route lists its roles in x-roles.",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # served by api/meta.py from the package's own copy of Swagger UI (no CDN)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.jurisdiction = activate_jurisdiction(db)  # the roads and addresses this server routes and geocodes on
    settings.use_eta_model()  # OPENPSAP_ETA_MODEL: calibrated speeds, intersection delay, start-up times
    app.state.clock = clock or SystemClock()
    app.state.bus = bus
    app.state.principals = {}  # token -> (valid until, Principal); see api/deps.py
    app.state.runner = CommandRunner(db, clock=app.state.clock, on_commit=bus.notify)
    app.state.priority_scale = PriorityScale(settings.priority_scale)
    app.state.login_throttle = LoginThrottle(settings.login_failures_per_user, settings.login_failures_per_client)
    for router in (
        meta_views.router, auth_views.router, call_views.router, incident_views.router,
        unit_views.router, station_views.router, events_views.router, dispatching_views.router,
        geo_views.router, triage_views.router, care_views.router, supervision_views.router, configuration_views.router, mdt_views.router, jurisdiction_views.router,
        interop_views.router, conveyance_views.router, cap_views.router,
    ):
        app.include_router(router, prefix=API)
    app.include_router(speech_live_views.router, prefix=API)  # live call audio and transcript (WebSocket)
    app.include_router(care_views.page)  # the public story at /public (no login)
    app.include_router(cap_views.page)  # public alerts as CAP 1.2 XML and Atom at /public/alerts (no login)
    console_views.install(app)  # the console at /, its static files and the basemap
    mdt_page.install(app)  # the field unit's screen at /unit

    errors.install(app)
    openapi.install(app)
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes, timeout_s=settings.body_timeout_seconds)
    app.add_middleware(errors.NoNulInUrl)
    app.add_middleware(errors.SecurityHeaders, api_prefix=API, docs=(f"{API}/docs",))
    app.add_middleware(RequestLog)  # outermost: every answer has its X-Request-ID and its log line
    return app


SERVE_LOG_LEVEL = "OPENPSAP_SERVE_LOG_LEVEL"  # `serve --log-level`, passed on to its worker processes


def prepare_process(settings: Settings, log_level: str) -> str:
    """What each server process sets up before serving: its slow-client limits and its log format. Returns the
    HTTP protocol for uvicorn."""
    from openpsap.api.requestlog import configure as configure_logs
    from openpsap.api.slow_clients import configure

    configure_logs(settings.log_format, log_level)
    return configure(settings.header_timeout_seconds, settings.max_header_bytes)


def from_environment() -> FastAPI:
    """The app for a worker process of `openpsap serve --workers N` (uvicorn's factory): settings from OPENPSAP_*."""
    import os

    settings = Settings()
    prepare_process(settings, os.environ.get(SERVE_LOG_LEVEL, "info"))
    return create_app(settings)

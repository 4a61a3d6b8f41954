"""The demo comes alive: the real SF week replayed, time-compressed, into a running server's database.

compress() moves every time of the loaded calls so the first call rings a few seconds from now and the
week runs `factor` times faster (60: an hour of calls in a minute). The replay then runs at wall-clock
pace with its durations (travel, retries) compressed by the same factor, so event times are real times
and the console's timers make sense. Same services, same events as any replay. No web imports.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import UTC, datetime, timedelta

from openpsap.simulation.loaders import HistoricalCall, Loaded, Response, sf_week_path

log = logging.getLogger("openpsap.demo.replay")


def compress(loaded: Loaded, *, start: datetime, factor: float) -> Loaded:
    if not loaded.calls:
        return loaded
    t0 = loaded.calls[0].received_at

    def move(t: datetime) -> datetime:
        return start + (t - t0) / factor

    def maybe(t: datetime | None) -> datetime | None:
        return None if t is None else move(t)

    def response(r: Response) -> Response:
        return dataclasses.replace(r, dispatch_at=maybe(r.dispatch_at), enroute_at=maybe(r.enroute_at),
                                   onscene_at=maybe(r.onscene_at), transport_at=maybe(r.transport_at),
                                   hospital_at=maybe(r.hospital_at), available_at=maybe(r.available_at))

    def call(c: HistoricalCall) -> HistoricalCall:
        return dataclasses.replace(c, received_at=move(c.received_at), entry_at=maybe(c.entry_at),
                                   dispatch_at=maybe(c.dispatch_at), responses=tuple(response(r) for r in c.responses))

    return dataclasses.replace(loaded, calls=[call(c) for c in loaded.calls])


@dataclasses.dataclass
class LiveReplay:
    thread: threading.Thread
    stop: threading.Event

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


def start_in_background(database_url: str, *, factor: float, seed: int = 1, delay_s: float = 5.0) -> LiveReplay:
    """Replay the shipped SF week into `database_url` (which already holds the SF roster) in a daemon thread."""
    from openpsap.config import Settings
    from openpsap.db import Database
    from openpsap.dispatching.plans import default_plans
    from openpsap.incidents.priority import PriorityScale
    from openpsap.routing.graph import default_graph
    from openpsap.simulation.loaders import load
    from openpsap.simulation.mapping import guess, load as load_mapping
    from openpsap.simulation.replay import Replay
    from openpsap.simulation.roster import load_plan
    from openpsap.dispatching.recommend import remembering_recommender

    source = sf_week_path()
    week = load(source, load_mapping(guess(source)))
    settings = Settings()
    roster, _ = load_plan(None)

    stop = threading.Event()

    def run() -> None:
        database = Database(database_url)
        try:
            recommender = remembering_recommender(default_graph(settings.road_speeds_kmh))  # ~1 s: before the clock starts
            loaded = compress(week, start=datetime.now(UTC) + timedelta(seconds=delay_s), factor=factor)
            Replay(database, loaded, recommender=recommender,
                   plans=default_plans(), scale=PriorityScale(settings.priority_scale), roster=roster, seed=seed,
                   speed=1.0, batch=timedelta(seconds=1), time_scale=1.0 / factor, seed_units=False, stop=stop).run()
        except Exception:  # a demo helper: say what broke, never take the server down
            log.exception("the demo replay stopped")
        finally:
            database.dispose()

    thread = threading.Thread(target=run, name="demo-replay", daemon=True)
    thread.start()
    return LiveReplay(thread, stop)

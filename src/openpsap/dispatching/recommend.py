"""Unit recommendation: the available units that fill an incident's response plan with the smallest
road travel times, with alternates and the reason for each choice. PURE: no web, no database.

One Dijkstra search on the reversed road graph gives every unit's travel time to the incident; the
plan's slots are then filled by an optimal assignment (scipy linear_sum_assignment) over those times.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from openpsap.dispatching.plans import Plan, Slot
from openpsap.errors import InvalidInput, NoMapLocation
from openpsap.routing.eta_model import EtaModel, active_eta_model
from openpsap.routing.graph import RoadGraph
from openpsap.routing.router import Router

UNREACHABLE = 1e9


@dataclass(frozen=True)
class UnitView:
    """What the recommender needs to know about a unit."""

    id: str
    unit_type: str
    capabilities: frozenset[str]
    primary_status: str  # Available / ConditionallyAvailable / NotAvailable
    status: str
    incident_id: str | None
    lat: float | None
    lon: float | None
    incident_eido_priority: int | None = None  # of the incident the unit is committed to (0-10, 10 highest)

    @classmethod
    def at_posting(cls, unit) -> UnitView:  # noqa: ANN001 - a stations.seed.RosterUnit
        """A roster unit, available at its posting (the CLI and benchmark roster)."""
        return cls(unit.id, unit.unit_type, frozenset(unit.capabilities), "Available", "InService", None, unit.lat, unit.lon)


@dataclass
class Choice:
    unit_id: str
    unit_type: str
    eta_s: float
    road_m: float
    straight_m: float
    status: str
    reason: str
    route: list[list[float]] = field(default_factory=list)  # [lat, lon] from the unit to the incident, by road


@dataclass
class SlotResult:
    need: str
    picked: list[Choice] = field(default_factory=list)
    alternates: list[Choice] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # closer units not chosen, and why
    assigned: list[str] = field(default_factory=list)  # units already on this incident that fill the slot
    unfilled: int = 0
    unfilled_reason: str = ""


@dataclass
class Recommendation:
    plan: str
    note: str
    snapped_m: float
    slots: list[SlotResult]

    @property
    def unit_ids(self) -> list[str]:
        return [c.unit_id for s in self.slots for c in s.picked]

    def to_json(self) -> dict:
        return {"plan": self.plan, "note": self.note, "snapped_m": round(self.snapped_m, 1),
                "units": self.unit_ids, "slots": [asdict(s) for s in self.slots]}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


class Recommender:
    """Recommends units by road time, asking a Router (routing/router.py); keeps a cache of snapped unit positions."""

    def __init__(self, graph: RoadGraph, router: Router | None = None, model: EtaModel | None = None) -> None:
        """model: the start-up time per unit type added to each unit's road time (default the process's ETA model,
        routing/eta_model.py; none: no start-up time)."""
        self.graph = graph
        self.router = router or Router(graph)
        self.model = model if model is not None else active_eta_model()
        self._snaps: dict[tuple[float, float], int | None] = {}

    def _node(self, lat: float, lon: float) -> int | None:
        key = (lat, lon)
        if key not in self._snaps:
            try:
                self._snaps[key] = self.graph.snap(lat, lon).node
            except InvalidInput:
                self._snaps[key] = None  # a unit off the map cannot be routed
        return self._snaps[key]

    def _road(self, node: int, target: int, pred: np.ndarray) -> tuple[float, list[list[float]]]:
        """Metres by road and the route's points (every 3rd node, ends kept), unit to incident."""
        path = self.router.path_to(node, target, pred)
        nodes = path.nodes
        keep = nodes[::3] + ([nodes[-1]] if (len(nodes) - 1) % 3 else [])
        route = [[round(float(self.graph.lat[n]), 5), round(float(self.graph.lon[n]), 5)] for n in keep]
        return path.metres, route

    def search(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Travel seconds from every node to `node`, and the shortest-path tree: the router's one search."""
        return self.router.times_to(node)

    def recommend(self, *, lat: float, lon: float, plan: Plan, units: list[UnitView],
                  incident_id: str | None = None) -> Recommendation:
        """Units for what the plan still needs: units already on `incident_id` fill their slots first, so a
        second request after a dispatch recommends only what is missing."""
        try:
            snap = self.graph.snap(lat, lon)
        except InvalidInput as exc:  # the incident's recorded place is off the map: its state, not the request
            raise NoMapLocation(exc.message, **exc.details) from None
        assigned: list[list[str]] = [[] for _ in plan.slots]
        narrowest = sorted(range(len(plan.slots)), key=lambda k: len(plan.slots[k].types))  # leave broad slots open
        for u in (u for u in units if incident_id is not None and u.incident_id == incident_id):
            k = next((k for k in narrowest if len(assigned[k]) < plan.slots[k].count
                      and plan.slots[k].fits(u.unit_type, u.capabilities)), None)
            if k is not None:
                assigned[k].append(u.id)
        seconds, pred = self.search(snap.node)
        views: list[tuple[UnitView, float, float]] = []  # unit, eta, straight-line metres
        for u in units:
            if u.lat is None or u.lon is None:
                continue
            node = self._node(u.lat, u.lon)
            eta = float(seconds[node]) + (self.model.startup(u.unit_type) if self.model else 0.0) if node is not None else math.inf
            views.append((u, eta, haversine_m(lat, lon, u.lat, u.lon)))
        free = [v for v in views if v[0].primary_status != "NotAvailable" and math.isfinite(v[1])]
        needed = [slot.count - len(assigned[k]) for k, slot in enumerate(plan.slots)]
        rows = [slot for k, slot in enumerate(plan.slots) for _ in range(needed[k])]
        picks: dict[int, int] = {}
        if rows and free:
            etas = np.array([eta for _, eta, _ in free])
            fits = {slot: np.array([slot.fits(u.unit_type, u.capabilities) for u, _, _ in free]) for slot in plan.slots}
            cost = np.vstack([np.where(fits[slot], etas, UNREACHABLE) for slot in rows])
            for i, j in zip(*linear_sum_assignment(cost), strict=True):
                if cost[i, j] < UNREACHABLE:
                    picks[int(i)] = int(j)
        taken = set(picks.values())
        results: list[SlotResult] = []
        row = 0
        for k, slot in enumerate(plan.slots):
            result = SlotResult(need=slot.describe(), assigned=assigned[k])
            chosen = [picks[i] for i in range(row, row + needed[k]) if i in picks]
            row += needed[k]
            for j in sorted(chosen, key=lambda j: free[j][1]):
                u, eta, straight = free[j]
                node = self._node(float(u.lat), float(u.lon)) if u.lat is not None and u.lon is not None else None
                if node is None:  # cannot happen: units off the map were left out of `free`
                    continue
                road, route = self._road(node, snap.node, pred)
                where = f" (at {u.incident_id})" if u.incident_id else ""
                result.picked.append(Choice(u.id, u.unit_type, round(eta, 1), round(road), round(straight), u.status,
                                            f"ETA {_minutes(eta)}, {road / 1000:.1f} km by road; {u.status}{where}",
                                            route))
            result.unfilled = needed[k] - len(result.picked)
            fitting = [(j, v) for j, v in enumerate(free) if slot.fits(v[0].unit_type, v[0].capabilities) and j not in taken]
            for j, (u, eta, straight) in sorted(fitting, key=lambda x: x[1][1])[:2]:
                result.alternates.append(Choice(u.id, u.unit_type, round(eta, 1), 0, round(straight), u.status,
                                                f"ETA {_minutes(eta)}; {u.status}"))
            result.skipped = self._skipped(slot, result, views)
            if result.unfilled:
                result.unfilled_reason = self._why_unfilled(slot, views)
            results.append(result)
        return Recommendation(plan.name, plan.note, snap.distance_m, results)

    @staticmethod
    def _skipped(slot: Slot, result: SlotResult, views: list[tuple[UnitView, float, float]]) -> list[str]:
        if not result.picked:
            return []
        farthest = max(c.straight_m for c in result.picked)
        picked = {c.unit_id for c in result.picked}
        slowest = max(c.eta_s for c in result.picked)
        notes = []
        for u, eta, straight in sorted(views, key=lambda v: v[2]):
            if straight >= farthest or u.id in picked or not slot.fits(u.unit_type, u.capabilities):
                continue
            if u.primary_status == "NotAvailable":
                where = f" at {u.incident_id}" if u.incident_id else ""
                notes.append(f"{u.id} is closer ({straight / 1000:.1f} km) but {u.status}{where}")
            elif not math.isfinite(eta):
                notes.append(f"{u.id} is closer ({straight / 1000:.1f} km) but has no road route to the incident")
            elif eta > slowest:
                notes.append(f"{u.id} is closer in a straight line ({straight / 1000:.1f} km) but slower by road "
                             f"(ETA {_minutes(eta)})")
            if len(notes) == 3:
                break
        return notes

    @staticmethod
    def _why_unfilled(slot: Slot, views: list[tuple[UnitView, float, float]]) -> str:
        fitting = [v for v in views if slot.fits(v[0].unit_type, v[0].capabilities)]
        if not fitting:
            return f"no unit in the roster is {slot.describe().split(' x ', 1)[1]}; request mutual aid"
        busy = sorted(
            (v for v in fitting if v[0].primary_status == "NotAvailable" and math.isfinite(v[1])),
            key=lambda v: (v[0].incident_eido_priority if v[0].incident_eido_priority is not None else 11, v[1]),
        )  # units on the least urgent incidents first, then the fastest
        if busy:
            def where(u: UnitView) -> str:
                if not u.incident_id:
                    return ""
                prio = f", priority {u.incident_eido_priority}/10" if u.incident_eido_priority is not None else ""
                return f" at {u.incident_id}{prio}"

            nxt = ", ".join(f"{u.id} ({u.status}{where(u)}, ETA {_minutes(eta)})" for u, eta, _ in busy[:3])
            return f"no available unit; next best, now committed: {nxt or 'none reachable'}; or request mutual aid"
        return "no available unit can reach the incident by road"


REPLAY_SEARCHES = 512  # about 0.65 MB each on the SF graph; the SF week calls at 2,086 road nodes


def remembering_recommender(graph: RoadGraph, entries: int = REPLAY_SEARCHES) -> Recommender:
    """A Recommender whose Router remembers its last `entries` searches (the replay: block-level addresses
    repeat). Same answers; `recommender.router.hits` / `.misses` say how often it helped."""
    return Recommender(graph, Router(graph, cache_entries=entries))


_recommenders: dict[tuple, Recommender] = {}


def default_recommender(speeds_kmh: dict[str, float] | None = None) -> Recommender:
    """A Recommender over the process's graph (San Francisco as shipped, or the imported jurisdiction in use),
    built once per process, network and speed table."""
    from openpsap.routing.graph import default_graph, network_key

    model = active_eta_model()
    key = (network_key(), model.key + tuple(sorted(model.startup_s.items())) + (model.other_startup_s,) if model else (),
           *sorted((speeds_kmh or {}).items()))  # an imported jurisdiction has its own graph
    if key not in _recommenders:
        _recommenders[key] = Recommender(default_graph(speeds_kmh))
    return _recommenders[key]

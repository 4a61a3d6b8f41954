"""Assumed emergency-response speeds per OpenStreetMap road class (km/h).

The SF network carries no speeds, so each segment's travel time is its length over the speed of its
class. These defaults are a starting point for lights-and-sirens driving in a dense city; issue 4's
ETA validation fits them to the real SFFD travel times. Override with a JSON object mapping class to
km/h (RoadSpeeds.from_mapping). An imported jurisdiction's posted limits (OSM maxspeed) cap these per segment
(routing/graph.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_KMH: dict[str, float] = {
    "motorway": 80.0,
    "motorway_link": 50.0,
    "trunk": 60.0,
    "trunk_link": 45.0,
    "primary": 45.0,
    "primary_link": 35.0,
    "secondary": 40.0,
    "secondary_link": 30.0,
    "tertiary": 35.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "service": 15.0,
    "alley": 10.0,
    "living_street": 15.0,  # not in the SF network: imported jurisdictions (jurisdiction/osm.py)
    "busway": 35.0,
}
FALLBACK_KMH = 25.0  # a class not listed above


@dataclass(frozen=True)
class RoadSpeeds:
    kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_KMH))
    fallback_kmh: float = FALLBACK_KMH

    def __post_init__(self) -> None:
        for road_class, speed in {**self.kmh, "(fallback)": self.fallback_kmh}.items():
            if not 1.0 <= speed <= 200.0:
                raise ValueError(f"speed for road class {road_class!r} is {speed} km/h; use 1-200 km/h")

    @classmethod
    def from_mapping(cls, mapping: dict[str, float]) -> RoadSpeeds:
        """Defaults, overridden by `mapping` (e.g. {"residential": 25})."""
        return cls({**DEFAULT_KMH, **{k: float(v) for k, v in mapping.items()}})

    def metres_per_second(self, road_class: str) -> float:
        return self.kmh.get(road_class, self.fallback_kmh) / 3.6

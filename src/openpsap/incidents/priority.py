"""Agency priority scales and their EIDO common priority (0-10, 10 highest). PURE."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpsap.errors import InvalidInput

DEFAULT_SCALE: dict[str, int] = {"P1": 10, "P2": 8, "P3": 6, "P4": 4, "P5": 2}


@dataclass(frozen=True)
class PriorityScale:
    """An agency's priorities, most urgent first, each mapped to EIDO 0-10."""

    levels: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SCALE))

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError("a priority scale needs at least one level, e.g. {'P1': 10}")
        for name, eido in self.levels.items():
            if not 0 <= eido <= 10:
                raise ValueError(f"priority {name} maps to EIDO {eido}; EIDO priorities are 0-10")

    def eido(self, priority: str) -> int:
        try:
            return self.levels[priority]
        except KeyError:
            raise InvalidInput(
                f"unknown priority {priority!r}; this agency uses {', '.join(self.levels)}",
                field="priority",
            ) from None

    @property
    def lowest(self) -> str:
        return list(self.levels)[-1]

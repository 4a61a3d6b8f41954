"""What a supervisor sends to issue, update or cancel a public alert: CAP 1.2's enumerations, spelled as CAP spells
them, and lengths a public alert keeps to (a headline under 160 characters, as CAP recommends)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openpsap.schemas import Lat, Lon, Strict

Urgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
Severity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
Certainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]
Category = Literal["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE",
                   "Other"]
ResponseType = Literal["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"]
Point = Annotated[list[float], Field(min_length=2, max_length=2, description="[lat, lon], WGS84")]


class Circle(Strict):
    lat: Lat
    lon: Lon
    radius_km: float = Field(gt=0, le=500, description="radius in kilometres")


class AlertArea(Strict):
    description: str = Field(min_length=1, max_length=300, description="the area in words (CAP areaDesc), e.g. "
                             "'Fell St between Gough St and Octavia St'")
    polygon: list[Point] | None = Field(default=None, min_length=3, max_length=500,
                                        description="corners as [lat, lon]; closed (first point repeated) if not")
    circle: Circle | None = None


class AlertContent(Strict):
    event: str = Field(min_length=1, max_length=80, description="what is happening, in a few words (CAP event)")
    category: Category = Field(default="Safety", description="CAP category")
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    headline: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=2000)
    instruction: str = Field(default="", max_length=1000, description="what the public should do")
    response_types: list[ResponseType] = Field(default_factory=list, max_length=9, description="CAP responseType")
    expires_in_minutes: int = Field(default=240, ge=5, le=10080,
                                    description="the alert expires this long after it is sent")
    area: AlertArea

    def public_text(self) -> dict[str, str | None]:
        """The text a supervisor wrote, for the private-data check."""
        return {"event": self.event, "headline": self.headline, "description": self.description,
                "instruction": self.instruction, "area.description": self.area.description}


class AlertIssue(AlertContent):
    status: Literal["Actual", "Exercise", "Test"] = Field(default="Actual", description="CAP status: Exercise and Test "
                                                          "alerts are for drills; readers ignore them")


class AlertCancel(Strict):
    note: str = Field(default="", max_length=500, description="why, for the public (CAP note)")

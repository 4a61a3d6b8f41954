"""A CAP 1.2 message (OASIS Common Alerting Protocol) as XML, from an alert's recorded content. PURE.

CAP's enumerations are checked at the edge (schemas.py) and again by the OASIS schema (xsd.py); times are written as
CAP wants them (no fractions, UTC as -00:00); an area is a closed polygon ("lat,lon" pairs) or a circle
("lat,lon radius_km").
Builds with lxml; reads nothing. Imports neither FastAPI nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from openpsap.errors import InvalidInput

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"  # the IANA-registered media type of CAP; XML readers take it
MAX_POLYGON_POINTS = 500
MAX_RADIUS_KM = 500.0


def cap_time(moment: datetime) -> str:
    """2026-12-02T18:30:00-00:00: CAP's dateTime (no fractions; UTC written -00:00 as the standard asks)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "-00:00"


def check_polygon(points: Sequence[Sequence[float]]) -> list[list[float]]:
    """A polygon as CAP needs it: at least three distinct corners, closed (the first point repeated last; added when
    missing), each [lat, lon] in range, enclosing some area. Raises InvalidInput naming what is wrong."""
    if len(points) > MAX_POLYGON_POINTS:
        raise InvalidInput(f"the polygon has {len(points)} points; at most {MAX_POLYGON_POINTS}", field="area.polygon")
    out: list[list[float]] = []
    for i, point in enumerate(points):
        if len(point) != 2:
            raise InvalidInput(f"polygon point {i} must be [lat, lon]", field="area.polygon")
        lat, lon = float(point[0]), float(point[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidInput(f"polygon point {i} ({lat}, {lon}) is outside latitude -90..90 / longitude -180..180",
                               field="area.polygon")
        out.append([lat, lon])
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len({(lat, lon) for lat, lon in out}) < 3:
        raise InvalidInput("a polygon needs at least three distinct corners", field="area.polygon")
    twice_area = sum(a[1] * b[0] - b[1] * a[0] for a, b in zip(out, out[1:], strict=False))
    if abs(twice_area) < 1e-12:
        raise InvalidInput("the polygon encloses no area (its corners are on one line)", field="area.polygon")
    return out


def check_circle(lat: float, lon: float, radius_km: float) -> dict[str, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(f"the circle's centre ({lat}, {lon}) is outside latitude -90..90 / longitude -180..180",
                           field="area.circle")
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise InvalidInput(f"the circle's radius must be more than 0 and at most {MAX_RADIUS_KM:g} km",
                           field="area.circle.radius_km")
    return {"lat": lat, "lon": lon, "radius_km": radius_km}


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _add(parent: etree._Element, name: str, text: str | None) -> None:
    if text:
        etree.SubElement(parent, f"{{{NS}}}{name}").text = text


def build(*, identifier: str, sender: str, sent: str, status: str, msg_type: str, references: Sequence[str] = (),
          note: str | None = None, incidents: str | None = None, info: dict[str, Any] | None = None,
          web: str | None = None) -> bytes:
    """The CAP 1.2 <alert> document. `references`: earlier messages as "sender,identifier,sent" each; `info`: the
    alert's content as recorded (event, category, urgency, severity, certainty, headline, description, instruction,
    response_types, expires, area_desc, polygon or circle, incident_type)."""
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    for name, value in (("identifier", identifier), ("sender", sender), ("sent", sent), ("status", status),
                        ("msgType", msg_type), ("scope", "Public")):
        _add(alert, name, value)
    _add(alert, "note", note)
    _add(alert, "references", " ".join(references) or None)
    _add(alert, "incidents", incidents)
    if info is not None:
        block = etree.SubElement(alert, f"{{{NS}}}info")
        _add(block, "language", "en-US")
        _add(block, "category", info["category"])
        _add(block, "event", info["event"])
        for response in info.get("response_types") or []:
            _add(block, "responseType", response)
        for name in ("urgency", "severity", "certainty"):
            _add(block, name, info[name])
        _add(block, "effective", info.get("effective"))
        _add(block, "expires", info.get("expires"))
        _add(block, "senderName", info.get("sender_name"))
        for name in ("headline", "description", "instruction"):
            _add(block, name, info.get(name))
        _add(block, "web", web)
        if info.get("incident_type"):  # the incident's type in public words (never the internal code)
            parameter = etree.SubElement(block, f"{{{NS}}}parameter")
            _add(parameter, "valueName", "incidentType")
            _add(parameter, "value", info["incident_type"])
        area = etree.SubElement(block, f"{{{NS}}}area")
        _add(area, "areaDesc", info["area_desc"])
        if info.get("polygon"):
            _add(area, "polygon", " ".join(f"{_number(lat)},{_number(lon)}" for lat, lon in info["polygon"]))
        if info.get("circle"):
            c = info["circle"]
            _add(area, "circle", f"{_number(c['lat'])},{_number(c['lon'])} {_number(c['radius_km'])}")
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8")

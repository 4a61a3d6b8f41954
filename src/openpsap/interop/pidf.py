"""PIDF-LO (RFC 4119, RFC 5491 GML shapes, RFC 5139 civic address) by value, as an EIDO location carries it. PURE.

build() writes a GML point (a circle when the uncertainty is known) and the civic address where known; parse()
reads a point, circle, ellipse, sphere or polygon and a civic address from another centre's PIDF-LO with a hardened
parser (defusedxml: no DTD, no entities, no external references, so no entity expansion or file/network reads).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_CHARS = 64_000
PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
CA = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
DM = "urn:ietf:params:xml:ns:pidf:data-model"
WGS84 = ("urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG::4979")
METHODS = {"device": "GPS", "network": "Cell", "civic": "Manual", "caller": "Manual", "manual": "Manual"}
ADDRESS = re.compile(r"^\s*(\d{1,6})\s+(?:BLOCK\s+OF\s+)?(\S.*)$", re.IGNORECASE)
STREET_PARTS = ("HNO", "HNS", "PRD", "RD", "STS", "POD")


class PidfError(ValueError):
    """A PIDF-LO that cannot be read (the message says why)."""


@dataclass
class Place:
    lat: float | None = None
    lon: float | None = None
    uncertainty_m: float | None = None
    civic: dict[str, str] = field(default_factory=dict)

    @property
    def street(self) -> str | None:
        """The street address ('42 W Cellular Street'), or the civic address's free text, or None."""
        if self.civic.get("RD"):
            return " ".join(self.civic[k] for k in STREET_PARTS if self.civic.get(k)) or None
        return self.civic.get("LOC") or self.civic.get("NAM") or None

    @property
    def address(self) -> str | None:
        """The street address with its town and state when given: what openpsap keeps as the address."""
        street = self.street
        if street is None:
            return None
        rest = [self.civic[k] for k in ("A3", "A1") if self.civic.get(k)]
        return ", ".join([street, *rest])[:300]


def _civic(address: str) -> str:
    m = ADDRESS.match(address)
    parts = [("HNO", m.group(1)), ("RD", m.group(2).strip())] if m else []
    parts.append(("LOC", address))
    return "<ca:civicAddress>" + "".join(f"<ca:{k}>{escape(v)}</ca:{k}>" for k, v in parts) + "</ca:civicAddress>"


def build(*, entity: str, lat: float | None, lon: float | None, uncertainty_m: float | None = None,
          address: str | None = None, source: str | None = None, timestamp: str | None = None) -> str:
    """A PIDF-LO with a GML point (or circle) and the civic address where known. Needs a point or an address."""
    shapes = []
    if lat is not None and lon is not None:
        pos = f"<gml:pos>{lat:.7f} {lon:.7f}</gml:pos>"
        if uncertainty_m:
            shapes.append(f'<gs:Circle srsName="{WGS84[0]}">{pos}'
                          f'<gs:radius uom="urn:ogc:def:uom:EPSG::9001">{uncertainty_m:.1f}</gs:radius></gs:Circle>')
        else:
            shapes.append(f'<gml:Point srsName="{WGS84[0]}">{pos}</gml:Point>')
    if address:
        shapes.append(_civic(address))
    if not shapes:
        raise PidfError("a location needs a point or an address")
    when = f"<dm:timestamp>{escape(timestamp)}</dm:timestamp>" if timestamp else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><presence xmlns="{PIDF}" xmlns:gp="{GP}" xmlns:gml="{GML}" '
            f'xmlns:gs="{GS}" xmlns:ca="{CA}" xmlns:dm="{DM}" entity={quoteattr("pres:" + entity)}>'
            f'<dm:device id="location"><gp:geopriv><gp:location-info>{"".join(shapes)}</gp:location-info>'
            f'<gp:usage-rules/><gp:method>{METHODS.get(source or "", "Manual")}</gp:method></gp:geopriv>{when}'
            f'</dm:device></presence>')


def _floats(text: str | None, what: str) -> list[float]:
    try:
        values = [float(v) for v in (text or "").split()]
    except ValueError:
        raise PidfError(f"{what} holds something other than numbers") from None
    if not values or not all(math.isfinite(v) for v in values):
        raise PidfError(f"{what} holds no usable numbers")
    return values


def _point(shape: Element) -> tuple[float, float]:
    pos = shape.find(f".//{{{GML}}}pos")
    values = _floats(pos.text, "gml:pos") if pos is not None else []
    if len(values) < 2:
        raise PidfError(f"{shape.tag.split('}')[-1]} has no gml:pos with a latitude and longitude")
    lat, lon = values[0], values[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PidfError(f"gml:pos {lat} {lon} is not a latitude and longitude")
    return lat, lon


def _metres(shape: Element, name: str) -> float | None:
    node = shape.find(f"{{{GS}}}{name}")
    if node is None:
        return None
    value = _floats(node.text, f"gs:{name}")[0]
    return value if 0 <= value <= 1_000_000 else None


def _polygon(shape: Element) -> tuple[float, float, float]:
    pos_list = shape.find(f".//{{{GML}}}posList")
    values = _floats(pos_list.text, "gml:posList") if pos_list is not None else [
        v for p in shape.iter(f"{{{GML}}}pos") for v in _floats(p.text, "gml:pos")[:2]]
    if len(values) < 6 or len(values) % 2:
        raise PidfError("a polygon needs at least three points")
    points = list(zip(values[::2], values[1::2], strict=True))
    if len(points) > 3 and points[0] == points[-1]:
        points.pop()  # a closed ring repeats its first point
    lat, lon = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PidfError("the polygon is not in latitude and longitude")
    reach = max(math.hypot((a - lat) * 111_320, (b - lon) * 111_320 * math.cos(math.radians(lat))) for a, b in points)
    return lat, lon, round(reach, 1)


def _shape(place: Place, shape: Element) -> None:
    name = shape.tag.split("}")[-1]
    srs = shape.get("srsName")
    if srs is not None and srs not in WGS84:
        raise PidfError(f"{name} uses {srs[:80]!r}; only WGS84 (EPSG::4326 or EPSG::4979) is read")
    if name == "Polygon":
        place.lat, place.lon, place.uncertainty_m = _polygon(shape)
        return
    place.lat, place.lon = _point(shape)
    if name in ("Circle", "Sphere"):
        place.uncertainty_m = _metres(shape, "radius")
    elif name in ("Ellipse", "Ellipsoid"):
        place.uncertainty_m = _metres(shape, "semiMajorAxis")


def parse(text: str) -> Place:
    """The first geodetic shape and the first civic address of a PIDF-LO. Raises PidfError."""
    if len(text) > MAX_CHARS:
        raise PidfError(f"the PIDF-LO is longer than {MAX_CHARS} characters")
    try:
        root = fromstring(text.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PidfError(f"the PIDF-LO was refused: {type(exc).__name__} (DTDs, entities and external references are not read)") from None
    except (ParseError, ValueError) as exc:
        raise PidfError(f"the PIDF-LO is not well-formed XML ({exc})") from None
    if root.tag != f"{{{PIDF}}}presence":
        raise PidfError(f"the PIDF-LO's root is {root.tag[:80]!r}, not a pidf presence element")
    place = Place()
    for info in root.iter(f"{{{GP}}}location-info"):
        for shape in info:
            ns = shape.tag.split("}")[0].lstrip("{")
            if ns in (GML, GS) and place.lat is None:
                _shape(place, shape)
            elif shape.tag == f"{{{CA}}}civicAddress" and not place.civic:
                place.civic = {c.tag.split("}")[-1]: " ".join((c.text or "").split())[:200] for c in shape
                               if c.tag.startswith(f"{{{CA}}}") and (c.text or "").strip()}
    if place.lat is None and not place.street:
        raise PidfError("the PIDF-LO holds neither a point nor a civic address openpsap can read")
    return place

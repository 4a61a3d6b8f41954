"""Imported jurisdictions in the database: store one (in the caller's transaction), list them, choose the one the
servers use, and read one back. The layers are gzipped CSV (jurisdiction/models.py says why)."""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openpsap.errors import Conflict, InvalidInput, NotFound
from openpsap.jurisdiction.models import Jurisdiction, JurisdictionLayer

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SAN_FRANCISCO = "sf"  # the shipped jurisdiction, never stored
ROAD_COLUMNS = ["from_lon", "from_lat", "to_lon", "to_lat", "length_m", "kind", "kind_detail", "name", "oneway",
                "maxspeed_kmh", "way_id"]
RESTRICTION_COLUMNS = ["before_lon", "before_lat", "via_lon", "via_lat", "after_lon", "after_lat", "only"]
ADDRESS_COLUMNS = ["street", "housenumber", "number", "lat", "lon"]
PLACE_COLUMNS = ["name", "kind", "lat", "lon"]


def check_name(name: str) -> str:
    if not NAME.match(name or "") or name == SAN_FRANCISCO:
        raise InvalidInput(f"jurisdiction name {name!r}: use 1-64 lowercase letters, digits, _ or - (not 'sf', the "
                           "shipped San Francisco)", field="name")
    return name


def encode(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return gzip.compress(out.getvalue().encode("utf-8"), compresslevel=6, mtime=0)


def decode(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8"))))


def save(db: Session, *, name: str, layers: dict[str, tuple[list[str], list[dict[str, Any]]]], source: str,
         source_sha256: str, summary: dict[str, Any], area: list[Any], centre: tuple[float, float],
         imported_at: datetime, replace: bool = False, activate: bool = True) -> Jurisdiction:
    """Store a jurisdiction (flushes; the caller commits). A name already taken is refused unless `replace`."""
    check_name(name)
    found = db.get(Jurisdiction, name)
    if found is not None:
        if not replace:
            raise Conflict(f"jurisdiction {name} is already imported; pass --replace to import it again", name=name)
        db.query(JurisdictionLayer).filter_by(jurisdiction=name).delete()
        db.delete(found)
        db.flush()
    if activate:
        db.execute(update(Jurisdiction).values(active=False))
    row = Jurisdiction(name=name, active=activate, imported_at=imported_at, source=source[-300:],
                       source_sha256=source_sha256, summary=summary, area=area, centre_lat=centre[0],
                       centre_lon=centre[1])
    db.add(row)
    db.flush()
    for layer, (columns, rows) in layers.items():
        db.add(JurisdictionLayer(jurisdiction=name, layer=layer, rows=len(rows), data=encode(columns, rows)))
    db.flush()
    return row


def list_all(db: Session) -> list[Jurisdiction]:
    return list(db.scalars(select(Jurisdiction).order_by(Jurisdiction.name)))


def active(db: Session) -> Jurisdiction | None:
    return db.scalars(select(Jurisdiction).where(Jurisdiction.active.is_(True))).first()


def use(db: Session, *, name: str) -> None:
    """Make `name` the jurisdiction the servers use ('sf': the shipped San Francisco). Servers pick it up when
    they start."""
    if name != SAN_FRANCISCO and db.get(Jurisdiction, name) is None:
        raise NotFound(f"no imported jurisdiction {name}; `openpsap jurisdiction list` shows them", name=name)
    db.execute(update(Jurisdiction).values(active=False))
    if name != SAN_FRANCISCO:
        db.execute(update(Jurisdiction).where(Jurisdiction.name == name).values(active=True))


@dataclass
class Stored:
    """A jurisdiction as read back: its row's values and its layers' rows."""

    name: str
    centre: tuple[float, float]
    area: list[Any]
    summary: dict[str, Any]
    layers: dict[str, list[dict[str, str]]]


def load(db: Session, *, name: str) -> Stored:
    row = db.get(Jurisdiction, name)
    if row is None:
        raise NotFound(f"no imported jurisdiction {name}; `openpsap jurisdiction list` shows them", name=name)
    layers = {layer.layer: decode(layer.data)
              for layer in db.scalars(select(JurisdictionLayer).where(JurisdictionLayer.jurisdiction == name))}
    return Stored(row.name, (row.centre_lat, row.centre_lon), row.area, dict(row.summary), layers)

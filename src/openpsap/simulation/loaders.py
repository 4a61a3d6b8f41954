"""Read a real calls-for-service export through its Mapping into HistoricalCall records.

Every row is either used or counted under a reason (never silently dropped): `Loaded.bad` maps
reason -> count and `Loaded.examples` keeps the first row number of each reason. Times are converted
from the source's local time zone to UTC. PURE: no web, no database.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from openpsap.simulation.mapping import Mapping

LOCATION = re.compile(r"^\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?$")
FIRST_UNIT = "first unit"  # call_rows sources: the incident-level times of its first unit
TIME_FIELDS = ("dispatch_at", "enroute_at", "onscene_at", "transport_at", "hospital_at", "available_at")


class SourceError(ValueError):
    """A source file that cannot be read at all (missing, not a CSV, columns absent)."""


@dataclass(frozen=True)
class Response:
    """One unit's recorded response to a call (for unit_rows sources)."""

    unit_id: str
    unit_type: str
    dispatch_at: datetime | None
    enroute_at: datetime | None
    onscene_at: datetime | None
    transport_at: datetime | None
    hospital_at: datetime | None
    available_at: datetime | None


@dataclass(frozen=True)
class HistoricalCall:
    source_id: str
    received_at: datetime
    entry_at: datetime | None
    dispatch_at: datetime | None  # first unit dispatched
    call_type: str  # as the source wrote it
    incident_type: str  # APCO code
    priority: str  # P1..P5
    source_priority: str
    lat: float | None
    lon: float | None
    address: str | None
    disposition: str | None
    channel: str | None
    responses: tuple[Response, ...] = ()


@dataclass
class Loaded:
    source: str
    mapping: Mapping
    rows: int = 0
    calls: list[HistoricalCall] = field(default_factory=list)
    bad: Counter[str] = field(default_factory=Counter)
    examples: dict[str, int] = field(default_factory=dict)  # reason -> first (1-based data) row number

    def reject(self, reason: str, row_number: int) -> None:
        self.bad[reason] += 1
        self.examples.setdefault(reason, row_number)

    @property
    def unit_responses(self) -> int:
        return sum(len(c.responses) for c in self.calls)


def _open(path: Path) -> io.TextIOBase:
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    if path.is_dir():
        raise SourceError(f"{path} is a folder; pass a CSV file (.csv or .csv.gz)")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115


class _Row:
    def __init__(self, mapping: Mapping, raw: dict[str, str]) -> None:
        self.mapping, self.raw = mapping, raw

    def text(self, name: str) -> str | None:
        column = self.mapping.columns.get(name)
        if column is None:
            return None
        value = (self.raw.get(column) or "").strip()
        return None if value in self.mapping.missing else value

    def time(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        for fmt in self.mapping.datetime_formats:
            try:
                local = datetime.strptime(value, fmt)
            except ValueError:
                continue
            return local.replace(tzinfo=self.mapping.timezone).astimezone(UTC)
        raise ValueError(f"unreadable time in {self.mapping.columns[name]}")


def _location(row: _Row) -> tuple[float | None, float | None] | None:
    """(lat, lon), (None, None) when the source has none, or None when it is malformed."""
    text = row.text("location")
    if text is not None:
        m = LOCATION.match(text)
        if not m:
            return None
        lat, lon = float(m.group(1)), float(m.group(2))
    elif row.text("lat") is not None and row.text("lon") is not None:
        try:
            lat, lon = float(row.text("lat") or ""), float(row.text("lon") or "")
        except ValueError:
            return None
    else:
        return (None, None)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return (lat, lon)


SF_WEEK_FILE = "sffd_calls_2016-12-31_to_2017-01-07.csv.gz"  # shipped in the package (DataSF, PDDL)


def sf_week_path() -> Path:
    """The SFFD week of calls shipped in the package (`openpsap replay sf-week`, the live demo)."""
    from importlib.resources import files

    return Path(str(files("openpsap.data").joinpath(SF_WEEK_FILE)))


def load(path: Path, mapping: Mapping) -> Loaded:
    """Read the whole file. Raises SourceError when the file or its header is unusable."""
    loaded = Loaded(source=str(path), mapping=mapping)
    grouped: dict[str, tuple[HistoricalCall, list[Response]]] = {}
    try:
        with _open(path) as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in mapping.columns.values() if c not in header]
            if missing:
                raise SourceError(f"{path.name} lacks column(s) {', '.join(missing)} that mapping {mapping.name!r} "
                                  f"expects; is this a {mapping.title} file? (pass --mapping)")
            for number, raw in enumerate(reader, start=1):
                loaded.rows += 1
                _take(loaded, grouped, _Row(mapping, raw), number)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as exc:
        raise SourceError(f"{path.name} is not a readable CSV ({type(exc).__name__}: {exc})") from None
    for call, responses in grouped.values():
        responses.sort(key=lambda r: (r.dispatch_at or call.received_at, r.unit_id))
        dispatched = [r.dispatch_at for r in responses if r.dispatch_at]
        first = min(dispatched) if dispatched else call.dispatch_at
        loaded.calls.append(replace(call, responses=tuple(responses), dispatch_at=first))
    loaded.calls.sort(key=lambda c: (c.received_at, c.source_id))
    return loaded


def _take(loaded: Loaded, grouped: dict[str, tuple[HistoricalCall, list[Response]]], row: _Row, number: int) -> None:
    mapping = loaded.mapping
    call_id = row.text("call_id")
    if call_id is None:
        loaded.reject("no call id", number)
        return
    known = grouped.get(call_id)
    if known is not None and mapping.layout == "call_rows":
        loaded.reject("duplicate call id", number)
        return
    try:
        times = {name: row.time(name) for name in ("received_at", "entry_at", *TIME_FIELDS)}
    except ValueError as exc:
        loaded.reject(str(exc), number)
        return
    if times["received_at"] is None:
        loaded.reject("no received time", number)
        return
    if mapping.layout == "unit_rows":
        unit_id = row.text("unit_id")
        if unit_id is None:
            loaded.reject("no unit id", number)
            return
        response = Response(unit_id, row.text("unit_type") or "", *(times[n] for n in TIME_FIELDS))
    if known is not None:  # another unit of a call already read
        known[1].append(response)
        return
    call_type = row.text("call_type")
    if call_type is None:
        loaded.reject("no call type", number)
        return
    source_priority = row.text("priority") or ""
    priority = mapping.priority(source_priority) if mapping.priorities else "P3"
    if priority is None:
        loaded.reject(f"unknown priority {source_priority!r}", number)
        return
    code = mapping.incident_type(call_type, source_priority, row.raw)
    if code is None:
        loaded.reject(f"unmapped call type {call_type!r}", number)
        return
    where = _location(row)
    if where is None:
        loaded.reject("malformed location", number)
        return
    call = HistoricalCall(
        source_id=call_id,
        received_at=times["received_at"],
        entry_at=times["entry_at"],
        dispatch_at=times["dispatch_at"],
        call_type=call_type,
        incident_type=code,
        priority=priority,
        source_priority=source_priority,
        lat=where[0],
        lon=where[1],
        address=row.text("address"),
        disposition=row.text("disposition"),
        channel=row.text("channel"),
    )
    if mapping.layout == "unit_rows":
        responses = [response]
    elif mapping.columns.get("onscene_at"):  # incident-level unit times: the first unit's response
        responses = [Response(FIRST_UNIT, FIRST_UNIT, *(times[n] for n in TIME_FIELDS))]
    else:
        responses = []
    grouped[call_id] = (call, responses)

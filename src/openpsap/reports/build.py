"""Build the KPI report of one replay run (its run.json and database) as one JSON-able dict.
No web imports; reads the run's database read-only."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpsap.db import Database
from openpsap.dispatching.plans import default_plans
from openpsap.reports import kpis, phone
from openpsap.reports.care import measures as care_measures
from openpsap.reports.care import non_emergency_types
from openpsap.simulation.loaders import load
from openpsap.simulation.mapping import load as load_mapping
from openpsap.stations.seed import sf_units

RUN_FILE = "run.json"


class ReportError(ValueError):
    """A run folder or option the report cannot use; the message says what to do."""


def read_run(folder: Path) -> dict:
    path = folder / RUN_FILE
    if not path.exists():
        raise ReportError(f"{folder} is not a replay run folder (no {RUN_FILE}); make one with `openpsap replay SOURCE --out DIR`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path} is damaged ({exc}); replay again") from None


def phone_files(run: dict, mapping_phone: str | None, week_pattern: str | None) -> list[Path]:
    if not mapping_phone or not week_pattern:
        return []
    source = Path(run["source"])
    m = re.search(week_pattern, source.name)
    if not m:
        return []
    candidate = source.parent / mapping_phone.format(week=m.group("week"))
    return [candidate] if candidate.exists() else []


def build(folder: Path, start: datetime | None = None, end: datetime | None = None) -> dict:
    run = read_run(folder)
    mapping = load_mapping(run["mapping"])
    tz = ZoneInfo(run["timezone"])
    source = Path(run["source"])
    if not source.exists():
        raise ReportError(f"the run's source file {source} is gone; the historical side needs it")
    loaded = load(source, mapping)
    if run.get("limit"):
        loaded.calls = loaded.calls[: run["limit"]]
    hist = kpis.historical(loaded.calls, start, end)
    db = Database(run["database"], sqlite_synchronous="NORMAL")
    try:
        with db.read() as session:
            sim, shortages = kpis.simulated(session, start, end)
            non_emergency = non_emergency_types(sim.types, default_plans()) | set(mapping.non_emergency)
            care = care_measures(session, non_emergency_types=non_emergency, repeat_calls=5, repeat_days=30,
                                 start=start, end=end, now=max(sim.received) if sim.received else None)
    finally:
        db.dispose()
    if not sim.received:
        raise ReportError("no replayed call falls in the chosen --from/--to window")
    t0 = max(min(sim.received), start) if start else min(sim.received)
    t1 = min(max(sim.received), end) if end else max(sim.received)
    roster = Counter(u.unit_type for u in sf_units())
    hist_fleet = Counter(kind for _, kind in {(unit, kind) for unit, kind, _, _ in hist.busy})
    report = {
        "run": {k: run[k] for k in ("source", "mapping", "seed", "plan", "plan_changes", "rows", "source_calls",
                                    "source_unit_responses", "bad_rows", "result") if k in run},
        "window": {"from": t0.isoformat(), "to": t1.isoformat(), "timezone": str(tz)},
        "calls": {"simulated": len(sim.received), "historical": len(hist.received),
                  "types_simulated": dict(sorted(sim.types.items())), "types_historical": dict(sorted(hist.types.items()))},
        "calls_by_hour": kpis.calls_by_hour(sim.received, tz),
        "calls_by_day": kpis.calls_by_day(sim.received, tz),
        "processing_by_priority": {"simulated": kpis.by(sim.processing, 0), "historical": kpis.by(hist.processing, 0)},
        "response_by_priority": {"simulated": kpis.by(sim.response, 0), "historical": kpis.by(hist.response, 0)},
        "response_by_unit_type": {"simulated": kpis.by(sim.response, 1), "historical": kpis.by(hist.response, 1)},
        "response_all": {"simulated": kpis.percentiles([r[-1] for r in sim.response]),
                         "historical": kpis.percentiles([r[-1] for r in hist.response])},
        "unit_responses": {"simulated": sim.responses, "historical": hist.responses},
        "utilisation_by_unit_type": {
            "simulated": kpis.utilisation(sim.busy, t0, t1, dict(roster)),
            "historical": kpis.utilisation(hist.busy, t0, t1, dict(hist_fleet)),
        },
        "no_unit_available": {
            "incidents": len({s.incident_id for s in shortages}),
            "by_hour": kpis.calls_by_hour([s.at for s in shortages], tz),
            "first": [{"at": s.at.isoformat(), "incident": s.incident_id, "type": s.incident_type, "priority": s.priority,
                       "why": s.text} for s in shortages[:25]],
        },
        "non_emergency_share": round(sum(sim.types[c] for c in non_emergency) / max(1, len(sim.received)), 4),
        "repeat_address_share": kpis.repeat_share(sim.locations),
        "repeat_caller_share": None,  # neither source has caller numbers
        "care": care,  # care-pathway measures (reports/care.py); most need live data, not a replay
        "nena": None,
    }
    files = phone_files(run, mapping.phone_file, mapping.source_week)
    if files:
        report["nena"] = phone.read(files)
    report["_samples"] = {"sim": sim, "hist": hist}
    return report

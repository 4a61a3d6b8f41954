"""What-if comparison of two replay runs of the same source (e.g. without and with a plan file):
p90 response by area (the fire station area nearest to the incident), by priority, overall, and the
moments with no suitable unit."""

from __future__ import annotations

import csv
import html
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select

from openpsap.db import Database
from openpsap.incidents.models import Incident
from openpsap.reports import kpis
from openpsap.reports.build import ReportError, read_run
from openpsap.reports.render import _bars
from openpsap.stations.seed import FIRE, sf_stations
from openpsap.units.models import Assignment


def _areas() -> tuple[list[str], np.ndarray]:
    fire = [s for s in sf_stations() if s["agency_id"] == FIRE]
    return [str(s["id"]) for s in fire], np.array([(s["lat"], s["lon"]) for s in fire], dtype=float)


def _responses(folder: Path, start: datetime | None, end: datetime | None) -> dict:
    run = read_run(folder)
    ids, points = _areas()
    db = Database(run["database"], sqlite_synchronous="NORMAL")
    try:
        with db.read() as session:
            sample, shortages = kpis.simulated(session, start, end)
            incidents = {i.id: i for i in session.scalars(select(Incident))}
            first: dict[str, float] = {}
            for a in session.scalars(select(Assignment).order_by(Assignment.dispatched_at)):
                if a.onscene_at and a.incident_id not in first and in_window(incidents[a.incident_id], start, end):
                    first[a.incident_id] = (a.onscene_at - a.dispatched_at).total_seconds()
    finally:
        db.dispose()
    by_area: dict[str, list[float]] = defaultdict(list)
    for incident_id, seconds in first.items():
        inc = incidents[incident_id]
        if inc.lat is None:
            continue
        d = (points[:, 0] - inc.lat) ** 2 + ((points[:, 1] - inc.lon) * 0.79) ** 2  # cos(37.8 deg)
        by_area[ids[int(np.argmin(d))]].append(seconds)
    return {
        "run": run,
        "first_arrival_by_area": {k: kpis.percentiles(v) for k, v in sorted(by_area.items())},
        "response_by_priority": kpis.by(sample.response, 0),
        "response_all": kpis.percentiles([r[-1] for r in sample.response]),
        "no_unit_available": len({s.incident_id for s in shortages}),
        "calls": len(sample.received),
    }


def in_window(incident: Incident, start: datetime | None, end: datetime | None) -> bool:
    return kpis.in_window(incident.created_at, start, end)


def compare(a: Path, b: Path, start: datetime | None = None, end: datetime | None = None) -> dict:
    ra, rb = _responses(a, start, end), _responses(b, start, end)
    if ra["run"]["source"] != rb["run"]["source"] or ra["run"].get("limit") != rb["run"].get("limit"):
        raise ReportError("the two runs replayed different calls; compare runs of the same source (and --limit)")
    rows = []
    for area in sorted(set(ra["first_arrival_by_area"]) | set(rb["first_arrival_by_area"])):
        pa, pb = ra["first_arrival_by_area"].get(area, {}).get("p90"), rb["first_arrival_by_area"].get(area, {}).get("p90")
        rows.append({"area": area, "p90_a_s": pa, "p90_b_s": pb,
                     "change_s": round(pb - pa, 1) if pa is not None and pb is not None else None,
                     "n": rb["first_arrival_by_area"].get(area, {}).get("n", 0)})
    changed = sorted((r for r in rows if r["change_s"]), key=lambda r: r["change_s"])
    summary = [
        f"A {a.name}: p90 response {ra['response_all']['p90']} s, {ra['no_unit_available']} incidents without a free unit",
        f"B {b.name}: p90 response {rb['response_all']['p90']} s, {rb['no_unit_available']} incidents without a free unit"
        + (f"; plan: {'; '.join(rb['run'].get('plan_changes') or [])}" if rb["run"].get("plan_changes") else ""),
    ]
    if changed:
        best, worst = changed[0], changed[-1]
        summary.append(f"largest p90 first-arrival gain: area {best['area']} {best['change_s']:+.0f} s; "
                       f"largest loss: area {worst['area']} {worst['change_s']:+.0f} s")
    return {"a": str(a), "b": str(b), "summary": summary, "by_area": rows,
            "response_by_priority": {"a": ra["response_by_priority"], "b": rb["response_by_priority"]},
            "response_all": {"a": ra["response_all"], "b": rb["response_all"]},
            "no_unit_available": {"a": ra["no_unit_available"], "b": rb["no_unit_available"]},
            "plan_b": rb["run"].get("plan_changes")}


def write(result: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    with open(out / "compare.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["area", "p90_a_s", "p90_b_s", "change_s", "n"])
        writer.writeheader()
        writer.writerows(result["by_area"])
    rows = result["by_area"]
    png = _bars("p90 first-unit response by station area: run A vs run B", "minutes (dispatch to first on scene)",
                [r["area"] for r in rows],
                {"A": [round((r["p90_a_s"] or 0) / 60, 2) for r in rows], "B": [round((r["p90_b_s"] or 0) / 60, 2) for r in rows]},
                "station area (nearest SFFD station to the incident)")
    reading = result["summary"][-1] if len(result["summary"]) > 2 else "No area changed its p90 first-arrival time."
    body = "".join(f"<li>{html.escape(line)}</li>" for line in result["summary"])
    (out / "compare.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>openpsap what-if comparison</title></head>"
        "<body style='font-family:sans-serif;max-width:60em;margin:2em auto'><h1>What-if comparison</h1>"
        f"<ul>{body}</ul><figure><img alt='' src='data:image/png;base64,{png}'><figcaption>{html.escape(reading)}"
        "</figcaption></figure><p>compare.json, compare.csv: p90 per area, seconds.</p></body></html>",
        encoding="utf-8")
    return [out / "compare.html", out / "compare.json", out / "compare.csv"]

"""Write a built report as self-contained HTML (PNG plots embedded as base64, no CDN), JSON and CSV.
Every plot has a title, axis units and a one-line reading."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import numpy as np  # noqa: E402

SIM, HIST = "#1f77b4", "#999999"


def _png(fig) -> str:  # noqa: ANN001
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _bars(title: str, ylabel: str, labels: list[str], series: dict[str, list[float | None]], xlabel: str = "",
          targets: tuple[tuple[float, str], ...] = ()) -> str:
    fig, ax = plt.subplots(figsize=(8, 3.2))
    x = np.arange(len(labels))
    width = 0.8 / max(1, len(series))
    colours = [SIM, HIST, "#2ca02c", "#d62728"]
    for i, (name, values) in enumerate(series.items()):
        ax.bar(x + i * width - 0.4 + width / 2, [v if v is not None else 0 for v in values], width, label=name,
               color=colours[i % len(colours)])
    ax.set_xticks(x, labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center",
                  fontsize=8)
    for y, label in targets:
        ax.axhline(y, color="#d62728", linestyle="--" if y < 95 else ":", linewidth=1, label=label)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    if len(series) > 1 or targets:
        ax.legend(fontsize=7, loc="lower left")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def _cdf(title: str, sim: list[float], hist: list[float]) -> str:
    fig, ax = plt.subplots(figsize=(8, 3.2))
    for name, values, colour in (("simulated", sim, SIM), ("historical", hist, HIST)):
        if values:
            v = np.sort(np.asarray(values)) / 60
            ax.plot(v, np.arange(1, v.size + 1) / v.size, label=f"{name} (n={v.size})", color=colour)
    ax.set_xlim(0, 20)
    ax.set_title(title)
    ax.set_xlabel("minutes from dispatch to on scene")
    ax.set_ylabel("share of unit responses")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def _p90_line(groups: dict) -> tuple[list[str], dict[str, list[float | None]]]:
    labels = sorted(set(groups["simulated"]) | set(groups["historical"]))

    def minutes(side: str, k: str, key: str) -> float | None:
        value = groups[side].get(k, {}).get(key)
        return round(value / 60, 2) if value is not None else None

    return labels, {
        "simulated p50": [minutes("simulated", k, "p50") for k in labels],
        "historical p50": [minutes("historical", k, "p50") for k in labels],
        "simulated p90": [minutes("simulated", k, "p90") for k in labels],
        "historical p90": [minutes("historical", k, "p90") for k in labels],
    }


def _fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 60:.1f} min"


def figures(r: dict) -> list[tuple[str, str]]:
    """(base64 PNG, one-line reading) for every plot."""
    out: list[tuple[str, str]] = []
    hours = r["calls_by_hour"]
    peak = int(np.argmax(hours))
    out.append((_bars("Calls by hour of day", "calls", [f"{h:02d}" for h in range(24)], {"calls": hours},
                      f"hour of day ({r['window']['timezone']})"),
                f"Busiest hour {peak:02d}:00 with {hours[peak]} calls; quietest {int(np.argmin(hours)):02d}:00 "
                f"with {min(hours)}."))
    days = r["calls_by_day"]
    out.append((_bars("Calls by day", "calls", list(days), {"calls": list(days.values())}, "day"),
                f"{sum(days.values())} calls over {len(days)} days, {min(days.values())} to {max(days.values())} a day."))
    labels, series = _p90_line(r["processing_by_priority"])
    sim_all = r["processing_by_priority"]["simulated"]
    out.append((_bars("Call processing (received to first dispatch) by priority", "minutes", labels, series, "priority"),
                "Call processing is replayed from the recording, so the two sides differ only where the simulation "
                "had to wait for a free unit; p90 of " + ", ".join(f"{k} {_fmt(v['p90'])}" for k, v in sim_all.items())
                + " (simulated)."))
    labels, series = _p90_line(r["response_by_priority"])
    s, h = r["response_all"]["simulated"], r["response_all"]["historical"]
    out.append((_bars("Response time (dispatch to on scene) by priority", "minutes", labels, series, "priority"),
                f"All responses: simulated p50 {_fmt(s['p50'])} / p90 {_fmt(s['p90'])} against historical "
                f"p50 {_fmt(h['p50'])} / p90 {_fmt(h['p90'])}."))
    labels, series = _p90_line(r["response_by_unit_type"])
    out.append((_bars("Response time (dispatch to on scene) by unit type", "minutes", labels, series, "unit type"),
                "Unit types the simulation never sent have no simulated bar; the historical bars are the SFFD week."))
    samples = r["_samples"]
    out.append((_cdf("Response-time distribution, all unit responses",
                     [x[-1] for x in samples["sim"].response], [x[-1] for x in samples["hist"].response]),
                f"The curve further left is faster; simulated {s['n']} responses, historical {h['n']}."))
    util = r["utilisation_by_unit_type"]
    labels = sorted(set(util["simulated"]) | set(util["historical"]))
    out.append((_bars("Unit utilisation by unit type", "% of unit time committed", labels,
                      {"simulated": [round(100 * util["simulated"].get(k, 0), 1) for k in labels],
                       "historical": [round(100 * util["historical"].get(k, 0), 1) for k in labels]}, "unit type"),
                "Committed = from dispatch until available again; the historical fleet is the units seen in the week, "
                "the simulated fleet is the whole roster."))
    short = r["no_unit_available"]
    out.append((_bars("Incidents that found no suitable unit free, by hour", "dispatch attempts", [f"{h:02d}" for h in range(24)],
                      {"no suitable unit": short["by_hour"]}, f"hour of day ({r['window']['timezone']})"),
                f"{short['incidents']} incidents waited for or went short of a unit their response plan asks for."))
    if r.get("nena"):
        nena = r["nena"]
        by_hour = nena["by_hour"]
        out.append((_bars("NENA-STA-020.1 answer times by hour", "% of answered 911 calls", [f"{h:02d}" for h in range(24)],
                          {"within 15 s": [100 * (b["within_15"] or 0) for b in by_hour],
                           "within 20 s": [100 * (b["within_20"] or 0) for b in by_hour]}, "hour of day",
                          targets=((90, "NENA 90% in 15 s"), (95, "NENA 95% in 20 s"))),
                    f"Standard: 90% within 15 s and 95% within 20 s; overall {100 * (nena['overall']['within_15'] or 0):.1f}% "
                    f"and {100 * (nena['overall']['within_20'] or 0):.1f}%; {nena['hours_meeting_15s']} of "
                    f"{nena['hours_with_calls']} hours of day meet the 15 s target."))
    return out


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def public(r: dict) -> dict:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def rows(r: dict) -> list[tuple[str, str, str, str, object]]:
    """Long CSV rows: section, group, side, metric, value."""
    out = []
    for section in ("processing_by_priority", "response_by_priority", "response_by_unit_type"):
        for side, groups in r[section].items():
            for group, stats in groups.items():
                for metric, value in stats.items():
                    out.append((section, group, side, metric + ("_s" if metric != "n" else ""), value))
    for side, stats in r["response_all"].items():
        for metric, value in stats.items():
            out.append(("response_all", "all", side, metric, value))
    for side, groups in r["utilisation_by_unit_type"].items():
        for group, value in groups.items():
            out.append(("utilisation_by_unit_type", group, side, "share", value))
    for hour, n in enumerate(r["calls_by_hour"]):
        out.append(("calls_by_hour", f"{hour:02d}", "both", "calls", n))
    for day, n in r["calls_by_day"].items():
        out.append(("calls_by_day", day, "both", "calls", n))
    for hour, n in enumerate(r["no_unit_available"]["by_hour"]):
        out.append(("no_unit_available_by_hour", f"{hour:02d}", "simulated", "attempts", n))
    if r.get("nena"):
        for hour, stats in enumerate(r["nena"]["by_hour"]):
            for metric, value in stats.items():
                out.append(("nena_by_hour", f"{hour:02d}", "historical", metric, value))
    out.append(("shares", "non_emergency", "simulated", "share", r["non_emergency_share"]))
    out.append(("shares", "repeat_address", "simulated", "share", r["repeat_address_share"]))
    for name, stats in (r.get("care") or {}).items():
        out.append(("care", name, "simulated", "share", stats.get("share")))
    return out


def write(r: dict, out: Path, *, title: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    data = public(r)
    (out / "report.json").write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    with open(out / "report.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "group", "side", "metric", "value"])
        writer.writerows(rows(r))
    run = data["run"]
    bad = ", ".join(f"{n} {k}" for k, n in run.get("bad_rows", {}).items()) or "none"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}figure{margin:1.5em 0}"
        "figcaption{font-size:.95em;color:#333}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
        "font-size:.9em}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Source <code>{html.escape(Path(run['source']).name)}</code> (mapping {html.escape(run['mapping'])}), "
        f"{run['rows']} rows, rejected rows: {html.escape(bad)}. Window {html.escape(data['window']['from'])} to "
        f"{html.escape(data['window']['to'])}. Replayed calls {data['calls']['simulated']} (source "
        f"{data['calls']['historical']}); unit responses simulated {data['unit_responses']['simulated']}, recorded "
        f"{data['unit_responses']['historical']}. Seed {run['seed']}"
        + (f"; what-if plan: {html.escape('; '.join(run.get('plan_changes') or []))}" if run.get("plan") else "") + ".</p>",
        f"<p>Non-emergency share (types whose plan sends no unit): {100 * data['non_emergency_share']:.1f}%. "
        f"Repeat-address share: {_share(data['repeat_address_share'])}. "
        "Repeat-caller share: not available (the source has no caller numbers).</p>",
    ]
    care = data.get("care")
    if care:
        quiet = care["non_emergency_without_emergency_unit"]
        parts.append(
            f"<p>Care pathway: non-emergency incidents resolved without an emergency unit "
            f"{_share(quiet['share'])} of {quiet['incidents']}; follow-ups on time "
            f"{_share(care['follow_ups_on_time']['share'])}; callbacks answered {_share(care['callbacks_answered']['share'])} "
            f"(a replay has no follow-ups or callbacks; a centre's own database does: GET /api/v1/care/measures).</p>")
    for png, reading in figures(r):
        parts.append(f"<figure><img alt='' src='data:image/png;base64,{png}'><figcaption>{html.escape(reading)}</figcaption></figure>")
    short = data["no_unit_available"]["first"]
    if short:
        parts.append("<h2>First moments with no suitable unit free</h2><table><tr><th>time (UTC)</th><th>incident</th>"
                     "<th>type</th><th>priority</th><th>why</th></tr>")
        for s in short:
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(s[k]))}</td>" for k in ("at", "incident", "type", "priority", "why"))
                         + "</tr>")
        parts.append("</table>")
    parts.append("<p>JSON: report.json; CSV: report.csv (section, group, side, metric, value).</p></body></html>")
    (out / "report.html").write_text("\n".join(parts), encoding="utf-8")
    return [out / "report.html", out / "report.json", out / "report.csv"]

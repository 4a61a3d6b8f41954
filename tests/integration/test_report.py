"""`openpsap report`: the historical figures equal those computed directly from the CSV with pandas;
the HTML is self-contained; JSON and CSV agree; what-if comparison; bad input gives a message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.reports import kpis, phone
from openpsap.reports.build import build
from openpsap.simulation import mapping
from openpsap.simulation.loaders import load

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "sf_calls_tiny.csv"
SHARED_SF = Path(__file__).resolve().parents[3] / "shared" / "data" / "sf" / "sffd_calls_2016-12-31_to_2017-01-07.csv.gz"
runner = CliRunner()
FMT = "%m/%d/%Y %I:%M:%S %p"


def pandas_figures(path: Path) -> dict:
    """The historical KPIs straight from the CSV, independently of openpsap's loader."""
    m = mapping.load("sffd")
    df = pd.read_csv(path, dtype=str)
    for col in ("Received DtTm", "Dispatch DtTm", "On Scene DtTm"):
        df[col] = pd.to_datetime(df[col], format=FMT, errors="coerce")
    df["prio"] = df["Original Priority"].map(m.priorities)
    df = df[df["Call Type"].map(lambda t: t in m.call_types) & df["prio"].notna()]
    df = df[df["Location"].str.match(r"^\(-?\d")]
    df = df[df["Received DtTm"].notna()]
    calls = df.groupby("Call Number").agg(received=("Received DtTm", "first"), dispatch=("Dispatch DtTm", "min"),
                                          prio=("prio", "first"))
    calls["processing"] = (calls["dispatch"] - calls["received"]).dt.total_seconds()
    response = (df["On Scene DtTm"] - df["Dispatch DtTm"]).dt.total_seconds()
    df = df.assign(response=response)
    df = df[(df["response"] >= 0) & (df["response"] <= kpis.MAX_RESPONSE_S)]
    out = {"calls": len(calls), "processing": {}, "response": {}, "unit_type": {}}
    for prio, group in calls.dropna(subset=["processing"]).groupby("prio"):
        out["processing"][prio] = (len(group), round(float(np.percentile(group["processing"], 50)), 1),
                                   round(float(np.percentile(group["processing"], 90)), 1))
    for prio, group in df.groupby("prio"):
        out["response"][prio] = (len(group), round(float(group["response"].quantile(0.5)), 1),
                                 round(float(group["response"].quantile(0.9)), 1))
    for kind, group in df.groupby("Unit Type"):
        out["unit_type"][kind] = (len(group), round(float(group["response"].quantile(0.5)), 1),
                                  round(float(group["response"].quantile(0.9)), 1))
    return out


def _as_tuples(groups: dict) -> dict:
    return {k: (v["n"], v["p50"], v["p90"]) for k, v in groups.items()}


def _check(sample: kpis.Sample, expected: dict) -> None:
    assert len(sample.received) == expected["calls"]
    assert _as_tuples(kpis.by(sample.processing, 0)) == expected["processing"]
    assert _as_tuples(kpis.by(sample.response, 0)) == expected["response"]
    assert _as_tuples(kpis.by(sample.response, 1)) == expected["unit_type"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("runs") / "tiny"
    result = runner.invoke(app, ["replay", str(TINY), "--mapping", "sffd", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_report_historical_figures_equal_pandas_on_the_tiny_file(tiny_run: Path) -> None:
    report = build(tiny_run)
    expected = pandas_figures(TINY)
    assert _as_tuples(report["processing_by_priority"]["historical"]) == expected["processing"]
    assert _as_tuples(report["response_by_priority"]["historical"]) == expected["response"]
    assert _as_tuples(report["response_by_unit_type"]["historical"]) == expected["unit_type"]
    assert report["calls"]["simulated"] == report["calls"]["historical"] == expected["calls"]
    assert report["calls"]["types_simulated"] == report["calls"]["types_historical"]


@pytest.mark.shared
def test_report_historical_figures_equal_pandas_on_the_real_sf_week() -> None:
    if not SHARED_SF.exists():
        pytest.skip(f"{SHARED_SF} is absent (a fresh clone has no ../shared): the real SF week is not checked")
    loaded = load(SHARED_SF, mapping.load("sffd"))
    _check(kpis.historical(loaded.calls), pandas_figures(SHARED_SF))
    assert len(loaded.calls) == 3560 and loaded.unit_responses == 7704


def test_report_command_writes_self_contained_html_json_and_csv(tiny_run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--run", str(tiny_run), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report.html").read_text()
    assert "http://" not in page and "https://" not in page  # no CDN, nothing fetched
    images = re.findall(r"src='data:image/png;base64,", page)
    captions = re.findall(r"<figcaption>(.+?)</figcaption>", page)
    assert len(images) == len(captions) >= 8 and all(captions)
    data = json.loads((tmp_path / "report.json").read_text())
    csv_rows = (tmp_path / "report.csv").read_text().splitlines()
    p90 = data["response_all"]["historical"]["p90"]
    assert f"response_all,all,historical,p90,{p90}" in csv_rows


def test_report_window_and_bad_options(tiny_run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--run", str(tiny_run), "--from", "2017-01-02T17:15:00Z", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "report.json").read_text())["calls"]["simulated"] == 3
    for args, message in [
        (["report", "--run", str(tmp_path)], "not a replay run folder"),
        (["report", "--run", str(tiny_run), "--from", "yesterday"], "ISO date"),
        (["report", "--run", str(tiny_run), "--from", "2030-01-01"], "no replayed call"),
    ]:
        bad = runner.invoke(app, [*args, "--out", str(tmp_path / "x")])
        assert bad.exit_code != 0 and message in " ".join(bad.output.split()), (args, bad.output)
        assert "Traceback" not in bad.output


def test_what_if_comparison_of_two_runs(tiny_run: Path, tmp_path: Path) -> None:
    planned = tmp_path / "planned"
    made = runner.invoke(app, ["replay", str(TINY), "--mapping", "sffd", "--out", str(planned),
                               "--plan", str(DATA / "what_if_plan.yaml")])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["report", "--compare", str(tiny_run), str(planned), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert data["plan_b"] == ["moved 55 to FS12", "added M99 (MEDIC) at FS01"]
    assert data["by_area"] and all("p90_a_s" in row for row in data["by_area"])
    assert "data:image/png;base64," in (tmp_path / "cmp" / "compare.html").read_text()


@pytest.mark.shared
def test_report_historical_figures_equal_pandas_on_an_alexandria_week() -> None:
    source = SHARED_SF.parents[1] / "alexandria_cad" / "cad_week44.csv.gz"
    if not source.exists():
        pytest.skip(f"{source} is absent (it may not ship; a fresh clone has no ../shared): Alexandria not checked")
    sample = kpis.historical(load(source, mapping.load("alexandria_cad")).calls)  # what the report's historical side uses
    report = {"processing_by_priority": {"historical": kpis.by(sample.processing, 0)},
              "response_by_priority": {"historical": kpis.by(sample.response, 0)}}
    df = pd.read_csv(source, dtype=str, na_values=["NULL", "-9999"], keep_default_na=False)
    df = df[df["Master_Incident_Number"].notna() & (df["Master_Incident_Number"] != "")]
    df = df[df["Priority_Number"].isin([str(n) for n in range(1, 11)])].drop_duplicates("Master_Incident_Number")
    df["prio"] = df["Priority_Number"].map(lambda p: f"P{min(int(p), 5)}")
    for col in ("Incident_Start_Time", "Incident_Dispatch_Time", "Incident_Arrival_Time"):
        df[col] = pd.to_datetime(df[col], format="mixed")
    df["processing"] = (df["Incident_Dispatch_Time"] - df["Incident_Start_Time"]).dt.total_seconds()
    df["response"] = (df["Incident_Arrival_Time"] - df["Incident_Dispatch_Time"]).dt.total_seconds()
    expected = {p: (len(g), round(float(g["processing"].quantile(0.5)), 1), round(float(g["processing"].quantile(0.9)), 1))
                for p, g in df.dropna(subset=["processing"]).groupby("prio")}
    assert _as_tuples(report["processing_by_priority"]["historical"]) == expected
    kept = df[(df["response"] >= 0) & (df["response"] <= kpis.MAX_RESPONSE_S)]
    expected = {p: (len(g), round(float(g["response"].quantile(0.5)), 1), round(float(g["response"].quantile(0.9)), 1))
                for p, g in kept.groupby("prio")}
    assert _as_tuples(report["response_by_priority"]["historical"]) == expected
    assert len(sample.received) == len(df)
    nena = phone.read([source.parent / "week_44_phone.csv.gz"])
    raw = pd.read_csv(source.parent / "week_44_phone.csv.gz", encoding="utf-8-sig")
    answered = int((raw["911_T"] - raw["911_AB"]).sum())
    assert nena["overall"]["answered"] == answered
    assert nena["overall"]["within_15"] == round(int((raw["911_10"] + raw["911_15"]).sum()) / answered, 4)

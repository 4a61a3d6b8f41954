"""`openpsap eta calibrate` on part of the shipped SF week: it writes a model and its report, the model is then used
by the recommendation, and bad input is refused with a message."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.routing.eta_model import load_eta_model, use_eta_model
from openpsap.simulation.loaders import sf_week_path

DAYS = ("12/31/2016", "01/01/2017", "01/02/2017")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Engines and trucks of the first three days of the SF week (named sffd_* so the mapping is guessed)."""
    path = tmp_path_factory.mktemp("history") / "sffd_three_days.csv"
    with gzip.open(sf_week_path(), "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if row["Unit Type"] in ("ENGINE", "TRUCK") and row["Dispatch DtTm"][:10] in DAYS:
                writer.writerow(row)
    return path


@pytest.fixture(autouse=True)
def _no_model_left_behind():  # noqa: ANN202
    yield
    use_eta_model(None)


def test_calibration_writes_a_model_the_recommendation_then_uses(history: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["eta", "calibrate", str(history), "--train-days", "2", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["days"] == {"train": ["2016-12-31", "2017-01-01"], "held_out": ["2017-01-02"]}
    for part in ("held_out", "straight_line", "train"):
        assert {"n", "median_abs_error_s", "spearman"} <= set(report[part]["ENGINE"]), part
    assert report["held_out"]["ENGINE"]["n"] > 50
    assert report["held_out"]["ENGINE"]["median_abs_error_s"] < report["uncalibrated"]["held_out"]["ENGINE"]["median_abs_error_s"]
    model = load_eta_model(out)
    assert 0 < model.startup("ENGINE") <= 300 and set(model.speeds_kmh) >= {"residential", "primary"}
    assert json.loads(Path(report["report"]).read_text(encoding="utf-8"))["held_out"] == report["held_out"]

    args = ["recommend", "--lat", "37.7749", "--lon", "-122.4194", "--type", "CARDIAC", "--json"]
    before = json.loads(CliRunner().invoke(app, args).output)
    monkeypatch.setenv("OPENPSAP_ETA_MODEL", str(out))
    after = CliRunner().invoke(app, args)
    assert after.exit_code == 0, after.output
    engine = [c for s in json.loads(after.output)["slots"] for c in s["picked"] if c["unit_type"] == "ENGINE"][0]
    was = [c for s in before["slots"] for c in s["picked"] if c["unit_id"] == engine["unit_id"]]
    assert engine["eta_s"] >= model.startup("ENGINE")
    assert not was or engine["eta_s"] > was[0]["eta_s"]


@pytest.mark.parametrize(("args", "words"), [
    (["--train-days", "3"], "--train-days 3: the usable responses span 3 days"),
    (["--train-days", "0"], "train on at least one day"),
    (["--mapping", "nosuch"], "no built-in mapping 'nosuch'"),
    (["--mapping", "alexandria_cad"], "lacks column(s)"),
])
def test_bad_options_are_refused_with_a_message(history: Path, tmp_path: Path, args: list[str], words: str) -> None:
    result = CliRunner().invoke(app, ["eta", "calibrate", str(history), "--out", str(tmp_path / "m.json"), *args])
    assert result.exit_code != 0
    assert words in " ".join(result.output.split()), result.output
    assert not (tmp_path / "m.json").exists()


def test_a_file_without_unit_times_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "sffd_empty.csv"
    with gzip.open(sf_week_path(), "rt", encoding="utf-8") as source:
        empty.write_text(source.readline(), encoding="utf-8")
    result = CliRunner().invoke(app, ["eta", "calibrate", str(empty), "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 1 and "only 0 usable responses" in result.output, result.output

"""`openpsap replay` from the command line: a run folder, clear errors for bad input, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openpsap.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


def test_replay_command_writes_a_run_folder_with_counts_and_bad_rows(tmp_path: Path) -> None:
    result = runner.invoke(app, ["replay", str(DATA / "sf_calls_tiny.csv"), "--mapping", "sffd", "--out", str(tmp_path / "run"),
                                 "--plan", str(DATA / "what_if_plan.yaml")])
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["source_calls"] == run["result"]["calls"] == 5
    assert run["bad_rows"]["malformed location"] == 1
    assert run["plan_changes"] == ["moved 55 to FS12", "added M99 (MEDIC) at FS01"]
    again = runner.invoke(app, ["replay", str(DATA / "sf_calls_tiny.csv"), "--mapping", "sffd",
                                "--out", str(tmp_path / "run2"), "--database", run["database"]])
    assert again.exit_code == 1 and "already holds" in again.output and "Traceback" not in again.output


def test_replay_command_answers_bad_input_with_a_message(tmp_path: Path) -> None:
    cases = [
        (["replay", str(tmp_path / "missing.csv"), "--mapping", "sffd"], "does not exist"),
        (["replay", str(DATA / "sf_calls_tiny.csv")], "cannot tell which mapping"),
        (["replay", str(DATA / "sf_calls_tiny.csv"), "--mapping", "nope"], "no built-in mapping"),
        (["replay", str(DATA / "sf_calls_tiny.csv"), "--mapping", "sffd", "--speed", "fast-ish"], "60x"),
        (["replay", str(DATA / "sf_calls_tiny.csv"), "--mapping", "sffd", "--plan", str(DATA / "README.md")], "not valid YAML"),
    ]
    for args, message in cases:
        result = runner.invoke(app, [*args, "--out", str(tmp_path / "x")])
        assert result.exit_code != 0, args
        assert message in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output

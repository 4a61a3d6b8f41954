"""`openpsap triage`: one text, batch JSONL, evaluation (also on the real transcripts), reproducible training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openpsap.cli import app

runner = CliRunner()
TRANSCRIPTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "transcripts"
needs_transcripts = pytest.mark.skipif(not TRANSCRIPTS.is_dir(), reason="../shared/data/transcripts is absent")


def test_triage_one_text_is_the_default_command() -> None:
    result = runner.invoke(app, ["triage", "my mommy won't wake up", "--json"])
    assert result.exit_code == 0, result.output
    r = json.loads(result.output)
    assert r["urgency"] == "High" and "child_caller" in r["flags"] and "+learned-" in r["model_version"]
    summary = runner.invoke(app, ["triage", "text", "hi I'm six and I want a friend"])
    assert summary.exit_code == 0 and "CHILD CALLER" in summary.output and "Is a grown-up with you?" in summary.output


def test_triage_help_explains_the_subcommands() -> None:
    result = runner.invoke(app, ["triage", "--help"])
    assert result.exit_code == 0
    for command in ("text", "batch", "eval", "train", "prepare"):
        assert command in result.output


def test_batch_writes_one_result_per_line_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "a", "text": "he is not breathing"}), "not json",
             json.dumps({"id": "b", "text": "what time does the pharmacy open"}), json.dumps({"id": "c"}),
             json.dumps({"id": 4, "text": "\x00\x01 ÿ garbage 救命"}), ""]
    source.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["triage", "batch", str(source)])
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "2", "b", "c", "4"]  # input order, bad lines included
    by_id = {o["id"]: o for o in out}
    assert "not JSON" in by_id["2"]["error"] and "text must be a string" in by_id["c"]["error"]
    assert by_id["a"]["urgency"] == "High" and {"urgency", "flags", "questions", "evidence"} <= set(by_id["b"])
    assert "non_english" in by_id["4"]["flags"]


def test_batch_of_a_missing_file_is_a_clear_error() -> None:
    result = runner.invoke(app, ["triage", "batch", "/nonexistent/calls.jsonl"])
    assert result.exit_code == 1 and "no such file" in result.output


def test_eval_prints_tables_and_json_for_a_labelled_csv(tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text("text,urgency,child_caller\nmy mommy won't wake up,High,1\nhe is not breathing,High,0\n"
                      "hi I'm six and I want a friend,Low,1\nmy neighbour's music is loud,Low,0\n", encoding="utf-8")
    table = runner.invoke(app, ["triage", "eval", str(source)])
    assert table.exit_code == 0, table.output
    assert "High recall" in table.output and "confusion" in table.output and "child_caller" in table.output
    report = json.loads(runner.invoke(app, ["triage", "eval", str(source), "--json"]).stdout)
    assert report["n"] == 4 and report["high_recall"] == 1.0 and report["flags"]["child_caller"]["recall"] == 1.0


def test_eval_explains_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("words\nhello\n", encoding="utf-8")
    result = runner.invoke(app, ["triage", "eval", str(bad)])
    assert result.exit_code == 1 and "needs columns 'text' and 'urgency'" in result.output
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "not UTF-8" in runner.invoke(app, ["triage", "eval", str(binary)]).output
    assert runner.invoke(app, ["triage", "eval", str(bad), "--cv", "1"]).exit_code == 1


def test_the_shipped_classifier_is_rebuilt_exactly_from_the_corpus() -> None:
    result = runner.invoke(app, ["triage", "train", "--check"])
    assert result.exit_code == 0, result.output
    assert "is reproduced from the corpus" in result.output


def test_held_out_scenarios_meet_the_flag_targets() -> None:
    from openpsap.triage.corpus import heldout_path

    report = json.loads(runner.invoke(app, ["triage", "eval", str(heldout_path()), "--json"]).stdout)
    assert report["high_recall"] >= 0.95  # measured 0.99 (README); a drop here is a safety regression
    assert report["flags"]["child_caller"]["f1"] >= 0.85  # measured 0.90


@needs_transcripts
@pytest.mark.shared
def test_eval_cross_validates_on_the_real_transcripts() -> None:
    result = runner.invoke(app, ["triage", "eval", str(TRANSCRIPTS / "pawar_google.csv"), "--cv", "3", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 152 and sum(map(sum, (r.values() for r in report["confusion"].values()))) == 152
    assert report["high_recall"] >= 0.85 and report["model"].startswith("3-fold CV")


def test_batch_gives_the_same_answer_as_one_text_and_the_api(tmp_path: Path) -> None:
    from openpsap.triage import triage

    texts = ["help me", "sorry to bother you i'm lonely, my chest feels heavy and it goes down my arm",
             "hi i'm six and i want a friend", "there's a guy in my garage right now"]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(texts)), encoding="utf-8")
    result = runner.invoke(app, ["triage", "batch", str(source), "--threads", "2", "--chunk", "3"])
    assert result.exit_code == 0, result.output
    for line, text in zip(result.stdout.splitlines(), texts):
        batch, one = json.loads(line), triage(text).to_json()
        assert {k: batch[k] for k in ("urgency", "incident_type", "flags", "response", "plan", "protocol")} == \
            {k: one[k] for k in ("urgency", "incident_type", "flags", "response", "plan", "protocol")}

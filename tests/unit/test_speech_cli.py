"""`openpsap transcribe`: the JSON lines, the order, the errors and the exit code, with a fake speech engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.speech import models, transcriber
from openpsap.speech.audio import Audio
from openpsap.speech.models import ModelFolder, ModelUnavailable
from openpsap.speech.transcriber import Segment, Transcript
from tests.unit.test_speech_audio import tone, write

runner = CliRunner()
KEYS = {"file", "text", "segments", "duration_s", "language", "model", "non_english", "language_probability", "notes"}


class FakeTranscriber:
    """Says how long each file was: enough to check that the right audio reached the engine, in order."""

    loaded = 0

    def __init__(self, folder: ModelFolder, *, threads: int = 0, prompt: str | None = None) -> None:
        FakeTranscriber.loaded += 1
        self.model = folder.version
        self.prompt = prompt

    def transcribe(self, audio: Audio) -> Transcript:
        words = f"{audio.duration_s:.1f} seconds" + (f" prompt {self.prompt[:3]}" if self.prompt else "")
        return Transcript(words, [Segment(0.0, round(audio.duration_s, 2), words)], round(audio.duration_s, 2),
                          "en", self.model, None, notes=["fake"])


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeTranscriber.loaded = 0
    monkeypatch.setattr(transcriber, "WhisperTranscriber", FakeTranscriber)
    monkeypatch.setattr(models, "locate", lambda name: ModelFolder(name, Path("."), f"fake-{name}@00000000"))
    for key in ("OPENPSAP_SPEECH_MODEL", "OPENPSAP_SPEECH_PROMPT", "OPENPSAP_SPEECH_MAX_SECONDS"):
        monkeypatch.delenv(key, raising=False)


def recordings(tmp_path: Path) -> list[Path]:
    good1 = write(tmp_path / "one.wav", tone(8000, 2.0), 8000, "pcm_mulaw")
    bad = tmp_path / "notes.wav"
    bad.write_text("not a recording", encoding="utf-8")
    good2 = write(tmp_path / "two.flac", tone(22050, 1.0), 22050, "flac", "flac")
    return [good1, bad, good2]


def test_json_gives_one_line_per_file_in_order_and_an_error_line_for_a_bad_file(tmp_path: Path) -> None:
    files = recordings(tmp_path)
    result = runner.invoke(app, ["transcribe", "--json", *map(str, files)])
    assert result.exit_code == 1, result.output  # one file failed: the exit code says so
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(f) for f in files]
    assert set(rows[0]) == KEYS and set(rows[2]) == KEYS
    assert rows[1] == {"file": str(files[1]), "error": "not an audio file (FFmpeg cannot read it)"}
    assert rows[0]["text"] == "2.0 seconds" and rows[2]["text"] == "1.0 seconds"
    assert rows[0]["segments"] == [{"start_s": 0.0, "end_s": 2.0, "text": "2.0 seconds"}]
    assert rows[0]["model"] == "fake-base@00000000" and rows[0]["duration_s"] == 2.0
    assert FakeTranscriber.loaded == 1  # one model load for the whole run


def test_all_files_readable_exits_zero_and_model_and_prompt_are_chosen(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    files = [f for f in recordings(tmp_path) if f.suffix != ".wav" or f.name == "one.wav"]
    monkeypatch.setenv("OPENPSAP_SPEECH_PROMPT", "911")
    result = runner.invoke(app, ["transcribe", "--json", "--model", "tiny.en", *map(str, files)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["model"] for r in rows] == ["fake-tiny.en@00000000"] * 2
    assert rows[0]["text"] == "2.0 seconds prompt 911"


def test_the_summary_names_each_file_and_errors_go_to_stderr(tmp_path: Path) -> None:
    files = recordings(tmp_path)
    result = runner.invoke(app, ["transcribe", *map(str, files)])
    assert result.exit_code == 1
    assert "one.wav" in result.stdout and "2.0 seconds" in result.stdout and "note: fake" in result.stdout
    assert "notes.wav: not an audio file" in result.stderr and "Traceback" not in result.output


def test_the_model_is_not_loaded_when_no_file_is_readable(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["transcribe", "--json", str(empty), str(tmp_path / "missing.mp3")])
    assert result.exit_code == 1
    assert [json.loads(line)["error"] for line in result.stdout.splitlines()] == ["empty file", "no such file"]
    assert FakeTranscriber.loaded == 0


def test_a_missing_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> ModelFolder:
        raise ModelUnavailable(f"speech model {name!r} is not installed (package x missing): run scripts/setup.sh")

    monkeypatch.setattr(models, "locate", missing)
    result = runner.invoke(app, ["transcribe", str(recordings(tmp_path)[0])])
    assert result.exit_code == 2
    assert "speech model 'base' is not installed" in result.stderr and "Traceback" not in result.output


def test_a_bad_setting_and_no_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["transcribe"]).exit_code == 2  # typer: missing argument FILES
    monkeypatch.setenv("OPENPSAP_SPEECH_MAX_SECONDS", "-5")
    result = runner.invoke(app, ["transcribe", str(recordings(tmp_path)[0])])
    assert result.exit_code == 2 and "bad setting" in result.stderr and "greater than 0" in result.stderr


def test_an_engine_failure_on_one_file_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = FakeTranscriber.transcribe

    def flaky(self: FakeTranscriber, audio: Audio) -> Transcript:
        if audio.duration_s > 1.5:
            raise RuntimeError("out of memory in the engine")
        return original(self, audio)

    monkeypatch.setattr(FakeTranscriber, "transcribe", flaky)
    files = recordings(tmp_path)
    rows = [json.loads(line) for line in runner.invoke(app, ["transcribe", "--json", *map(str, files)]).stdout.splitlines()]
    assert rows[0]["error"] == "could not transcribe: out of memory in the engine" and rows[2]["text"] == "1.0 seconds"


def test_an_over_long_recording_names_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENPSAP_SPEECH_MAX_SECONDS", "1.5")
    result = runner.invoke(app, ["transcribe", "--json", str(recordings(tmp_path)[0])])
    assert json.loads(result.stdout)["error"] == "too long: 2.0 s, the limit is 1.5 s (speech_max_seconds)"


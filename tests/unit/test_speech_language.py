"""The non_english flag (openpsap.speech.transcriber): only a multilingual model may raise it; a confident
non-English guess keeps the caller's own language, a doubtful one is read as English. Fake engine, no model."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from openpsap.speech.audio import Audio
from openpsap.speech.transcriber import ENGLISH_ONLY_NOTE, PROMPT_911, SEED, WhisperTranscriber, resolve_prompt

AUDIO = Audio(np.full(32000, 0.1, dtype=np.float32), "test")


class FakeWhisper:
    """faster-whisper's WhisperModel.transcribe as seen from outside: (lazy segments, info)."""

    def __init__(self, detected: str, probability: float, words: dict[str, str], english: float | None = None) -> None:
        self.detected, self.probability, self.words = detected, probability, words
        self.english = round(1 - probability, 3) if english is None else english
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, samples: np.ndarray, **options: Any):  # noqa: ANN201
        self.calls.append(options)
        language = options["language"] or self.detected
        probs = [(self.detected, self.probability)] + ([] if self.detected == "en" else [("en", self.english)])
        info = SimpleNamespace(language=language, language_probability=1.0 if options["language"] else self.probability,
                               all_language_probs=None if options["language"] else probs)
        segments = (SimpleNamespace(start=0.0, end=1.987, text=f" {t} ") for t in [self.words[language], ""])
        return segments, info


def transcriber(fake: FakeWhisper, multilingual: bool) -> WhisperTranscriber:
    t = object.__new__(WhisperTranscriber)
    t._whisper, t.model, t.multilingual = fake, "whisper-fake@0", multilingual
    t.prompt, t.beam_size, t.vad, t.condition = None, 5, True, False
    return t


def test_an_english_only_model_flags_nothing_and_says_so() -> None:
    fake = FakeWhisper("en", 1.0, {"en": "my father is not breathing"})
    result = transcriber(fake, multilingual=False).transcribe(AUDIO)
    assert result.non_english is None and result.language == "en" and result.language_probability is None
    assert result.notes == [ENGLISH_ONLY_NOTE] and fake.calls[0]["language"] == "en"
    assert result.to_json()["segments"] == [{"start_s": 0.0, "end_s": 1.99, "text": "my father is not breathing"}]


def test_confident_non_english_speech_is_flagged_and_kept_in_its_language() -> None:
    fake = FakeWhisper("es", 0.93, {"es": "mi padre no respira", "en": "me pad rain or rest para"})
    result = transcriber(fake, multilingual=True).transcribe(AUDIO)
    assert result.non_english is True and result.language == "es" and result.text == "mi padre no respira"
    assert result.language_probability == 0.93 and len(fake.calls) == 1  # never forced into English words


def test_a_weak_guess_is_still_flagged_when_english_is_unlikely() -> None:
    fake = FakeWhisper("ja", 0.22, {"ja": "pomogite", "en": "pomme of eat a"}, english=0.02)  # Russian, heard as ja
    result = transcriber(fake, multilingual=True).transcribe(AUDIO)
    assert result.non_english is True and result.language == "ja" and len(fake.calls) == 1


def test_a_doubtful_guess_is_read_as_english_with_a_note() -> None:
    fake = FakeWhisper("cy", 0.41, {"cy": "garbled", "en": "there is smoke in the kitchen"})
    result = transcriber(fake, multilingual=True).transcribe(AUDIO)
    assert result.non_english is False and result.language == "en" and result.text == "there is smoke in the kitchen"
    assert result.notes == ["language unsure (cy 0.41, English 0.59): read as English"]
    assert result.language_probability == 0.59
    assert [c["language"] for c in fake.calls] == [None, "en"]


def test_english_from_a_multilingual_model_is_not_flagged() -> None:
    result = transcriber(FakeWhisper("en", 0.97, {"en": "car crash on the bridge"}), multilingual=True).transcribe(AUDIO)
    assert result.non_english is False and result.language_probability == 0.97 and result.notes == []


def test_no_words_is_said_in_a_note() -> None:
    result = transcriber(FakeWhisper("en", 1.0, {"en": ""}), multilingual=False).transcribe(AUDIO)
    assert result.text == "" and result.segments == [] and "no speech recognised" in result.notes


@pytest.mark.parametrize(("setting", "prompt"), [("", None), ("  ", None), ("911", PROMPT_911),
                                                 ("Geary Blvd, Van Ness Ave", "Geary Blvd, Van Ness Ave")])
def test_the_prompt_setting(setting: str, prompt: str | None) -> None:
    assert resolve_prompt(setting) == prompt


def test_the_fallback_sampling_is_seeded_before_every_window_so_a_recording_always_reads_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import ctranslate2

    seeds: list[int] = []
    monkeypatch.setattr(ctranslate2, "set_random_seed", seeds.append)
    fake = FakeWhisper("cy", 0.41, {"cy": "garbled", "en": "there is smoke in the kitchen"})
    transcriber(fake, multilingual=True).transcribe(AUDIO)
    assert seeds == [SEED, SEED]  # the first pass and the English re-read

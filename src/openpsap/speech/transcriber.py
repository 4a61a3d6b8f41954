"""Speech to text on this machine: faster-whisper (CTranslate2) on the CPU. No web, no database.

`Transcriber` is the one-method seam (`transcribe(audio) -> Transcript`); `WhisperTranscriber` is the real
one, loaded once from a checked model folder (models.py) and reused for every file. Nothing calls a model hub:
the model is a local folder holding its own tokenizer.json, and the hub is switched to offline besides.

Language: an English-only model (tiny.en) hears every caller as English, so `non_english` is None ("not
known") and a note says so. A multilingual model (base) detects the language on the first 30 s: when another
language is its best guess and English is unlikely (below 40 %), the call is flagged `non_english` and written in
that language, never forced into English words; when English stays likely, it is read as English (with a note).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from openpsap.speech.audio import Audio
from openpsap.speech.models import ModelFolder

SEED = 911  # for the sampling of the temperature fallback: a transcript must be reproducible
NON_ENGLISH_BELOW = 0.4  # flagged when another language is the best guess and English is below this
ENGLISH_ONLY_NOTE = ("English-only speech model: non-English speech is not detected (the multilingual model, "
                     "speech_model=base, flags it)")
# Context for the decoder: the words of 911 calls it should expect (speech_prompt=911 uses it).
PROMPT_911 = ("911, what's the address of your emergency? He's not breathing, she's unconscious, he collapsed, "
              "chest pain, bleeding, overdose, seizure, stroke, choking. There's a fire, smoke, a crash. He has a "
              "gun, a knife. Send an ambulance, the police, the paramedics.")


@dataclass(frozen=True)
class Segment:
    start_s: float
    end_s: float
    text: str


@dataclass
class Transcript:
    text: str
    segments: list[Segment]
    duration_s: float
    language: str
    model: str
    non_english: bool | None  # None: the model cannot tell (English only)
    language_probability: float | None = None  # of `language`; None from an English-only model
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Transcriber(Protocol):
    model: str

    def transcribe(self, audio: Audio) -> Transcript: ...


def resolve_prompt(setting: str) -> str | None:
    """The speech_prompt setting as decoder context: '' none, '911' the built-in vocabulary, else the text."""
    if not setting.strip():
        return None
    return PROMPT_911 if setting.strip() == "911" else setting.strip()


class WhisperTranscriber:
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # faster-whisper's own fallback (see __init__)
    tokens_per_second: float | None = None
    def __init__(self, folder: ModelFolder, *, threads: int = 0, prompt: str | None = None, beam_size: int = 5,
                 vad: bool = True, compute_type: str = "int8", condition: bool = False,
                 fallback: bool = True, tokens_per_second: float | None = None) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: the folder is local and complete
        from faster_whisper import WhisperModel

        threads = threads or min(os.cpu_count() or 1, 4)
        self._whisper = WhisperModel(str(folder.path), device="cpu", compute_type=compute_type, cpu_threads=threads,
                                     local_files_only=True)
        self.model = folder.version
        self.multilingual = bool(self._whisper.model.is_multilingual)
        self.prompt, self.beam_size, self.vad, self.condition = prompt, beam_size, vad, condition
        # fallback: decode an unsure window again at higher temperatures (live calls turn it off: a stretch cut
        # mid-word is often "unsure", and each retry costs a whole decode while the caller keeps talking)
        self.temperature = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0) if fallback else (0.0,)
        # a bound on the words a stretch can hold: a short stretch cut mid-word can send Whisper into a loop
        # ("9-1-1-1-1-...") that runs to its 448-token limit and takes seconds (live calls set it)
        self.tokens_per_second = tokens_per_second

    def transcribe(self, audio: Audio) -> Transcript:
        notes: list[str] = []
        segments, info = self._run(audio, None if self.multilingual else "en")
        language, probability, non_english = "en", None, None
        if not self.multilingual:
            notes.append(ENGLISH_ONLY_NOTE)
        else:
            english = info.language_probability if info.language == "en" else \
                dict(info.all_language_probs or []).get("en", 0.0)
            if info.language != "en" and english < NON_ENGLISH_BELOW:
                language, probability, non_english = info.language, info.language_probability, True
            else:
                probability, non_english = english, False
                if info.language != "en":
                    notes.append(f"language unsure ({info.language} {info.language_probability:.2f}, English "
                                 f"{english:.2f}): read as English")
                    segments, _ = self._run(audio, "en")
        parts = [Segment(round(s.start, 2), round(s.end, 2), s.text.strip()) for s in segments]  # decodes now
        parts = [p for p in parts if p.text]
        if not parts:
            notes.append("no speech recognised")
        return Transcript(
            text=" ".join(p.text for p in parts), segments=parts, duration_s=round(audio.duration_s, 2),
            language=language, model=self.model, non_english=non_english,
            language_probability=None if probability is None else round(float(probability), 3), notes=notes)

    def _run(self, audio: Audio, language: str | None):  # noqa: ANN202
        """(segments, info): the language is detected at once, the segments are decoded as they are read.
        A window the model is unsure of is decoded again with sampling (faster-whisper's temperature fallback);
        the seed makes that repeatable: the same recording always gives the same text."""
        import ctranslate2

        ctranslate2.set_random_seed(SEED)
        limit = None if self.tokens_per_second is None else int(self.tokens_per_second * audio.duration_s) + 8
        return self._whisper.transcribe(
            audio.samples, language=language, beam_size=self.beam_size, initial_prompt=self.prompt,
            vad_filter=self.vad, condition_on_previous_text=self.condition, temperature=self.temperature,
            max_new_tokens=limit)

"""Live call audio, as a phone gateway sends it, cut into the caller's stretches of speech. PURE: no web, no
database, no model (the socket is speech/views.py, the model runs in speech/engine.py).

Frames: 8 kHz G.711 mu-law (one byte a sample) or 16 kHz 16-bit little-endian PCM, usually 20 ms each (160 or
640 bytes); any whole number of samples up to one second a message is taken. Voice activity: the energy of each
20 ms frame against a noise floor that follows the quiet between words (a phone line has no room for more). A
stretch of speech starts after 60 ms of voice (200 ms before it are kept) and ends after `hangover_s` of quiet or
at `max_segment_s`. While the caller speaks (not in the quiet after), a partial is due about once a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RATE = 16_000  # what the speech model takes
FRAME_S = 0.02
MAX_MESSAGE_S = 1.0  # a message holding more audio than this is refused (a gateway sends 20 ms)
PARTIAL_QUIET_S = 0.2  # no partial once the caller has been quiet this long (the final is coming)


class FrameError(ValueError):
    """Audio bytes that cannot be call audio in the format agreed; the message says why."""


@dataclass(frozen=True)
class Format:
    name: str
    rate: int
    width: int  # bytes a sample

    @property
    def max_message_bytes(self) -> int:
        return int(self.rate * MAX_MESSAGE_S) * self.width


FORMATS = {"mulaw-8k": Format("mulaw-8k", 8000, 1), "pcm16-16k": Format("pcm16-16k", 16000, 2)}


def _mulaw_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent, mantissa = (u >> 4) & 0x07, u & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return (np.where(u & 0x80, -magnitude, magnitude) / 32768.0).astype(np.float32)


MULAW = _mulaw_table()


def mulaw_encode(samples: np.ndarray) -> bytes:
    """float -1..1 -> G.711 mu-law bytes (for the phone simulator and the tests)."""
    x = np.clip(np.asarray(samples, dtype=np.float64) * 32768.0, -32635, 32635).astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    x = np.abs(x) + 0x84
    exponent = np.clip(np.floor(np.log2(np.maximum(x, 1))).astype(np.int32) - 7, 0, 7)
    mantissa = (x >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def decode_frame(fmt: Format, data: bytes) -> np.ndarray:
    """The samples of one message at the format's own rate, float32 -1..1, or FrameError."""
    if not data:
        raise FrameError("an empty audio message")
    if len(data) > fmt.max_message_bytes:
        raise FrameError(f"an audio message of {len(data)} bytes: at most {fmt.max_message_bytes} "
                         f"({MAX_MESSAGE_S:g} s of {fmt.name}) a message")
    if len(data) % fmt.width:
        raise FrameError(f"{len(data)} bytes is not a whole number of {fmt.width}-byte {fmt.name} samples")
    if fmt.width == 1:
        return MULAW[np.frombuffer(data, dtype=np.uint8)]
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)


def to_model_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Samples at `rate` -> 16 kHz for the model (a polyphase filter over the whole stretch: no clicks)."""
    if rate == RATE:
        return samples.astype(np.float32)
    from scipy.signal import resample_poly

    return resample_poly(samples, RATE, rate).astype(np.float32)


@dataclass(frozen=True)
class Stretch:
    """A stretch of speech: its samples (at the stream's rate) and where it lies in the call audio."""

    samples: np.ndarray
    start_s: float
    end_s: float
    final: bool


@dataclass
class Segmenter:
    """Feeds on audio, says when a partial is due and when a stretch of speech has ended."""

    rate: int
    floor_db: float = -50.0  # quieter than this is never voice
    above_noise_db: float = 10.0  # voice stands this far above the noise floor
    start_frames: int = 3
    preroll_s: float = 0.2
    hangover_s: float = 0.6
    max_segment_s: float = 12.0
    partial_every_s: float = 1.0
    received_s: float = 0.0  # audio received so far (the call's audio clock)
    noise_db: float = -60.0
    _pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _recent: list[np.ndarray] = field(default_factory=list)  # the last frames before speech (pre-roll)
    _voiced_run: int = 0
    _speech: list[np.ndarray] | None = None
    _speech_start_s: float = 0.0
    _quiet_s: float = 0.0
    _partial_at_s: float = 0.0

    @property
    def frame(self) -> int:
        return int(self.rate * FRAME_S)

    @property
    def in_speech(self) -> bool:
        return self._speech is not None

    def feed(self, samples: np.ndarray) -> list[Stretch]:
        """What is due after these samples: partial stretches (the speech so far) and final ones (ended)."""
        out: list[Stretch] = []
        buf = np.concatenate([self._pending, samples]) if self._pending.size else samples
        n = self.frame
        whole = len(buf) // n * n
        for i in range(0, whole, n):
            stretch = self._frame(buf[i:i + n])
            if stretch is not None:
                out.append(stretch)
        self._pending = buf[whole:].copy()
        if self._speech is not None and self.received_s - self._partial_at_s >= self.partial_every_s \
                and self._quiet_s < PARTIAL_QUIET_S and not any(s.final for s in out):
            self._partial_at_s = self.received_s
            out.append(self._stretch(final=False))
        return out

    def flush(self) -> Stretch | None:
        """The stretch under way as final (the audio ended)."""
        if self._speech is None:
            return None
        if self._pending.size:
            self._speech.append(self._pending)
            self.received_s += len(self._pending) / self.rate
            self._pending = np.zeros(0, np.float32)
        stretch = self._stretch(final=True)
        self._speech = None
        return stretch

    def _frame(self, frame: np.ndarray) -> Stretch | None:
        self.received_s += len(frame) / self.rate
        rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        level = 20 * np.log10(rms) if rms > 0 else -120.0
        voiced = level > max(self.floor_db, self.noise_db + self.above_noise_db)
        if not voiced:  # the floor follows the quiet quickly down and slowly up
            self.noise_db = level if level < self.noise_db else 0.95 * self.noise_db + 0.05 * level
        if self._speech is None:
            self._recent.append(frame)
            keep = max(1, int(self.preroll_s / FRAME_S)) + self.start_frames
            del self._recent[:-keep]
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run >= self.start_frames:
                self._speech = list(self._recent)
                self._recent = []
                self._speech_start_s = self.received_s - sum(len(f) for f in self._speech) / self.rate
                self._quiet_s, self._partial_at_s = 0.0, self.received_s
            return None
        self._speech.append(frame)
        self._quiet_s = 0.0 if voiced else self._quiet_s + FRAME_S
        length = self.received_s - self._speech_start_s
        if self._quiet_s >= self.hangover_s or length >= self.max_segment_s:
            stretch = self._stretch(final=True)
            self._speech, self._voiced_run = None, 0
            return stretch
        return None

    def _stretch(self, *, final: bool) -> Stretch:
        assert self._speech is not None
        samples = np.concatenate(self._speech)
        end = self.received_s - (self._quiet_s if final else 0.0)
        return Stretch(samples, round(self._speech_start_s, 2), round(max(end, self._speech_start_s), 2), final)


@dataclass
class Pace:
    """Audio must come no faster than `factor` x real time (after a `burst_s` allowance): a gateway plays a call
    as it happens; a client that pours a file in would starve the model for every other call."""

    factor: float = 2.0
    burst_s: float = 2.0
    started: float | None = None

    def too_fast(self, audio_s: float, now: float) -> bool:
        if self.started is None:
            self.started = now
        return audio_s > self.factor * (now - self.started) + self.burst_s

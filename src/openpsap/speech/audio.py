"""Call audio from a file, as the speech model wants it: 16 kHz mono float32 samples. No web, no database.

FFmpeg (through PyAV, which faster-whisper already needs) decodes every format: WAV with 8 kHz mu-law or
A-law (G.711, what a phone line carries) or PCM at any rate, and the common compressed formats (MP3, FLAC,
Ogg/Opus, AAC/M4A, ...). What cannot be used raises AudioError with a sentence a call-taker can read: not
audio, empty, truncated, silent, or longer than the limit (checked from the header first, then while
decoding, so a long file is never read whole).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16_000
SILENCE_DBFS = -50.0  # a file whose loudest sample stays below this holds no voice
TRUNCATED_SECONDS = 0.5  # shorter than a WAV header announces by more than this (and 5 %) is truncated


class AudioError(ValueError):
    """A file that cannot be transcribed; the message says why in plain words."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, 16 kHz, -1..1
    source: str  # what the file held, e.g. "wav pcm_mulaw 8000 Hz"

    @property
    def duration_s(self) -> float:
        return len(self.samples) / RATE


def decode(path: Path, *, max_seconds: float) -> Audio:
    """The file's audio at 16 kHz mono, or AudioError."""
    import av

    if path.is_dir():
        raise AudioError("a folder, not a file")
    if not path.is_file():
        raise AudioError("no such file")
    if path.stat().st_size == 0:
        raise AudioError("empty file")
    try:
        declared = _wav_declared_seconds(path)
    except OSError as exc:
        raise AudioError(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        # local files only: a playlist or reference file must not make FFmpeg open URLs
        container = av.open(str(path), metadata_errors="ignore", options={"protocol_whitelist": "file"})
    except av.error.FFmpegError:
        raise AudioError("not an audio file (FFmpeg cannot read it)") from None
    with container:
        if not container.streams.audio:
            raise AudioError("not an audio file (no sound track in it)")
        stream = container.streams.audio[0]
        # a compressed file's length is an estimate (from its bit rate): good for the limit, not for truncation
        length = declared if declared is not None else \
            (container.duration / av.time_base if container.duration is not None else None)
        if length is not None and length > max_seconds:
            raise AudioError(f"too long: {length:.1f} s, the limit is {max_seconds:g} s (speech_max_seconds)")
        source = f"{container.format.name} {stream.codec_context.name} {stream.rate} Hz"
        samples = _samples(container, stream, max_seconds)
    duration = len(samples) / RATE
    if duration == 0:
        raise AudioError("no audio in the file (a header without sound)")
    if declared is not None and declared - duration > max(TRUNCATED_SECONDS, 0.05 * declared):
        raise AudioError(f"truncated: the header announces {declared:.1f} s but the file holds {duration:.1f} s")
    peak = float(np.max(np.abs(samples)))
    if peak == 0 or 20 * np.log10(peak) < SILENCE_DBFS:
        raise AudioError(f"silence: no sound louder than {SILENCE_DBFS:.0f} dBFS in {duration:.1f} s")
    return Audio(samples, source)


def _samples(container, stream, max_seconds: float) -> np.ndarray:  # noqa: ANN001
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    chunks: list[np.ndarray] = []
    count, limit = 0, int(max_seconds * RATE)
    try:
        for frame in container.decode(stream):
            frame.pts = None  # the resampler counts samples itself (broken timestamps must not stop it)
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
                count += chunks[-1].size
            if count > limit:
                raise AudioError(f"too long: more than {max_seconds:g} s, the limit (speech_max_seconds)")
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise AudioError(f"damaged or truncated audio ({exc.strerror or 'FFmpeg could not decode it'})") from None
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return (np.concatenate(chunks).astype(np.float32) / 32768.0).astype(np.float32)


def _wav_declared_seconds(path: Path) -> float | None:
    """How long a RIFF/WAVE file's header says its sound is (FFmpeg trusts the file size instead, so a cut
    file would pass unnoticed); None for other files and for streamed WAVs whose size was never filled in."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk, size = head[pos:pos + 4], struct.unpack("<I", head[pos + 4:pos + 8])[0]
        if chunk == b"fmt " and pos + 16 <= len(head):
            byte_rate = struct.unpack("<I", head[pos + 16:pos + 20])[0] if pos + 20 <= len(head) else 0
        if chunk == b"data":
            if size in (0, 0xFFFFFFFF) or byte_rate == 0:
                return None
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None

"""Call audio decoding (openpsap.speech.audio): phone-line WAVs, compressed formats, and every kind of bad file."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpsap.speech.audio import RATE, AudioError, decode


def tone(rate: int, seconds: float, hz: float = 440.0, amplitude: int = 12000) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * hz * t) * amplitude).astype(np.int16)


def write(path: Path, pcm: np.ndarray, rate: int, codec: str = "pcm_s16le", fmt: str = "wav") -> Path:
    """Encode 16-bit mono samples with FFmpeg (the same library a phone system's recorder would use)."""
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.rate, frame.pts = rate, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


def main_frequency(samples: np.ndarray) -> float:
    return float(np.argmax(np.abs(np.fft.rfft(samples))) * RATE / len(samples))


@pytest.mark.parametrize(("codec", "rate", "fmt", "name"), [
    ("pcm_mulaw", 8000, "wav", "ulaw.wav"),
    ("pcm_alaw", 8000, "wav", "alaw.wav"),
    ("pcm_s16le", 8000, "wav", "pcm8k.wav"),
    ("pcm_s16le", 11025, "wav", "pcm11k.wav"),
    ("pcm_s16le", 44100, "wav", "pcm44k.wav"),
    ("flac", 22050, "flac", "call.flac"),
    ("mp3", 22050, "mp3", "call.mp3"),
    ("libopus", 48000, "ogg", "call.opus"),
])
def test_phone_line_and_compressed_audio_comes_out_at_16_khz_mono(tmp_path: Path, codec: str, rate: int, fmt: str,
                                                                  name: str) -> None:
    audio = decode(write(tmp_path / name, tone(rate, 1.5), rate, codec, fmt), max_seconds=60)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration_s == pytest.approx(1.5, abs=0.1)
    assert main_frequency(audio.samples) == pytest.approx(440, abs=5)  # the sound itself survives
    assert 0.2 < float(np.abs(audio.samples).max()) < 0.5  # 12000 / 32768, give or take the codec
    assert codec.replace("lib", "").split("_")[-1] in audio.source or codec == "mp3"


def test_stereo_is_mixed_down_to_mono(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    left, right = tone(16000, 1.0, 440), tone(16000, 1.0, 440)
    with av.open(str(path), "w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=16000)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray(np.stack([left, right]).T.reshape(1, -1).copy(), format="s16",
                                           layout="stereo")
        frame.rate, frame.pts = 16000, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    audio = decode(path, max_seconds=60)
    assert audio.duration_s == pytest.approx(1.0, abs=0.02) and main_frequency(audio.samples) == pytest.approx(440, abs=5)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"hello, this is a text file and not a recording\n" * 20, "not an audio file"),
    (b"\x00" * 4096, "not an audio file"),
    (b'{"text": "json"}', "not an audio file"),
])
def test_files_that_are_not_audio_are_refused_in_plain_words(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "call.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=message):
        decode(path, max_seconds=60)


def test_a_missing_file_or_a_folder_is_said_so(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such file"):
        decode(tmp_path / "nope.wav", max_seconds=60)
    with pytest.raises(AudioError, match="a folder, not a file"):
        decode(tmp_path, max_seconds=60)


def test_a_cut_off_wav_is_truncated_not_silently_shorter(tmp_path: Path) -> None:
    whole = write(tmp_path / "whole.wav", tone(8000, 4.0), 8000, "pcm_mulaw").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[:len(whole) // 3])
    with pytest.raises(AudioError, match=r"truncated: the header announces 4\.0 s but the file holds 1\.\d s"):
        decode(cut, max_seconds=60)
    header_only = tmp_path / "header.wav"
    header_only.write_bytes(whole[:whole.index(b"data") + 8])
    with pytest.raises(AudioError, match="no audio in the file"):
        decode(header_only, max_seconds=60)


def test_silence_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="silence"):
        decode(write(tmp_path / "quiet.wav", np.zeros(16000, dtype=np.int16), 8000, "pcm_mulaw"), max_seconds=60)
    hiss = (np.random.default_rng(1).standard_normal(16000) * 3).astype(np.int16)  # about -80 dBFS
    with pytest.raises(AudioError, match="silence"):
        decode(write(tmp_path / "hiss.wav", hiss, 8000), max_seconds=60)


def test_a_recording_over_the_limit_is_refused_from_its_header(tmp_path: Path) -> None:
    path = write(tmp_path / "long.wav", tone(8000, 5.0), 8000, "pcm_mulaw")
    with pytest.raises(AudioError, match=r"too long: 5\.0 s, the limit is 3 s"):
        decode(path, max_seconds=3)
    assert decode(path, max_seconds=6).duration_s == pytest.approx(5.0, abs=0.01)


def test_a_streamed_wav_without_a_size_is_still_limited_while_decoding(tmp_path: Path) -> None:
    data = write(tmp_path / "long.wav", tone(8000, 5.0), 8000).read_bytes()
    at = data.index(b"data")
    streamed = tmp_path / "streamed.wav"  # as a recorder that never went back to fill in the sizes writes it
    streamed.write_bytes(data[:4] + struct.pack("<I", 0xFFFFFFFF) + data[8:at + 4] + struct.pack("<I", 0xFFFFFFFF)
                         + data[at + 8:])
    assert decode(streamed, max_seconds=60).duration_s == pytest.approx(5.0, abs=0.01)
    with pytest.raises(AudioError, match="too long"):
        decode(streamed, max_seconds=2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(min_size=1, max_size=2048), keep=st.integers(min_value=0, max_value=400))
def test_garbage_and_damaged_files_give_an_audio_error_never_a_crash(tmp_path: Path, junk: bytes, keep: int) -> None:
    base = write(tmp_path / "base.wav", tone(8000, 0.3), 8000, "pcm_mulaw").read_bytes()
    for content in (junk, base[:keep] + junk):
        path = tmp_path / "junk.wav"
        path.write_bytes(content)
        try:
            audio = decode(path, max_seconds=60)
        except AudioError as exc:
            assert str(exc)
        else:
            assert audio.samples.dtype == np.float32 and audio.duration_s > 0


def test_a_video_without_sound_has_no_sound_track(tmp_path: Path) -> None:
    path = tmp_path / "camera.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height = 64, 48
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(AudioError, match=r"not an audio file \(no sound track in it\)"):
        decode(path, max_seconds=60)

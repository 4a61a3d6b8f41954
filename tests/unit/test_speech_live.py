"""Live call audio without a server or a model: G.711 mu-law both ways, frames checked, stretches of speech found
by their energy with partials about once a second, and the pace limit."""

from __future__ import annotations

import numpy as np
import pytest

from openpsap.speech.live import FORMATS, MULAW, FrameError, Pace, Segmenter, decode_frame, mulaw_encode, to_model_rate


def _tone(seconds: float, rate: int, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 300 * t)).astype(np.float32)


def _quiet(seconds: float, rate: int, level: float = 0.0) -> np.ndarray:
    return (level * np.random.default_rng(7).standard_normal(int(seconds * rate))).astype(np.float32)


def test_mulaw_round_trips_every_code_and_matches_g711_values() -> None:
    codes = np.delete(np.arange(256, dtype=np.uint8), 0x7F)  # 0x7F is "minus zero": it comes back as 0xFF
    assert np.frombuffer(mulaw_encode(MULAW[codes]), np.uint8).tolist() == codes.tolist()
    assert MULAW[0xFF] == 0.0 and MULAW[0x7F] == 0.0  # the two zeros
    assert MULAW[0x00] == pytest.approx(-32124 / 32768) and MULAW[0x80] == pytest.approx(32124 / 32768)


def test_frames_are_checked_and_decoded() -> None:
    mulaw, pcm = FORMATS["mulaw-8k"], FORMATS["pcm16-16k"]
    assert decode_frame(mulaw, b"\xff" * 160).shape == (160,)
    assert decode_frame(pcm, (1000).to_bytes(2, "little", signed=True) * 320)[0] == pytest.approx(1000 / 32768)
    with pytest.raises(FrameError, match="empty"):
        decode_frame(mulaw, b"")
    with pytest.raises(FrameError, match="whole number"):
        decode_frame(pcm, b"\x00" * 641)
    with pytest.raises(FrameError, match="at most 32000"):
        decode_frame(pcm, b"\x00" * 32002)


def test_upsampling_keeps_the_length_and_the_tone() -> None:
    up = to_model_rate(_tone(1.0, 8000), 8000)
    assert up.shape == (16000,) and up.dtype == np.float32
    assert float(np.sqrt(np.mean(up[1000:-1000] ** 2))) == pytest.approx(0.3 / np.sqrt(2), rel=0.05)


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("noise", [0.0, 0.003])  # silence, and a line hiss about -50 dBFS
def test_stretches_of_speech_are_found_with_their_times(rate: int, noise: float) -> None:
    seg = Segmenter(rate)
    audio = np.concatenate([_quiet(0.5, rate, noise), _tone(1.5, rate) + _quiet(1.5, rate, noise),  # voice 0.5-2.0
                            _quiet(1.0, rate, noise), _tone(0.8, rate) + _quiet(0.8, rate, noise),  # 3.0-3.8
                            _quiet(1.0, rate, noise)])
    out = []
    for i in range(0, len(audio), int(0.02 * rate)):  # 20 ms frames, as a gateway sends them
        out += seg.feed(audio[i:i + int(0.02 * rate)])
    finals = [s for s in out if s.final]
    assert [(s.start_s, s.end_s) for s in finals] == [(pytest.approx(0.3, abs=0.05), pytest.approx(2.0, abs=0.05)),
                                                       (pytest.approx(2.8, abs=0.05), pytest.approx(3.8, abs=0.05))]
    partials = [s for s in out if not s.final]
    # about 1 s into the first stretch; none in the quiet after either (the final is coming)
    assert [(s.start_s, s.end_s) for s in partials] == [(pytest.approx(0.3, abs=0.05), pytest.approx(1.56, abs=0.05))]
    assert seg.flush() is None and seg.received_s == pytest.approx(len(audio) / rate)


def test_speech_still_under_way_when_the_audio_ends_is_flushed_and_long_speech_is_cut() -> None:
    seg = Segmenter(8000, max_segment_s=3.0)
    out = seg.feed(_tone(4.0, 8000))
    finals = [s for s in out if s.final]
    assert len(finals) == 1 and finals[0].end_s - finals[0].start_s == pytest.approx(3.0, abs=0.05)
    seg.feed(_tone(0.5, 8000))
    last = seg.flush()
    assert last is not None and last.final and last.end_s == pytest.approx(4.5, abs=0.05)


def test_the_pace_allows_a_burst_then_twice_real_time() -> None:
    pace = Pace(factor=2.0, burst_s=2.0)
    assert not pace.too_fast(1.9, now=100.0)
    assert pace.too_fast(2.5, now=100.1)
    assert not pace.too_fast(21.0, now=110.0)
    assert pace.too_fast(23.0, now=110.0)

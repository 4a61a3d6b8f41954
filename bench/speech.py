"""Speech to text over a simulated phone line: word error rate, triage from audio vs text, speed. JSON on stdout.

Calls: the independent held-out triage set (openpsap/data/triage_corpus/heldout.jsonl, written by a writer who
never saw the training split), without its CAD notes ("RP states ...", "open line, ...": not speech) and its
calls in other languages (an English voice cannot speak them). The texts are triaged first; a seeded draw takes
--calls of them, half High by triage from their text. "911" is spoken "nine one one".
Phone line: each text spoken by espeak-ng (four voices in turn), every second call mixed with background
noise (pink noise at 10-15 dB SNR, seeded), then sox: 300-3400 Hz band-pass, 8 kHz, mu-law (G.711) WAV.
Measures, per model and prompt (--models, speech_prompt empty and 911):
- wer: word error rate over the set (jiwer), both sides normalised: lower case, contractions expanded,
  punctuation dropped, number words as digits (text2num), "9 1 1" as "911"; also on clean and noisy halves.
- high_kept: of the calls High by triage from their text, the share still High by triage from the transcript.
- rtf: wall time of one `openpsap transcribe --json` process over the whole set (interpreter start and model
  load included) divided by the audio's duration.
- non_english: English calls flagged non_english (false alarms), and a few short non-English calls spoken by
  espeak-ng voices of other languages, flagged or not (multilingual models only).

    .venv/bin/pip install -e '.[bench]'   # jiwer, text2num
    .venv/bin/python bench/speech.py [--calls 40] [--models tiny.en,base] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from openpsap.triage import triage_many
from openpsap.triage.corpus import heldout_path, read
from openpsap.triage.normalise import normalise

VOICES = [("en-us", 150), ("en-us+f3", 145), ("en-gb", 150), ("en-us+m3", 145)]
# CAD narrative written by a call-taker ("RP states ...", "open line, ...", "callback unanswered"), not speech
CAD_NOTE = re.compile(r"\bRP\b|/|\bopen line\b|\bcall ?back\b|\bcaller\b|\bblk\b|\bapprox\b|\b\d+ ?yo\b|\badvised\b"
                      r"|\breported\b|\badmit")
# Short calls in other languages, written for this benchmark (what a caller might say first).
OTHER_LANGUAGES = [
    ("es", "Hola, necesito una ambulancia, mi esposo no respira. Estamos en la calle Mission, por favor rápido."),
    ("es", "Hay un incendio en la casa de mi vecino, sale mucho humo y hay niños adentro."),
    ("fr", "Allô, mon père est tombé dans l'escalier, il ne répond plus, envoyez une ambulance s'il vous plaît."),
    ("vi", "Xin giúp tôi, mẹ tôi bị ngã và không thở được, xin gửi xe cứu thương ngay."),
    ("zh", "你好，我需要救护车，我的妈妈晕倒了，她没有呼吸。"),
    ("ru", "Помогите, мой муж упал и не дышит, пришлите скорую помощь пожалуйста."),
]
ESPEAK_VOICE = {"zh": "cmn"}


def norm(text: str) -> str:
    from text_to_num import alpha2digit

    text = re.sub(r"(?<=\d)-(?=\d)", " ", text.lower())
    text = normalise(alpha2digit(normalise(text), "en"))
    words: list[str] = []
    for w in text.split():  # "9 1 1" -> "911": digits spoken one by one are one number
        if w.isdigit() and words and words[-1].isdigit() and len(w) == 1 and len(words[-1]) <= 3:
            words[-1] += w
        else:
            words.append(w)
    return " ".join(words)


def pick(count: int, seed: int) -> list[dict]:
    calls = [{"id": r.id, "text": r.text, "label": r.urgency} for r in read(heldout_path())
             if not CAD_NOTE.search(r.text) and r.text.isascii()]  # English speech: no CAD notes, no other languages
    for call, result in zip(calls, triage_many([c["text"] for c in calls])):
        call["urgency_text"] = result.urgency
    random.Random(seed).shuffle(calls)
    high = [c for c in calls if c["urgency_text"] == "High"][:count // 2]
    other = [c for c in calls if c["urgency_text"] != "High"][:count - len(high)]
    chosen = sorted(high + other, key=lambda c: c["id"])
    for i, call in enumerate(chosen):
        call["noisy"] = i % 2 == 1
    return chosen


def speak(text: str, voice: str, speed: int, out: Path, noise_snr_db: float | None, rng: np.random.Generator) -> None:
    """espeak-ng -> (noise) -> sox: band-pass 300-3400 Hz, 8 kHz mu-law."""
    raw = out.with_suffix(".raw.wav")
    said = re.sub(r"\b911\b", "nine one one", text)  # as callers and call-takers say it
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), "--stdin"], input=said.encode(),
                   check=True, capture_output=True)
    with wave.open(str(raw), "rb") as w:
        rate, pcm = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)
    if noise_snr_db is not None:
        spectrum = np.fft.rfft(rng.standard_normal(len(pcm)))
        spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))  # 1/f power: pink noise
        noise = np.fft.irfft(spectrum, len(pcm))
        voiced = pcm[np.abs(pcm) > 0.02 * np.abs(pcm).max()]
        noise *= np.sqrt(np.mean(voiced ** 2) / np.mean(noise ** 2) / 10 ** (noise_snr_db / 10))
        pcm = pcm + noise
    pcm = np.clip(pcm / max(1.0, np.abs(pcm).max() / 30000), -32768, 32767).astype(np.int16)
    with wave.open(str(raw), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(pcm.tobytes())
    subprocess.run(["sox", "-R", str(raw), "-r", "8000", "-c", "1", "-e", "mu-law", str(out), "sinc", "300-3400"],
                   check=True, capture_output=True)
    raw.unlink()


def duration(path: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], check=True, capture_output=True, text=True).stdout)


def transcribe(files: list[Path], model: str, prompt: str) -> tuple[list[dict], float]:
    env = {**os.environ, "OPENPSAP_SPEECH_PROMPT": prompt}
    cli = Path(sys.executable).with_name("openpsap")
    start = time.perf_counter()
    done = subprocess.run([str(cli), "transcribe", "--json", "--model", model, *map(str, files)], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(rows) != len(files):
        raise SystemExit(f"transcribe gave {len(rows)} lines for {len(files)} files (exit {done.returncode}): "
                         f"{done.stderr[-2000:]}")
    return rows, seconds


def score(calls: list[dict], rows: list[dict], seconds: float, audio_s: float) -> dict:
    import jiwer

    hyps = [r.get("text", "") for r in rows]
    refs_n, hyps_n = [norm(c["text"]) for c in calls], [norm(h) for h in hyps]
    by_audio = triage_many(hyps)
    for call, result, hyp in zip(calls, by_audio, hyps):
        call["urgency_audio"], call["hyp"] = result.urgency, hyp
    high = [c for c in calls if c["urgency_text"] == "High"]
    half = {k: [i for i, c in enumerate(calls) if c["noisy"] == (k == "noisy")] for k in ("clean", "noisy")}
    voices = {v: [i for i, c in enumerate(calls) if c["voice"] == v] for v, _ in VOICES}
    return {
        "wer": round(jiwer.wer(refs_n, hyps_n), 3),
        "wer_clean": round(jiwer.wer([refs_n[i] for i in half["clean"]], [hyps_n[i] for i in half["clean"]]), 3),
        "wer_noisy": round(jiwer.wer([refs_n[i] for i in half["noisy"]], [hyps_n[i] for i in half["noisy"]]), 3),
        "wer_by_voice": {v: round(jiwer.wer([refs_n[i] for i in ix], [hyps_n[i] for i in ix]), 3)
                         for v, ix in voices.items() if ix},
        "high_by_text": len(high),
        "high_kept": round(sum(c["urgency_audio"] == "High" for c in high) / max(1, len(high)), 3),
        "high_lost": [c["id"] for c in high if c["urgency_audio"] != "High"],
        "urgency_same": round(sum(c["urgency_audio"] == c["urgency_text"] for c in calls) / len(calls), 3),
        "non_english_false_alarms": sum(bool(r.get("non_english")) for r in rows),
        "errors": sum("error" in r for r in rows),
        "seconds": round(seconds, 1),
        "rtf": round(seconds / audio_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--prompts", default=",911", help="speech_prompt values to compare, comma-separated")
    parser.add_argument("--seed", type=int, default=911)
    parser.add_argument("--work", type=Path, help="keep the recordings here (default: a temporary folder)")
    parser.add_argument("--show", action="store_true", help="add each call's reference and transcript")
    args = parser.parse_args()
    for tool in ("espeak-ng", "sox"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y espeak-ng sox")

    work = args.work or Path(tempfile.mkdtemp(prefix="openpsap-speech-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    calls = pick(args.calls, args.seed)
    files = []
    for i, call in enumerate(calls):
        voice, speed = VOICES[i // 2 % len(VOICES)]  # each voice speaks clean and noisy calls alike
        call["voice"] = voice
        path = work / f"{call['id']}.wav"
        if not path.is_file():
            speak(call["text"], voice, speed, path, float(rng.uniform(10, 15)) if call["noisy"] else None, rng)
        files.append(path)
    other = []
    for i, (lang, text) in enumerate(OTHER_LANGUAGES):
        path = work / f"other-{i}-{lang}.wav"
        if not path.is_file():
            speak(text, ESPEAK_VOICE.get(lang, lang), 150, path, None, rng)
        other.append(path)
    audio_s = sum(duration(f) for f in files)

    runs = []
    for model in args.models.split(","):
        for prompt in args.prompts.split(","):
            rows, seconds = transcribe(files, model, prompt)
            run = {"model": rows[0].get("model", model), "prompt": prompt or "none",
                   **score(calls, rows, seconds, audio_s)}
            if model != "tiny.en":
                flagged, _ = transcribe(other, model, prompt)
                run["non_english_flagged"] = f"{sum(bool(r.get('non_english')) for r in flagged)}/{len(other)}"
                run["non_english_languages"] = [r.get("language") for r in flagged]
            if args.show:
                run["calls"] = [{k: c[k] for k in ("id", "voice", "noisy", "urgency_text", "urgency_audio", "text", "hyp")}
                                for c in calls]
            runs.append(run)
            print(json.dumps({k: v for k, v in run.items() if k != "calls"}), file=sys.stderr)
    print(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "set": {"calls": len(calls), "high_by_text": sum(c["urgency_text"] == "High" for c in calls),
                "noisy": sum(c["noisy"] for c in calls), "audio_s": round(audio_s, 1),
                "mean_call_s": round(audio_s / len(calls), 1), "seed": args.seed, "work": str(work)},
        "runs": runs,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

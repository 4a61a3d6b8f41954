"""Triage speed: model load, one triage (new text and a growing transcript), batch throughput. JSON on stdout.

- load: a fresh Python process imports openpsap.triage and loads the shipped model (files hashed, ONNX
  session built, classifier read); median of --loads runs, interpreter start excluded.
- single: each held-out scenario triaged once with an empty chunk cache (a new call's first triage).
- growing: each held-out text fed as it grows, three words at a time, as a speech engine or a call-taker's
  typing would deliver it; every re-triage is timed.
- batch: `triage_many` over the held-out texts repeated to --batch-texts, chunk cache emptied first, with a
  1-thread and a 2-thread ONNX session and no chunk cache; and over the real transcripts when ../shared is there (longer texts).

    .venv/bin/python bench/triage.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from openpsap.triage import triage, triage_many
from openpsap.triage.corpus import heldout_path, read
from openpsap.triage.embedding import SentenceEncoder
from openpsap.triage.model import load

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "transcripts" / "pawar_google.csv"
LOAD = ("import time; t = time.perf_counter(); from openpsap.triage.model import load; load(); "
        "print(time.perf_counter() - t)")


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"count": len(ms), "p50_ms": round(statistics.median(ms), 2),
            "p99_ms": round(float(np.percentile(ms, 99)), 2), "max_ms": round(max(ms), 2)}


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def batch_rate(texts: list[str], threads: int) -> dict[str, float]:
    model = load(encoder=SentenceEncoder(threads=threads, cache_size=0))  # no cache: repeats cost full price
    triage_many(texts[:8], learned=model)  # warm the session
    seconds = timed(lambda: [triage_many(texts[i:i + 64], learned=model) for i in range(0, len(texts), 64)]) / 1000
    words = statistics.mean(len(t.split()) for t in texts)
    return {"texts": len(texts), "mean_words": round(words, 1), "seconds": round(seconds, 2),
            "texts_per_s": round(len(texts) / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--batch-texts", type=int, default=540)
    args = parser.parse_args()

    loads = [float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)
             for _ in range(args.loads)]
    texts = [r.text for r in read(heldout_path())]
    model = load()
    triage("warm up", learned=model)

    single = []
    for text in texts:
        model.encoder.forget()
        single.append(timed(lambda: triage(text, learned=model)))
    growing = []
    for text in texts:
        words = text.split()
        for end in range(3, len(words) + 3, 3):
            growing.append(timed(lambda: triage(" ".join(words[:end]), learned=model)))

    repeated = (texts * (args.batch_texts // len(texts) + 1))[:args.batch_texts]
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "model": model.version,
        "load_s": {"median": round(statistics.median(loads), 3), "runs": [round(x, 3) for x in loads]},
        "single_new_text": percentiles(single),
        "growing_transcript_retriage": percentiles(growing),
        "batch_heldout_1_thread": batch_rate(repeated, 1),
        "batch_heldout_2_threads": batch_rate(repeated, 2),
    }
    if TRANSCRIPTS.is_file():
        long_texts = [r.text for r in read(TRANSCRIPTS)]
        result["batch_real_transcripts_2_threads"] = batch_rate(long_texts, 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

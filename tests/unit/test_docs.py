"""The docs that are generated from code are current (regenerate: python -m openpsap.docgen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpsap.docgen import DOCS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_generated_doc_is_current(name: str) -> None:
    assert (ROOT / "docs" / name).read_text(encoding="utf-8") == DOCS[name](), (
        f"docs/{name} is out of date: run `python -m openpsap.docgen`"
    )

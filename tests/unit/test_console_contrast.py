"""The console's colours pass WCAG AA: every text-on-background pair used in console.css has a
contrast ratio of at least 4.5:1 (normal text). The pairs are read from the CSS custom properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "src" / "openpsap" / "console" / "static" / "console.css"
AA = 4.5

# (text colour, background colour) as used in console.css
PAIRS = [
    ("text", "bg"), ("text", "panel"), ("text", "raised"), ("muted", "panel"), ("muted", "bg"),
    ("error", "panel"), ("error", "bg"), ("ok", "bg"), ("warn", "bg"),
    ("on-badge", "p1"), ("on-badge", "p2"), ("on-badge", "p3"), ("on-badge", "p4"), ("on-badge", "low"),
    ("on-badge", "child"), ("on-badge", "nonemerg"), ("on-badge", "flag"), ("on-badge", "primary"),
    ("on-badge", "offline"), ("on-badge", "warn-bg"), ("on-rec", "rec"),
]


def _variables() -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS.read_text()))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


@pytest.mark.parametrize(("fg", "bg"), PAIRS, ids=[f"{f}-on-{b}" for f, b in PAIRS])
def test_text_colours_pass_wcag_aa(fg: str, bg: str) -> None:
    colours = _variables()
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= AA, f"--{fg} {colours[fg]} on --{bg} {colours[bg]}: {ratio:.2f}:1 < {AA}:1"

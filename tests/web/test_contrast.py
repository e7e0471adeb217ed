"""WCAG 2.1 AA contrast of the stylesheet's colour pairs (text ≥ 4.5:1, focus ring ≥ 3:1)."""

import re
from pathlib import Path

import pytest

import congvu

CSS = (Path(congvu.__file__).resolve().parent / "web/static/congvu/congvu.css").read_text()
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# (foreground, background, minimum): every text/background pair the stylesheet uses.
PAIRS = [
    ("fg", "bg", 4.5),
    ("muted", "bg", 4.5),
    ("link", "bg", 4.5),
    ("error", "bg", 4.5),
    ("ok", "bg", 4.5),
    ("warn", "bg", 4.5),
    ("primary-fg", "primary", 4.5),
    ("primary", "bg", 4.5),
    ("fg", "surface", 4.5),
    ("muted", "surface", 4.5),
    ("link", "surface", 4.5),
    ("focus-ring", "bg", 3.0),
    ("focus-ring", "focus", 3.0),
]


@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
def test_colour_pair_meets_aa(fg, bg, minimum):
    assert fg in VARS and bg in VARS, f"--{fg} or --{bg} is not defined in congvu.css"
    assert ratio(VARS[fg], VARS[bg]) >= minimum, (
        f"--{fg} on --{bg}: {ratio(VARS[fg], VARS[bg]):.2f}"
    )


def test_ratio_formula_matches_known_values():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)

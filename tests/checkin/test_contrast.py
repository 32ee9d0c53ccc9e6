"""White text on the success greens (scanner, ticket button, partner redemption) reaches WCAG AA 4.5:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "app" / "static" / "css" / "app.css").read_text(encoding="utf-8")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _background(selector: str) -> str:
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS).group(1)
    value = re.search(r"background(?:-color)?:\s*([^;]+);", rule).group(1).strip()
    if value.startswith("var("):
        name = value[4:-1]
        value = re.search(re.escape(name) + r":\s*(#[0-9a-fA-F]{6})", CSS).group(1)
    return value


@pytest.mark.parametrize("selector", [".scan-result--ok", ".redeem-result--ok"])
def test_white_on_the_success_green_is_at_least_4_5_to_1(selector):
    assert re.search(re.escape(selector) + r"\s*\{[^}]*color:\s*#fff", CSS)
    ratio = 1.05 / (_luminance(_background(selector)) + 0.05)
    assert ratio >= 4.5, f"{selector}: {ratio:.2f}:1"

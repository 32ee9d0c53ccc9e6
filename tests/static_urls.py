"""Static URLs in rendered pages carry a content digest (app/assets.py); tests name the files plainly."""

from __future__ import annotations

import re

DIGEST = re.compile(r"(/static/[^\"'\s]+?)\.[0-9a-f]{10}(\.[A-Za-z0-9]+)(?=[\"'\s?#])")


def undigested(html: str) -> str:
    """`/static/js/app.53474bb970.js` → `/static/js/app.js` throughout a page."""
    return DIGEST.sub(r"\1\2", html)

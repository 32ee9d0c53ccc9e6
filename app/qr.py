"""QR codes for registration links and tickets: PNG bytes, Pillow images, SVG and data: URIs.

Every code uses error correction level M (15 %), black on white, with the
standard 4-module quiet zone unless told otherwise. Keep the encoded text
short (a short URL with a token) so the code stays low-density and scans fast
from a phone screen or a print-out.
"""

from __future__ import annotations

import base64
import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

__all__ = ["qr_data_uri", "qr_image", "qr_matrix", "qr_png", "qr_svg"]


def qr_matrix(data: str) -> list[list[bool]]:
    """The module grid of the smallest QR version that holds `data`, without a quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(data: str, *, box_size: int = 10, border: int = 4) -> Image.Image:
    """A greyscale ("L") image, `box_size` pixels per module, `border` modules of quiet zone."""
    if box_size < 1 or border < 0:
        raise ValueError("box_size must be >= 1 and border >= 0")
    matrix = qr_matrix(data)
    side = len(matrix) + 2 * border
    # One pixel per module, then a nearest-neighbour upscale: much faster than drawing boxes.
    small = Image.new("L", (side, side), 255)
    small.putdata([
        0 if 0 <= y - border < len(matrix) and 0 <= x - border < len(matrix)
        and matrix[y - border][x - border] else 255
        for y in range(side) for x in range(side)
    ])
    return small.resize((side * box_size, side * box_size), Image.Resampling.NEAREST)


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """The QR code as PNG bytes (1-bit, so a few hundred bytes to a few KB)."""
    buffer = io.BytesIO()
    qr_image(data, box_size=box_size, border=border).convert("1").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def qr_data_uri(data: str, *, box_size: int = 10, border: int = 4) -> str:
    """A `data:image/png;base64,…` URI, for an <img> in HTML pages and PDFs."""
    png = qr_png(data, box_size=box_size, border=border)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_svg(data: str, *, border: int = 4) -> str:
    """A standalone SVG document, one user unit per module, that scales crisply to any size."""
    matrix = qr_matrix(data)
    side = len(matrix) + 2 * border
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            # One rectangle per horizontal run of dark modules keeps the path short.
            runs.append(f"M{start + border} {y + border}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )

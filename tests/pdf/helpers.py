"""Independent checks for rendered output: zxing-cpp reads QR codes, pypdf and poppler read PDFs."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in the image, as text."""
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def qr_width(image: Image.Image) -> int:
    """Width in pixels of the first QR code zxing-cpp finds (finder pattern to finder pattern)."""
    position = zxingcpp.read_barcodes(image)[0].position
    return position.top_right.x - position.top_left.x


def pdf_reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(pdf).pages)


def pdf_fonts(pdf: bytes) -> dict[str, pypdf.generic.DictionaryObject]:
    """BaseFont name (subset tag removed) → the font's descriptor, over all pages."""
    fonts = {}
    for page in pdf_reader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts[name] = descendant["/FontDescriptor"].get_object()
    return fonts


def pdf_image_count(pdf: bytes) -> int:
    """How many image XObjects the pages draw."""
    count = 0
    for page in pdf_reader(pdf).pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def pdf_page_png(pdf: bytes, dpi: int = 100, page: int = 1) -> Image.Image:
    """One page rasterised by poppler's pdftoppm (skips the test when it is not installed)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(source), str(target)], check=True, capture_output=True, timeout=60)
        with Image.open(target.with_suffix(".png")) as image:
            image.load()
            return image.copy()

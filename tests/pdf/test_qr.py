"""QR codes from app.qr decode, with an independent decoder (zxing-cpp), to exactly what was encoded."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from app.pdf import render_pdf
from app.qr import qr_data_uri, qr_image, qr_matrix, qr_png, qr_svg
from tests.pdf.helpers import decode_qr, pdf_page_png

URLS = [
    "https://hd.example.cn/r/mid-autumn-2026",
    "https://hd.example.cn/r/mid-autumn-2026?ref=ABCD1234",
    "https://hd.example.cn/t/Zx8-kP2_qLw9",
]


@pytest.mark.parametrize("url", URLS)
def test_png_decodes_to_the_exact_url(url):
    image = Image.open(io.BytesIO(qr_png(url)))
    assert decode_qr(image) == [url]


def test_png_is_small_and_black_on_white():
    png = qr_png(URLS[1])
    image = Image.open(io.BytesIO(png)).convert("L")
    assert png.startswith(b"\x89PNG") and len(png) < 4000
    assert {value for _count, value in image.getcolors()} == {0, 255}
    assert image.getpixel((0, 0)) == 255  # the quiet zone is white


def test_size_follows_box_size_and_border():
    modules = len(qr_matrix(URLS[1]))
    image = qr_image(URLS[1], box_size=6, border=2)
    assert image.size == ((modules + 4) * 6, (modules + 4) * 6)
    assert decode_qr(image) == [URLS[1]]


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        qr_image("x", box_size=0)
    with pytest.raises(ValueError):
        qr_image("x", border=-1)


def test_data_uri_holds_the_png():
    uri = qr_data_uri(URLS[1], box_size=4)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert decode_qr(image) == [URLS[1]]


def test_svg_is_well_formed_and_scans_once_printed():
    svg = qr_svg(URLS[1])
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    pdf = render_pdf(f'<img src="{uri}" style="width:60mm;height:60mm">')
    assert decode_qr(pdf_page_png(pdf, dpi=100)) == [URLS[1]]

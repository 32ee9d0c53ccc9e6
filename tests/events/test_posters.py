"""Posters from the event page: the QR carries the registration address (and my referral code)."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_the_outlet_poster_encodes_the_registration_url(client, auth, make):
    outlet = make.outlet("PS1")
    make.user("staff", outlet=outlet, username="poster.staff")
    event = make.event(outlet, title="重阳敬老健康讲座（测试）")
    auth.login("poster.staff")
    response = client.get(f"/events/{event.id}/poster.png")
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.height > image.width  # phone-screen proportions for sharing in WeChat
    assert _decode(response.data) == f"http://localhost/e/{event.slug}"


def test_my_poster_carries_my_referral_code(client, auth, make):
    outlet = make.outlet("PS2")
    staff = make.user("staff", outlet=outlet, username="poster.me")
    event = make.event(outlet)
    auth.login("poster.me")
    png = client.get(f"/events/{event.id}/poster.png?mine=1").data
    assert _decode(png) == f"http://localhost/e/{event.slug}?ref={staff.referral_code}"


def test_the_print_poster_is_an_a4_pdf_with_the_chinese_title(client, auth, make):
    outlet = make.outlet("PS3")
    make.user("staff", outlet=outlet, username="poster.pdf")
    event = make.event(outlet, title="防范非法集资宣传讲座（测试）")
    auth.login("poster.pdf")
    response = client.get(f"/events/{event.id}/poster.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert "防范非法集资宣传讲座" in reader.pages[0].extract_text()


def test_a_draft_has_no_poster_yet(client, auth, make):
    outlet = make.outlet("PS4")
    make.user("staff", outlet=outlet, username="poster.draft")
    event = make.event(outlet, publish=False)
    auth.login("poster.draft")
    response = client.get(f"/events/{event.id}/poster.png")
    assert response.status_code == 302

"""A merchant at the counter on a phone (390×844): log in, scan a voucher with the camera, see the answer.

Chromium's fake camera plays a .y4m video made from the voucher's QR code, so
the real scanner component (qr-scanner, through app/static/js/scanner.js)
decodes it exactly as on a phone; 127.0.0.1 is a secure context for getUserMedia.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from PIL import Image

from app.alliance.models import Voucher
from app.extensions import db
from app.qr import qr_image
from tests.alliance.conftest import attach, make_offer, vouchers_of
from tests.e2e.conftest import CHROMIUM, PHONE, screenshot

pytestmark = pytest.mark.browser


def write_y4m(path, text: str, size=(640, 480), frames: int = 10) -> None:
    """A short greyscale YUV4MPEG2 video of `text`'s QR code in the middle of a white frame."""
    width, height = size
    frame = Image.new("L", size, 255)
    code = qr_image(text, box_size=10, border=4)
    code = code.resize((min(360, code.width),) * 2, Image.Resampling.NEAREST)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)  # 4:2:0, no colour
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_phone(browser, tmp_path):
    """Opens a phone-sized page in a chromium whose camera shows the QR code of the given text."""
    holder = {}

    def open_with(code: str):
        video = tmp_path / "voucher.y4m"
        write_y4m(video, code)
        camera_browser = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
        context = camera_browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN",
                                             permissions=["camera"])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.console_errors = errors
        holder["browser"] = camera_browser
        return page

    yield open_with
    if "browser" in holder:
        holder["browser"].close()


# Expected noise, and only this: the browser logs the answered 409 as a failed resource.
# Any other console error (a CSP violation included) fails the test.
EXPECTED = ("the server responded with a status of 409",)


def unexpected(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(x in e for x in EXPECTED)]


def _scene(make):
    partner = make.partner(code="P-E2E", category="bakery", name="麦香坊烘焙（测试）")
    make.user("partner", partner=partner, username="bake.till")
    offer = make_offer(partner, title="亲子烘焙课体验券（测试）")
    event = make.event(capacity=20, title="周末亲子烘焙（测试）")
    attach(event, offer)
    registration = make.registration(event, name="张三丰", phone="13812341234")
    make.registration(event, name="李四", phone="13900001111")
    code = vouchers_of(registration)[0].code
    db.session.commit()  # release SQLite's write lock before the browser's requests need it
    return code


def test_the_merchant_scans_a_voucher_once_and_sees_it_used_the_second_time(live_server, camera_phone, make):
    code = _scene(make)
    page = camera_phone(code)
    page.goto(f"{live_server}/login")
    page.fill("#username", "bake.till")
    page.fill("#password", make.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/partner")
    assert page.locator(".portal-action--scan").is_visible()
    screenshot(page, "partner-home")
    page.click(".portal-action--scan")
    page.wait_for_url(f"{live_server}/partner/scan")
    ok = page.locator(".redeem-result--ok")
    ok.wait_for(timeout=30_000)
    text = ok.inner_text()
    assert "核销成功" in text and "张**" in text and "138****1234" in text and "亲子烘焙课体验券" in text
    assert "13812341234" not in page.content()
    screenshot(page, "partner-scan-redeemed")
    # The code stays in front of the camera: the scanner submits it again after its pause → 已使用.
    used = page.locator(".redeem-result--used")
    used.wait_for(timeout=30_000)
    assert "已使用" in used.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "partner-scan-already-used")
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(Voucher.redeemed_at.isnot(None))) == 1
    assert unexpected(page.console_errors) == []


def test_typing_a_code_and_reading_the_statistics(live_server, phone, make):
    code = _scene(make)
    page = phone
    page.goto(f"{live_server}/login")
    page.fill("#username", "bake.till")
    page.fill("#password", make.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/partner")
    page.click(".portal-action--type")
    page.fill("input[name=code]", "ACDE FGHJ X")
    page.click(".redeem-submit")
    assert "券码" in page.locator(".redeem-result--bad").inner_text()
    screenshot(page, "partner-redeem-refused")
    page.fill("input[name=code]", code.lower())
    page.fill("input[name=amount_spent]", "128")
    page.click(".redeem-submit")
    result = page.locator(".redeem-result--ok").inner_text()
    assert "核销成功" in result and "消费 ¥128.00" in result
    screenshot(page, "partner-redeem-typed")
    page.goto(f"{live_server}/partner/stats")
    page.locator("#daily-chart[data-rendered='1'] canvas").wait_for(timeout=15_000)
    assert page.locator("#by-offer tbody tr").count() == 1
    assert "张**" in page.locator("#recent").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "partner-stats")
    # The refused code's page is answered with 404, which the browser logs; nothing else may appear.
    assert [e for e in page.console_errors if "status of 404" not in e] == []

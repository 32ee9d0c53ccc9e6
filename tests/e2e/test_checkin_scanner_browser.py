"""The scanner page at phone size reads a ticket QR from Chromium's fake camera and checks the person in.

The camera is a .y4m video made here from the generated ticket QR; Chromium plays it
as the webcam (--use-fake-device-for-media-stream --use-file-for-fake-video-capture).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.checkin.models import CheckIn
from app.extensions import db
from app.qr import qr_image
from tests.e2e.conftest import CHROMIUM, release_db, screenshot

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


def write_y4m(path: Path, pictures: list[Image.Image], frames_each: int = 20,
              size: tuple[int, int] = (640, 480)) -> Path:
    """A YUV4MPEG2 video (10 frames/s) showing each picture in turn, centred on white.

    The format is a text header, then raw 4:2:0 frames; the pictures are grey, so each frame
    is its luma plane plus neutral (128) chroma planes. Chromium loops the file.
    """
    width, height = size
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for picture in pictures:
            frame = Image.new("L", size, 255)
            frame.paste(picture.convert("L"), ((width - picture.width) // 2, (height - picture.height) // 2))
            luma = frame.tobytes()
            for _ in range(frames_each):
                out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def _vendored_overlay_style(text: str) -> bool:
    """No console message is excused any more: scanner.js turns qr-scanner's inline-styled overlay off."""
    return False


@pytest.fixture
def camera(browser, tmp_path):
    """Launch a second chromium whose camera shows the given pictures in turn; yields a page factory."""
    launched = []

    def open_page(*pictures: Image.Image):
        video = write_y4m(tmp_path / "camera.y4m", list(pictures))
        chromium = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
        launched.append(chromium)
        context = chromium.new_context(viewport=SMALL_PHONE, device_scale_factor=2, locale="zh-CN",
                                       has_touch=True, is_mobile=True)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda msg: page.console_errors.append(msg.text)
                if msg.type == "error" and not _vendored_overlay_style(msg.text) else None)
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        return page

    yield open_page
    for chromium in launched:
        chromium.close()


def test_the_scanner_reads_the_ticket_from_the_camera_and_checks_the_person_in(live_server, camera, make):
    outlet = make.outlet("SC1", name="城南支行（测试）")
    make.user("staff", outlet=outlet, username="scan.staff", name="门口小王")
    event = make.event(outlet, starts_in_days=0, title="中秋理财沙龙（测试）", max_party_size=3, capacity=30)
    registration = make.registration(event, name="欧阳娜娜", phone="13800001234", party_size=2)
    others = [make.registration(event, name=f"来宾{i}", phone=f"1380000200{i}") for i in range(3)]
    event_id, registration_id = event.id, registration.id
    ticket_url = f"{live_server}/t/{registration.ticket_token}"
    assert others
    release_db()

    page = camera(qr_image(ticket_url, box_size=8))
    page.goto(f"{live_server}/login")
    page.fill("#username", "scan.staff")
    page.fill("#password", make.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/today")
    page.goto(f"{live_server}/events/{event_id}/checkin")
    result = page.locator("[data-result]")
    page.wait_for_selector('[data-result][data-state="ok"]', timeout=20_000)
    assert result.locator("[data-result-title]").inner_text() == "签到成功"
    assert result.locator("[data-result-detail]").inner_text() == "欧阳** · 共 2 人"
    # The live counts and the recent list follow without a reload.
    expect(page.locator('[data-count="checked_in"]')).to_have_text("1")
    assert page.locator('[data-count="confirmed"]').first.inner_text() == "4"
    page.wait_for_selector("[data-feed-list] .scan-feed__row")
    assert "欧阳**" in page.locator("[data-feed-list]").inner_text()
    screenshot(page, "checkin-scanner-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]

    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration_id)).all()
    assert [(r.kind, r.method) for r in rows] == [("checkin", "scan")]
    assert rows[0].device.startswith("scanner ")
    db.session.commit()  # release SQLite again before the browser goes on

    # The same ticket shown again later is answered amber, "already checked in", with the time.
    page.goto(f"{live_server}/events/{event_id}/checkin")
    page.wait_for_selector('[data-result][data-state="warn"]', timeout=20_000)
    assert page.locator("[data-result-title]").inner_text().startswith("已签到")
    screenshot(page, "checkin-scanner-already")
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    db.session.commit()
    assert page.console_errors == []


def test_the_next_ticket_is_read_right_after_the_previous_one(live_server, camera, make):
    outlet = make.outlet("SC4")
    make.user("staff", outlet=outlet, username="queue.staff")
    event = make.event(outlet, starts_in_days=0, title="排队入场（测试）")
    first = make.registration(event, name="张一", phone="13800003001")
    second = make.registration(event, name="李二", phone="13800003002")
    event_id, ids = event.id, (first.id, second.id)
    urls = [f"{live_server}/t/{r.ticket_token}" for r in (first, second)]
    release_db()
    # One second of each ticket in turn, like a queue of guests holding up their phones.
    page = camera(*(qr_image(url, box_size=8) for url in urls))
    page.goto(f"{live_server}/login")
    page.fill("#username", "queue.staff")
    page.fill("#password", make.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/today")
    page.goto(f"{live_server}/events/{event_id}/checkin")
    expect(page.locator('[data-count="checked_in"]')).to_have_text("2", timeout=20_000)
    rows = db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id.in_(ids)).order_by(CheckIn.at)).all()
    assert len(rows) == 2 and {r.method for r in rows} == {"scan"}
    assert (rows[1].at - rows[0].at).total_seconds() < 3  # the second ticket was not kept waiting
    db.session.commit()
    assert page.console_errors == []


def test_lookup_and_walk_in_at_phone_size(live_server, phone, make):
    outlet = make.outlet("SC2", name="城北支行（测试）")
    make.user("staff", outlet=outlet, username="look.staff")
    event = make.event(outlet, starts_in_days=0, title="重阳健康讲座（测试）", capacity=1)
    make.registration(event, name="曾小贤", phone="13800005678")
    event_id = event.id
    release_db()
    phone.set_viewport_size(SMALL_PHONE)
    phone.goto(f"{live_server}/login")
    phone.fill("#username", "look.staff")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/today")
    phone.goto(f"{live_server}/events/{event_id}/checkin/lookup")
    phone.fill("input[name=q]", "5678")
    phone.press("input[name=q]", "Enter")
    phone.click("button.lookup__go")
    assert "签到成功：曾小贤 · 共 1 人" in phone.locator(".notice").inner_text()
    screenshot(phone, "checkin-lookup")
    phone.goto(f"{live_server}/events/{event_id}/walk-in")
    phone.fill("#name", "路人甲")
    phone.fill("#phone", "13900001111")
    phone.click("button[type=submit]")
    assert "名额已满" in phone.locator(".notice--error").inner_text()
    phone.check("input[name=over_capacity]")
    screenshot(phone, "checkin-walk-in-full")
    phone.click("button[type=submit]")
    assert "超额入场，已记录" in phone.locator(".notice").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    # The refused form answered 422 on purpose; chromium logs that status, nothing else may appear.
    assert [e for e in phone.console_errors if "status of 422" not in e] == []


def test_any_camera_opens_the_ticket_link_and_one_tap_checks_in(live_server, phone, make):
    outlet = make.outlet("SC3", name="城东支行（测试）")
    make.user("staff", outlet=outlet, username="link.staff")
    event = make.event(outlet, starts_in_days=0, title="亲子烘焙（测试）", max_party_size=3)
    token = make.registration(event, name="韩梅梅", phone="13800007777", party_size=3).ticket_token
    release_db()
    phone.set_viewport_size(SMALL_PHONE)
    phone.goto(f"{live_server}/login?next=/t/{token}")
    phone.fill("#username", "link.staff")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{live_server}/t/{token}")
    assert "韩梅梅" in phone.locator(".ticket-action__who").inner_text()
    screenshot(phone, "checkin-ticket-link")
    phone.click("button.ticket-action__go")
    phone.wait_for_load_state("load")  # the line break below comes from the stylesheet
    result = phone.locator(".ticket-action .scan-result--ok").inner_text()
    assert " ".join(result.split()) == "签到成功 韩梅梅 · 共 3 人"
    assert phone.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    screenshot(phone, "checkin-ticket-link-done")
    assert phone.console_errors == []

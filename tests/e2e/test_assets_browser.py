"""On a phone: the public pages load fingerprinted, compressed assets and all their text is readable (AA);
the tab bar on a follow-up page lights 今日."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.alliance.models import Offer, Voucher
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.models import utcnow
from tests.e2e.conftest import release_db, screenshot
from tests.followups.conftest import Happenings

pytestmark = pytest.mark.browser

# WCAG 2 contrast of every element's own text against the background it is painted on: colours are
# composed with their alpha and the opacity of the element and its ancestors; large text needs 3:1.
# Running transitions are finished first: a colour caught half-way (white on a green still fading
# in) is not what the person reads.
LOW_CONTRAST_JS = """() => {
  document.getAnimations().forEach(a => { try { a.finish(); } catch (e) { /* an endless one: leave it */ } });
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]); };
  const opacity = el => { let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const cs = getComputedStyle(el);
    if (!own || cs.visibility === 'hidden' || cs.display === 'none' || !el.getClientRects().length) continue;
    const bg = background(el), fg = rgba(cs.color); fg[3] *= opacity(el);
    const text = over(fg, bg), l1 = lum(text), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const what = `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 20)}"`;
    if (ratio < need) bad.push(`${what} ${ratio.toFixed(2)}`);
  }
  return bad;
}"""


def _assets_seen(page) -> list:
    seen = []
    page.on("response", lambda r: seen.append(r) if "/static/" in r.url else None)
    return seen


def _check_assets(seen) -> None:
    styles = [r for r in seen if r.request.resource_type in ("stylesheet", "script")]
    assert styles, "no stylesheet or script was loaded"
    for response in styles:
        assert re.search(r"\.[0-9a-f]{10}\.(css|js)$", response.url), response.url
        assert response.status == 200, response.url
        headers = response.headers
        assert headers["cache-control"] == "public, max-age=31536000, immutable", response.url
        assert headers.get("content-encoding") in ("br", "gzip"), response.url


def test_registration_and_ticket_pages_with_fingerprinted_assets_and_readable_text(live_server, phone, make):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True, "min": 1, "max": 12}]
    event = make.event(title="周末亲子烘焙课（测试）", max_party_size=3, questions=questions, capacity=30)
    partner = make.partner(name="麦香坊（测试）")
    today = utcnow().date()
    offer = Offer(partner_id=partner.id, title="面包满 50 减 10（测试）", valid_from=today,
                  valid_until=today + timedelta(days=90), terms="店内可用（测试）")
    db.session.add(offer)
    db.session.flush()
    used = make.registration(event, name="徐用券", phone="19900005501", answers={"kids": 5})
    db.session.add(Voucher(code="TESTUSED1", offer_id=offer.id, event_id=event.id, registration_id=used.id,
                           customer_id=used.customer_id, redeemed_at=utcnow()))
    db.session.commit()
    slug, used_token = event.slug, used.ticket_token
    release_db()

    seen = _assets_seen(phone)
    phone.goto(f"{live_server}/e/{slug}")
    _check_assets(seen)
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    screenshot(phone, "assets-register")
    phone.click("button[type=submit]")  # empty: every error shows, in a readable red
    assert phone.locator(".field__error").count() >= 3
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    screenshot(phone, "assets-register-errors")

    phone.fill("#name", "韩梅梅")
    phone.fill("#phone", "19900005502")
    phone.fill("#q_kids", "6")
    phone.check("input[name=consent]")
    seen.clear()
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/**")
    assert "报名成功" in phone.locator(".result").inner_text()
    assert phone.locator(".ticket-cancel a").is_visible()
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "assets-ticket")
    phone.click(".ticket-cancel a")  # the red button lives on the confirmation page
    assert phone.locator("button.weui-btn_warn").is_visible()
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    phone.go_back()

    phone.goto(f"{live_server}/t/{used_token}")
    assert phone.locator(".voucher--used").count() == 1
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    screenshot(phone, "assets-ticket-used-voucher")
    assert [e for e in phone.console_errors if "422" not in e] == []


def test_follow_up_page_lights_the_today_tab(live_server, phone, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="tab.browser", password="tab-pass-2026")
    event = make.event(outlet)
    make.registration(event, name="王爽约", phone="19900005601")
    Happenings().move_to_past(event)
    finish_event(event)
    db.session.commit()
    followup_id = db.session.scalars(sa.select(FollowUp.id)).first()
    release_db()

    phone.goto(f"{live_server}/login")
    phone.fill("input[name=username]", "tab.browser")
    phone.fill("input[name=password]", "tab-pass-2026")
    phone.click("button[type=submit]")
    for path in ("/followups", f"/followups/{followup_id}"):
        phone.goto(f"{live_server}{path}")
        current = phone.locator("nav.tabbar a[aria-current=page]")
        assert current.count() == 1 and current.inner_text().strip() == "今日", path
        assert phone.get_by_role("link", name="客户").get_attribute("aria-current") is None
        # Each icon is painted (a mask image), not an empty outline.
        masks = phone.locator("nav.tabbar .tabbar__icon").evaluate_all(
            "els => els.map(e => getComputedStyle(e).webkitMaskImage || getComputedStyle(e).maskImage)")
        assert len(masks) == 4 and all(m.startswith('url("data:image/svg+xml') for m in masks), masks
        assert len(set(masks)) == 4
    assert phone.evaluate(LOW_CONTRAST_JS) == []
    screenshot(phone, "assets-followup-tabbar")

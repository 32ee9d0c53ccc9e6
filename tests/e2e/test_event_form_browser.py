"""The staff event form on a phone (390×844): edit a draft and a published event, copy as new, and add a
required single-choice question with the question editor, then find it on the public registration page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import release_db, screenshot
from tests.e2e.conftest import sign_in as _login

pytestmark = pytest.mark.browser



def _no_sideways_scroll(page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_edit_a_draft_and_add_a_required_choice_question_on_a_phone(live_server, phone, make):
    outlet = make.outlet("EB01", name="鹿城支行营业部（测试）")
    make.user("staff", outlet=outlet, username="eb.staff")
    event = make.event(outlet, publish=False, template_key="family_weekend_baking", title="亲子烘焙（测试）",
                       questions=[{"key": "children", "label": "孩子人数", "type": "number", "required": True,
                                   "min": 1, "max": 3}])
    event_id = event.id
    release_db()
    _login(phone, live_server, "eb.staff", make.PASSWORD)

    phone.goto(f"{live_server}/events/{event_id}/edit")
    rows = phone.locator("[data-question-row]:visible")
    assert rows.count() == 3  # the question and two blank rows
    assert phone.locator("#questions-0-required").is_checked()
    # JavaScript shows a row only the inputs its type uses.
    assert phone.locator("#questions-0-low").is_visible() and not phone.locator("#questions-0-options").is_visible()
    _no_sideways_scroll(phone)
    screenshot(phone, "event-edit-draft")

    phone.fill("#title", "亲子烘焙·第二期（测试）")
    phone.get_by_role("button", name="再加一题").click()
    assert rows.count() == 4
    phone.locator("[data-question-row]").nth(1).get_by_role("button", name="删除").click()  # a blank row
    assert rows.count() == 3
    new_row = phone.locator("[data-question-row]").nth(3)
    new_row.locator("input[name$='-label']").fill("是否需要停车位")
    new_row.locator("select[name$='-type']").select_option("choice")
    assert new_row.locator("input[name$='-options']").is_visible()
    new_row.locator("input[name$='-options']").fill("需要，不需要")
    new_row.locator(".qrow__required .weui-check__label").click()  # WeUI's check cell: the row is the target
    assert new_row.locator("input[name$='-required']").is_checked()
    new_row.scroll_into_view_if_needed()
    screenshot(phone, "event-edit-question-editor")
    phone.get_by_role("button", name="保存", exact=True).click()
    phone.wait_for_url(f"{live_server}/events/{event_id}")
    assert "已保存" in phone.content()
    assert "亲子烘焙·第二期（测试）" in phone.locator(".card__title").first.inner_text()

    phone.get_by_role("button", name="发布，开放报名").click()
    phone.wait_for_url(f"{live_server}/events/{event_id}")
    share = phone.locator("#share-url").inner_text()
    path = re.search(r"/e/[a-z0-9]+", share).group(0)
    phone.goto(f"{live_server}{path}")
    question = phone.locator("fieldset", has_text="是否需要停车位")
    assert question.locator(".req").count() == 1  # required
    assert question.get_by_text("需要", exact=True).count() == 1 and question.get_by_text("不需要").count() == 1
    assert phone.get_by_text("孩子人数").count() == 1
    _no_sideways_scroll(phone)
    screenshot(phone, "event-question-on-public-page")
    assert phone.console_errors == []


def test_edit_a_published_event_and_copy_it_on_a_phone(live_server, phone, make):
    outlet = make.outlet("EB02", name="鹿城支行营业部（测试）")
    make.user("staff", outlet=outlet, username="eb.staff2")
    event = make.event(outlet, publish=True, template_key="family_weekend_baking", title="已发布烘焙（测试）",
                       capacity=10)
    event_id = event.id
    release_db()
    _login(phone, live_server, "eb.staff2", make.PASSWORD)

    phone.goto(f"{live_server}/events/{event_id}/edit")
    assert phone.locator("#outlet_code").count() == 0 and "鹿城支行营业部（测试）" in phone.content()
    phone.fill("#capacity", "0")
    phone.fill("#title", "")
    phone.get_by_role("button", name="保存", exact=True).click()
    phone.wait_for_load_state()
    errors = phone.locator(".field__error").all_inner_texts()
    assert "请填写活动名称" in errors and any("名额至少 1 人" in e for e in errors)
    _no_sideways_scroll(phone)
    screenshot(phone, "event-edit-errors")

    phone.fill("#title", "已发布烘焙·改（测试）")
    phone.fill("#capacity", "24")
    phone.press("#capacity", "Enter")  # the keyboard's Enter saves; it does not add a question row
    phone.wait_for_url(f"{live_server}/events/{event_id}")
    assert "已保存" in phone.content() and "已发布烘焙·改（测试）" in phone.content()
    screenshot(phone, "event-edit-published-saved")

    phone.get_by_role("button", name="复制为新活动").click()
    phone.wait_for_url(re.compile(r".*/events/\d+/edit$"))
    copy_url = phone.url
    assert phone.input_value("#title").endswith("（副本）")
    phone.get_by_role("button", name="保存", exact=True).click()
    phone.wait_for_url(copy_url.removesuffix("/edit"))
    assert "已保存" in phone.content()
    assert phone.console_errors == []


def test_the_question_editor_without_javascript(live_server, browser, make):
    """WeChat's browser may block scripts: blank rows, "再加一题" posting back, and "删除此题" still work."""
    from tests.e2e.conftest import PHONE

    outlet = make.outlet("EB03")
    make.user("staff", outlet=outlet, username="eb.staff3")
    event = make.event(outlet, publish=False, template_key="family_weekend_baking", title="无脚本（测试）",
                       questions=[{"key": "q1", "label": "旧问题", "type": "text", "required": False}])
    event_id = event.id
    release_db()
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        _login(page, live_server, "eb.staff3", make.PASSWORD)
        page.goto(f"{live_server}/events/{event_id}/edit")
        assert page.locator("[data-question-row]").count() == 3
        assert page.locator("#questions-0-options").is_visible()  # every input shows without the script
        page.get_by_role("button", name="再加一题").click()
        page.wait_for_load_state()
        assert page.locator("[data-question-row]").count() == 4
        page.locator("label[for='questions-0-remove']").click()
        page.fill("#questions-3-label", "孩子年龄段")
        page.select_option("#questions-3-type", "multi")
        page.fill("#questions-3-options", "3-5岁，6-8岁")
        page.locator("label[for='questions-3-required']").click()
        screenshot(page, "event-question-editor-no-js")
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_url(f"{live_server}/events/{event_id}")
        assert "已保存" in page.content()
    finally:
        context.close()
    from app.events.models import Event
    from app.extensions import db

    db.session.expire_all()
    saved = db.session.get(Event, event_id)
    assert [(q["label"], q["type"], q["required"]) for q in saved.questions] == [("孩子年龄段", "multi", True)]
    assert saved.questions[0]["options"] == ["3-5岁", "6-8岁"]

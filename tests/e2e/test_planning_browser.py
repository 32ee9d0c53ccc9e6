"""A marketer on a phone: calendar → an occasion → "用这个模板" → the prefilled event form."""

from __future__ import annotations

import pytest

from app.catalogue.builtin import builtin_templates
from tests.e2e.conftest import screenshot
from tests.e2e.conftest import sign_in as _login
from tests.planning.conftest import event_on, next_occurrence

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width



def test_plan_an_event_from_the_calendar_on_a_phone(live_server, phone, make):
    outlet = make.outlet("PL01", name="鹿城支行营业部（测试）")
    make.user("staff", outlet=outlet, username="plan.staff", name="陈晨")
    item = next_occurrence("mid_autumn")
    month = f"{item.date.year:04d}-{item.date.month:02d}"
    event_on(outlet, item.date.replace(day=5), "family_weekend_baking", title="周末亲子烘焙（测试）",
             status="published")
    _login(phone, live_server, "plan.staff", make.PASSWORD)

    phone.goto(f"{live_server}/events")
    phone.click("text=策划日历")
    phone.wait_for_url(f"{live_server}/planning")
    phone.goto(f"{live_server}/planning?month={month}")
    assert phone.locator(".cal-nav__title").inner_text() == f"{item.date.year}年{item.date.month}月"
    cell = phone.locator(f'.cal__day[data-date="{item.date.isoformat()}"]')
    assert "中秋节" in cell.inner_text()
    assert "周末亲子烘焙（测试）" in phone.locator(".agenda").inner_text()
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-calendar")

    cell.click()
    phone.wait_for_url(f"{live_server}/planning/occasions/mid_autumn?year={item.date.year}")
    assert phone.locator(".occ__name").inner_text() == "中秋节"
    first_plan = phone.locator(".plan").first
    assert first_plan.locator(".plan__reasons li").count() >= 2
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-occasion")

    template_name = first_plan.locator(".plan__name").inner_text()
    template = next(t for t in builtin_templates().values() if t.name == template_name)
    first_plan.get_by_text("用这个模板").click()
    phone.wait_for_url(f"{live_server}/events/new?template={template.key}&date=*")
    assert phone.input_value("#title") == template.name
    assert phone.input_value("#capacity") == str(template.default_capacity)
    suggested = phone.url.rsplit("date=", 1)[1]
    assert phone.input_value("#starts_at") == f"{suggested}T{template.agenda[0].time}"  # the template's own hour
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-event-form")

    phone.goto(f"{live_server}/planning/templates?segment=family")
    assert phone.locator(".template-list li").count() > 3
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-templates")
    phone.goto(f"{live_server}/planning/templates/{template.key}")
    assert "活动后跟进话术" in phone.content()
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-template")
    phone.goto(f"{live_server}/planning?view=year&year={item.date.year}")
    _no_sideways_scroll(phone)
    screenshot(phone, "planning-year-phone")
    assert phone.console_errors == []


def test_the_year_overview_on_a_desktop(live_server, browser, make):
    outlet = make.outlet("PL02")
    make.user("manager", outlet=outlet, username="plan.manager")
    item = next_occurrence("mid_autumn")
    event_on(outlet, item.date.replace(day=5), "family_weekend_baking", status="published")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        _login(page, live_server, "plan.manager", make.PASSWORD)
        page.goto(f"{live_server}/planning?view=year&year={item.date.year}")
        months = page.locator(".year__month")
        assert months.count() == 12
        # Twelve mini months, four to a row, at desktop width.
        tops = [months.nth(i).bounding_box()["y"] for i in range(4)]
        assert len(set(tops)) == 1 and months.nth(4).bounding_box()["y"] > tops[0]
        assert page.locator(".mini").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        screenshot(page, "planning-year-desktop")
        page.goto(f"{live_server}/planning?month={item.date.year:04d}-{item.date.month:02d}")
        screenshot(page, "planning-month-desktop")
    finally:
        context.close()

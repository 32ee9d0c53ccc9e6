"""Planning pages: the calendar, an occasion's plans, the template library and a template's detail."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.catalogue import scripts
from app.catalogue.builtin import builtin_templates
from app.catalogue.services import save_event_as_template
from app.events.models import Registration
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.queries import template_track_record
from app.models import utcnow
from app.planning import home as planning_home
from app.timefmt import local_today
from tests.planning.conftest import event_on, next_occurrence

MOONCAKE = "mid_autumn_family_mooncake"


def _cell(page: str, day: str) -> str:
    """The month grid's cell for `day` (YYYY-MM-DD)."""
    match = re.search(rf'<(a|div) class="cal__day[^"]*" data-date="{day}".*?</\1>', page, re.S)
    assert match, day
    return match.group(0)


def _agenda_day(page: str, day: str) -> str:
    match = re.search(rf'<li class="agenda__day" id="d-{day}".*?</ul>\s*</li>', page, re.S)
    assert match, day
    return match.group(0)


def test_september_2026_shows_mid_autumn_on_the_25th_and_the_outlets_event_on_its_day(client, make, staff):
    outlet, _user = staff
    other = make.outlet()
    event_on(outlet, date(2026, 9, 12), MOONCAKE, title="月饼亲子课（测试）", status="finished")
    event_on(other, date(2026, 9, 12), MOONCAKE, title="别的网点的活动（测试）", status="finished")
    event_on(outlet, date(2026, 9, 19), MOONCAKE, title="已取消的活动（测试）", status="cancelled")
    response = client.get("/planning?month=2026-09")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2026年9月" in page
    mid_autumn = _cell(page, "2026-09-25")
    assert "中秋节" in mid_autumn and 'href="/planning/occasions/mid_autumn?year=2026"' in mid_autumn
    assert "休" in mid_autumn  # a statutory day off
    assert "中秋节" not in _cell(page, "2026-09-24")
    assert "教师节" in _cell(page, "2026-09-10")
    assert "秋分" in _cell(page, "2026-09-23")  # solar terms as on a wall calendar
    assert "cal__dot" in _cell(page, "2026-09-12")
    assert "月饼亲子课（测试）" in _agenda_day(page, "2026-09-12")
    assert "中秋节" in _agenda_day(page, "2026-09-25")
    assert "别的网点的活动" not in page and "已取消的活动" not in page
    # Campaign seasons are bands with their ranges.
    assert "金融知识普及月" in page and "9/1–9/30" in page and "开学季" in page and "8/20–9/15" in page
    assert "cal__band band--1" in _cell(page, "2026-09-14")  # inside both seasons
    assert 'href="/planning?month=2026-08"' in page and 'href="/planning?month=2026-10"' in page


def test_a_bad_month_falls_back_to_this_month(client, staff):
    today = local_today()
    page = client.get("/planning?month=2026-13").get_data(as_text=True)
    assert f"{today.year}年{today.month}月" in page
    assert f'data-date="{today.isoformat()}"' in page and "cal__day--today" in page


def test_the_year_overview_lists_each_months_occasions(client, staff):
    outlet, _user = staff
    event_on(outlet, date(2026, 9, 12), MOONCAKE, title="月饼亲子课（测试）", status="finished")
    page = client.get("/planning?view=year&year=2026").get_data(as_text=True)
    months = re.findall(r'<section class="card year__month[^"]*" id="m-(2026-\d\d)"', page)
    assert months == [f"2026-{m:02d}" for m in range(1, 13)]
    september = page[page.index('id="m-2026-09"'):page.index('id="m-2026-10"')]
    assert "中秋节" in september and "9/25" in september and "教师节" in september
    assert "本网点活动 1 场" in september
    assert "mini__day--occasion" in september and "mini__day--event" in september
    assert 'href="/planning?view=year&amp;year=2027"' in page


def _use_links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="(/events/new\?template=[^"]+)"', page)]


def test_an_occasion_page_recommends_templates_whose_button_opens_a_prefilled_form(client, staff):
    item = next_occurrence("mid_autumn")
    response = client.get(f"/planning/occasions/mid_autumn?year={item.date.year}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "中秋节" in page and "建议提前策划" in page and "21 天" in page
    assert f"还有 {(item.date - local_today()).days} 天" in page
    assert "亲子家庭" in page  # suited groups
    assert f"距中秋节还有 {(item.date - local_today()).days} 天" in page  # a plan's reason
    links = _use_links(page)
    assert links, page
    mooncake = next(link for link in links if f"template={MOONCAKE}&" in link)
    suggested = date.fromisoformat(mooncake.rsplit("date=", 1)[1])
    assert item.date - timedelta(days=13) <= suggested <= item.date
    form = client.get(mooncake)
    assert form.status_code == 200
    form_page = form.get_data(as_text=True)
    template = builtin_templates()[MOONCAKE]
    assert f'value="{template.name}"' in form_page
    assert f'value="{template.default_capacity}"' in form_page
    assert f'value="{suggested.isoformat()}T14:00"' in form_page


def test_a_segment_chip_narrows_the_plans(client, staff):
    item = next_occurrence("mid_autumn")
    page = client.get(f"/planning/occasions/mid_autumn?year={item.date.year}&segment=vip").get_data(as_text=True)
    keys = {link.split("template=")[1].split("&")[0] for link in _use_links(page)}
    assert keys and all("vip" in builtin_templates()[key].segments for key in keys)
    assert MOONCAKE not in keys


def test_a_past_occasion_says_so_and_points_to_the_next_one(client, staff):
    page = client.get("/planning/occasions/mid_autumn?year=2020").get_data(as_text=True)
    assert "这个节点已经过去" in page and 'href="/planning/occasions/mid_autumn"' in page
    assert not _use_links(page)
    assert "其他相关模板" in page and builtin_templates()[MOONCAKE].name in page


def test_unknown_occasions_and_templates_are_404(client, staff):
    assert client.get("/planning/occasions/halloween").status_code == 404
    assert client.get("/planning/templates/no_such_template").status_code == 404


def _listed(page: str) -> set[str]:
    return set(re.findall(r'data-template="([^"]+)"', page))


def test_the_template_library_filters_by_chips(client, staff):
    page = client.get("/planning/templates").get_data(as_text=True)
    assert _listed(page) == set(builtin_templates()) and "共 40 个模板" in page
    order = re.findall(r'data-template="([^"]+)"', page)
    evergreen = [key for key in order if builtin_templates()[key].evergreen]
    assert evergreen and order[-len(evergreen):] == evergreen  # the next occasions first, evergreen last
    elderly = client.get("/planning/templates?segment=elderly").get_data(as_text=True)
    assert _listed(elderly) == {t.key for t in builtin_templates().values() if "elderly" in t.segments}
    assert '<a class="chip chip--on" href="/planning/templates?segment=elderly&amp;category=salon"' not in elderly
    assert 'href="/planning/templates?segment=elderly&amp;category=salon"' in elderly  # chips keep other filters
    both = client.get("/planning/templates?segment=elderly&category=salon").get_data(as_text=True)
    assert _listed(both) == {t.key for t in builtin_templates().values()
                             if "elderly" in t.segments and t.category == "salon"}
    partner = client.get("/planning/templates?partner_category=bakery").get_data(as_text=True)
    assert _listed(partner) == {t.key for t in builtin_templates().values() if "bakery" in t.partner_categories}
    occasion = client.get("/planning/templates?occasion=double_ninth").get_data(as_text=True)
    assert _listed(occasion) == {t.key for t in builtin_templates().values() if "double_ninth" in t.occasions}
    assert "清除筛选" in occasion
    ignored = client.get("/planning/templates?segment=aliens").get_data(as_text=True)
    assert len(_listed(ignored)) == 40


def test_saved_templates_show_in_their_outlet_only(client, auth, make, staff):
    outlet, _user = staff
    event = event_on(outlet, local_today() + timedelta(days=20), MOONCAKE, title="月饼亲子课（测试）")
    saved = save_event_as_template(event, "我们的中秋模板")
    db.session.commit()
    page = client.get("/planning/templates").get_data(as_text=True)
    assert saved.key in _listed(page) and "我们的中秋模板" in page and "本网点" in page
    assert page.index(saved.key) < page.index(MOONCAKE)  # the outlet's own come first
    detail = client.get(f"/planning/templates/{saved.key}").get_data(as_text=True)
    assert "本网点模板" in detail and "我们的中秋模板" in detail
    other = make.user("staff", outlet=make.outlet())
    auth.logout()
    auth.login(other.username)
    assert saved.key not in _listed(client.get("/planning/templates").get_data(as_text=True))
    assert client.get(f"/planning/templates/{saved.key}").status_code == 404


def test_template_detail_shows_the_plan_and_the_follow_up_playbook(client, staff):
    template = builtin_templates()[MOONCAKE]
    page = client.get(f"/planning/templates/{MOONCAKE}").get_data(as_text=True)
    assert template.name in page and template.description.splitlines()[0] in page
    for list_name, entry in (("维护名单", template.playbook.maintain), ("开拓名单", template.playbook.prospect),
                             ("挽回名单", template.playbook.winback)):
        assert list_name in page and f"活动后 {entry.due_days} 天内" in page
        # Blanks are named for the reader: {customer} reads 【客户姓名】, filled in at follow-up time.
        assert all(html.escape(scripts.preview(point)) in page for point in entry.talking_points)
    assert "【客户姓名】您好，我是【网点名称】的【员工姓名】" in page and "{customer}" not in page
    assert template.agenda[0].item in page and template.materials[0] in page
    assert f"{template.default_capacity} 人" in page and "中秋节" in page
    assert f'href="/events/new?template={MOONCAKE}"' in page
    assert "还没有用这个模板办完的活动" in page


def _finished_event(make, outlet, key, *, confirmed: int, attended: int, converted: int = 0, cancelled: int = 0,
                    status: str = "finished", days_ago: int = 10):
    """A finished event with registrations written directly: `attended` of the confirmed checked in."""
    event = event_on(outlet, local_today() - timedelta(days=days_ago), key, status=status)
    regs = []
    for n in range(confirmed + cancelled):
        customer = make.customer(outlet, name=f"客户{n}")
        reg = Registration(event_id=event.id, customer_id=customer.id, name=customer.name, phone=customer.phone,
                           phone_last4=customer.phone[-4:], status="confirmed" if n < confirmed else "cancelled",
                           ticket_token=f"tk{event.id}x{n}", checked_in_at=utcnow() if n < attended else None)
        db.session.add(reg)
        regs.append(reg)
    db.session.flush()
    for reg in regs[:converted]:
        # talking_points given: the model's default (`list`) is shadowed by its `list` column.
        db.session.add(FollowUp(event_id=event.id, registration_id=reg.id, customer_id=reg.customer_id,
                                outlet_id=outlet.id, list="maintain", due_date=local_today(), status="converted",
                                talking_points=[]))
    db.session.commit()
    return event


def test_track_record_counts_finished_events_attendance_and_conversions(client, make, staff):
    outlet, _user = staff
    _finished_event(make, outlet, MOONCAKE, confirmed=4, attended=3, converted=2, cancelled=1)
    _finished_event(make, outlet, MOONCAKE, confirmed=2, attended=1)
    event_on(outlet, local_today() + timedelta(days=9), MOONCAKE, status="draft")  # not finished: not counted
    _finished_event(make, make.outlet(), MOONCAKE, confirmed=2, attended=0, converted=1)  # another outlet
    record = template_track_record(outlet.id)
    assert record == {MOONCAKE: {"events": 2, "attendance_rate": pytest.approx(4 / 6, abs=1e-4),
                                 "conversions": 2, "conversion_amount": Decimal("0.00")}}
    detail = client.get(f"/planning/templates/{MOONCAKE}").get_data(as_text=True)
    block = detail[detail.index('id="track-record"'):]
    assert re.search(r'stat__num">2</span><span class="stat__label">已办场次', block)
    assert "67%" in block  # pooled as on the dashboard: 4 of 6 confirmed came (not the mean of 75% and 50%)
    assert re.search(r'stat__num">2</span><span class="stat__label">转化笔数', block)
    library = client.get("/planning/templates").get_data(as_text=True)
    assert "往绩：办过 2 场 · 到场率 67% · 转化 2 笔" in library


def test_track_record_counts_held_events_the_way_the_dashboard_does(client, make, staff):
    """One definition (followups.queries): an event published and already over counts though not yet
    marked finished (planning used to skip it); one still to come, a draft or a cancelled one does not; the
    rate is pooled over registrations, so a big event weighs more than a small one."""
    outlet, _user = staff
    _finished_event(make, outlet, MOONCAKE, confirmed=8, attended=8)
    _finished_event(make, outlet, MOONCAKE, confirmed=2, attended=0, status="published", days_ago=3)
    _finished_event(make, outlet, MOONCAKE, confirmed=2, attended=2, status="cancelled", days_ago=5)
    _finished_event(make, outlet, MOONCAKE, confirmed=2, attended=2, status="draft", days_ago=6)
    _finished_event(make, outlet, MOONCAKE, confirmed=2, attended=0, status="published", days_ago=-5)
    assert template_track_record(outlet.id)[MOONCAKE]["events"] == 2
    library = client.get("/planning/templates").get_data(as_text=True)
    assert "往绩：办过 2 场 · 到场率 80% · 转化 0 笔" in library  # 8 of 10; the mean of 100% and 0% would say 50%


def test_events_list_links_to_the_planning_pages(client, staff):
    page = client.get("/events").get_data(as_text=True)
    assert 'href="/planning"' in page and 'href="/planning/templates"' in page
    assert "策划日历" in page and "模板库" in page


def test_the_home_page_lists_occasions_whose_planning_time_has_come(client, staff, monkeypatch):
    monkeypatch.setattr(planning_home, "local_today", lambda: date(2026, 9, 1))
    page = client.get("/today").get_data(as_text=True)
    assert "该筹备的节点" in page
    panel = page[page.index("该筹备的节点"):]
    panel = panel[:panel.index("打开策划日历")]
    for name in ("开学季", "金融知识普及月", "教师节", "国庆节"):  # inside their lead times on 1 September
        assert name in panel
    assert "中秋节" not in panel  # 24 days ahead, planned 21 days ahead: not yet


def test_a_season_page_plans_days_inside_the_season(client, staff):
    season = next_occurrence("summer_holiday")
    page = client.get(f"/planning/occasions/summer_holiday?year={season.date.year}").get_data(as_text=True)
    assert "营销季" in page and "暑期" in page
    links = _use_links(page)
    assert links
    for link in links:
        day = date.fromisoformat(link.rsplit("date=", 1)[1])
        assert season.date <= day <= season.end


def test_a_year_without_the_lunar_festival_says_so(client, staff):
    page = client.get("/planning/occasions/laba?year=2023").get_data(as_text=True)
    assert "2023 年没有腊八节" in page
    assert 'href="/planning/occasions/laba?year=2024"' in page

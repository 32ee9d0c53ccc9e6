"""Customers read a template's description; its staff notes and scripts stay with staff (issue 12, 3 and 4).

Over the whole built-in catalogue: every description reads like an invitation (no 客户经理,
营销, 摸排 …), and for an event made from each template, the public page, the public API,
the messages a registrant gets and both posters carry none of its staff notes.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.catalogue.builtin import PLAYBOOK_LISTS, builtin_templates
from app.catalogue.scripts import PLACEHOLDERS
from app.events import posters
from app.extensions import db
from app.notify.models import Notification
from tests.pdf.helpers import pdf_text

# Words of the bank's own work (checked independently of the catalogue's own list at start-up).
INTERNAL = ("客户经理", "理财经理跟进", "营销", "摸排", "转化", "引流", "获客", "拓客", "转介绍", "邀约",
            "名单", "存量", "沉淀", "承接", "吸金", "代发", "收单", "绑卡", "商机", "指标", "考核", "KPI",
            "维护关系", "关系维护", "开门红", "推销", "话术", "一对一跟进", "成交")
# A staff member's name typed into a script (小王, 小马 …): a script is sent by whoever follows up.
SURNAMES = ("王马李张刘陈杨黄赵周吴徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦邹熊孟秦邱江尹薛段雷侯史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")
HARD_CODED_NAME = re.compile(f"小[{SURNAMES}A-Z]")
TEMPLATES = sorted(builtin_templates())


def _scripts(template):
    return [(name, point) for name in PLAYBOOK_LISTS for point in template.playbook.entry(name).talking_points]


@pytest.mark.parametrize("key", TEMPLATES)
def test_descriptions_are_for_customers(key):
    template = builtin_templates()[key]
    said = [word for word in INTERNAL if word in template.description]
    assert not said, f"{key}: the public description says {said}"
    assert template.staff_notes and template.staff_notes != template.description
    assert 40 <= len(template.description) <= 200, key  # says what, what you get, for whom; fits a phone screen


@pytest.mark.parametrize("key", TEMPLATES)
def test_scripts_use_placeholders_never_blanks_or_a_staff_members_name(key):
    for list_name, point in _scripts(builtin_templates()[key]):
        assert "××" not in point and "XX" not in point, (key, list_name, point)
        assert not HARD_CODED_NAME.search(point), (key, list_name, point)
        assert set(re.findall(r"\{(\w+)\}", point)) <= set(PLACEHOLDERS), (key, list_name, point)
    for list_name in PLAYBOOK_LISTS:
        first = builtin_templates()[key].playbook.entry(list_name).talking_points[0]
        # Every message greets the person by name and says who writes, from which outlet.
        assert first.startswith("{customer}") and "{staff}" in first and "{outlet}" in first, (key, list_name)


def _staff_only_phrases(template) -> list[str]:
    """Phrases of the staff notes that appear nowhere in what customers are meant to read."""
    public = template.description + template.name
    phrases = re.split(r"[，。；：、（）“”！？,;:()\s]+", template.staff_notes)
    return [p for p in phrases if len(p) >= 6 and p not in public]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_no_surface_a_customer_sees_carries_staff_notes(client, make, monkeypatch):
    outlet = make.outlet(name="滨江支行（测试）")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    drawn = []
    real_png = posters.poster_png
    monkeypatch.setattr(posters, "poster_png", lambda content: drawn.append(content) or b"\x89PNG")
    checked = 0
    for n, key in enumerate(TEMPLATES):
        template = builtin_templates()[key]
        hidden = _staff_only_phrases(template)
        assert len(hidden) >= 3, key  # the notes say something of their own
        event = make.event(outlet, template_key=key, title=None, capacity=template.default_capacity)
        assert event.staff_notes == template.staff_notes  # staff see it on the event page
        assert event.description == template.description
        page = client.get(f"/e/{event.slug}").get_data(as_text=True)
        api = client.get(f"/api/v1/public/events/{event.slug}").get_data(as_text=True)
        make.registration(event, name="李四", phone=f"1990077{n:04d}")  # the confirmation message
        messages = " ".join(db.session.scalars(sa.select(Notification.body).where(
            Notification.event_id == event.id)))
        assert messages, key
        assert client.get(f"/events/{event.id}/poster.png", headers=headers).status_code == 200
        png = drawn[-1]
        png_text = " ".join(filter(None, [png.title, png.subtitle, png.venue, png.date_text, png.footer,
                                         *png.partner_names]))
        pdf = pdf_text(client.get(f"/events/{event.id}/poster.pdf", headers=headers).data)
        # The whole description goes to the poster, which cuts it to fit with "…" (never at 60 characters).
        assert png.subtitle == template.description and template.description[:12] in _flat(pdf)
        for surface, text in (("page", page), ("public API", api), ("messages", messages), ("PNG", png_text),
                              ("PDF", _flat(pdf))):
            leaked = [p for p in hidden if p in text]
            assert not leaked, f"{key}: the {surface} shows staff notes: {leaked}"
            assert "客户经理" not in text, f"{key}: the {surface} mentions 客户经理"
        checked += 1
    assert checked == len(TEMPLATES) == 40
    monkeypatch.setattr(posters, "poster_png", real_png)


def test_staff_see_the_staff_notes_on_the_template_and_event_pages(client, make, auth):
    outlet = make.outlet()
    user = make.user("staff", outlet=outlet)
    auth.login(user.username)
    template = builtin_templates()["winter_solstice_dumplings"]
    page = client.get("/planning/templates/winter_solstice_dumplings").get_data(as_text=True)
    assert "活动介绍（客户可见）" in page and template.description in page
    assert "内部说明 · 仅员工可见" in page and template.staff_notes in page
    assert page.index(template.description) < page.index("内部说明 · 仅员工可见")
    event = make.event(outlet, template_key="winter_solstice_dumplings", title=None)
    detail = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert template.description in detail and template.staff_notes in detail
    staff_api = client.get(f"/api/v1/events/{event.id}", headers=make.token_headers(user)).get_json()
    assert staff_api["staff_notes"] == template.staff_notes
    listed = client.get("/api/v1/templates", headers=make.token_headers(user)).get_json()["items"]
    item = next(i for i in listed if i["key"] == "winter_solstice_dumplings")
    assert item["description"] == template.description and item["staff_notes"] == template.staff_notes

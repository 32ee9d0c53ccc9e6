"""Staff event pages: the form prefilled from a template, edit, publish, clone, delete, scoping."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.catalogue.builtin import builtin_templates
from app.catalogue.models import OutletTemplate
from app.events.models import Event
from app.extensions import db


def _family_template():
    return next(t for t in builtin_templates().values() if t.max_party_size > 1 and t.questions)


def test_new_event_form_is_prefilled_from_the_template(client, auth, make):
    outlet = make.outlet("PG1")
    make.user("staff", outlet=outlet, username="pg.staff")
    template = _family_template()
    auth.login("pg.staff")
    html = client.get(f"/events/new?template={template.key}&date=2027-09-18").get_data(as_text=True)
    assert f'value="{template.name}"' in html
    assert f'value="{template.default_capacity}"' in html
    assert f'value="2027-09-18T{template.agenda[0].time}"' in html  # the template's own start time
    assert template.questions[0].label in html


def test_submitting_the_form_creates_a_draft_with_edited_questions(client, auth, make):
    outlet = make.outlet("PG2")
    make.user("staff", outlet=outlet, username="pg.staff2")
    template = _family_template()
    auth.login("pg.staff2")
    response = client.post("/events/new", data={
        "template_key": template.key, "outlet_code": "PG2", "title": "中秋亲子（测试）",
        "starts_at": "2027-09-18T14:00", "ends_at": "2027-09-18T16:00", "capacity": "20",
        "max_party_size": "3", "waitlist": "y", "segments": ["family"],
        "questions-0-label": "孩子年龄", "questions-0-type": "number", "questions-0-required": "y",
        "questions-0-low": "3", "questions-0-high": "12",
        "questions-1-label": "是否需要停车", "questions-1-type": "choice", "questions-1-options": "是，否",
        "questions-2-label": "", "questions-2-type": "text"})
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalars(sa.select(Event)).one()
    assert event.status == "draft" and event.capacity == 20 and event.segments == ["family"]
    assert event.questions[0] == {"key": "q1", "label": "孩子年龄", "type": "number", "required": True,
                                  "min": 3, "max": 12}
    assert event.questions[1]["options"] == ["是", "否"]
    assert event.starts_at.isoformat() == "2027-09-18T06:00:00+00:00"  # 14:00 in Shanghai


def test_form_errors_are_shown_next_to_fields(client, auth, make):
    outlet = make.outlet("PG3")
    make.user("staff", outlet=outlet, username="pg.staff3")
    auth.login("pg.staff3")
    response = client.post("/events/new", data={
        "template_key": _family_template().key, "outlet_code": "PG3", "title": "错时（测试）",
        "starts_at": "2027-09-18T16:00", "ends_at": "2027-09-18T14:00", "capacity": "20", "max_party_size": "1",
        "questions-0-label": "坏问题", "questions-0-type": "choice", "questions-0-required": "y"})
    html = response.get_data(as_text=True)
    assert "选择题至少需要 2 个选项" in html
    assert "结束时间应晚于开始时间" in html  # both at once, not one round after the other
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_publish_clone_save_template_and_delete_from_the_event_page(client, auth, make):
    outlet = make.outlet("PG4")
    make.user("staff", outlet=outlet, username="pg.staff4")
    event = make.event(outlet, publish=False, title="可复制（测试）")
    auth.login("pg.staff4")
    assert client.post(f"/events/{event.id}/publish").status_code == 303
    db.session.refresh(event)
    assert event.status == "published" and event.slug
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/e/{event.slug}?ref=" in page and "我的海报图" in page
    clone = client.post(f"/events/{event.id}/clone")
    copy = db.session.scalars(sa.select(Event).where(Event.id != event.id)).one()
    assert clone.headers["Location"].endswith(f"/events/{copy.id}/edit")
    assert copy.status == "draft" and copy.title.startswith("可复制（测试）")
    client.post(f"/events/{event.id}/save-template", data={"name": "我们的中秋模板"})
    saved = db.session.scalars(sa.select(OutletTemplate)).one()
    assert saved.outlet_id == outlet.id and saved.name == "我们的中秋模板"
    assert client.post(f"/events/{event.id}/delete").status_code == 303  # refused: published
    assert db.session.get(Event, event.id) is not None
    copy_id = copy.id
    client.post(f"/events/{copy_id}/delete")
    assert db.session.scalar(sa.select(Event.id).where(Event.id == copy_id)) is None
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"event_published", "event_cloned", "template_saved", "event_deleted"} <= actions


def test_another_outlets_event_pages_are_404(client, auth, make):
    event = make.event(make.outlet("PGA"))
    make.user("staff", outlet=make.outlet("PGB"), username="pgb.staff")
    auth.login("pgb.staff")
    for path in (f"/events/{event.id}", f"/events/{event.id}/edit", f"/events/{event.id}/poster.png"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/events/{event.id}/publish").status_code == 404
    assert "测试活动（测试）" not in client.get("/events").get_data(as_text=True)


def test_event_page_lists_registrations_and_referrers(client, auth, make):
    outlet = make.outlet("PG5")
    staff = make.user("staff", outlet=outlet, username="pg.staff5", name="林晓")
    event = make.event(outlet)
    make.registration(event, name="周末来", phone="13800000401", ref=staff.referral_code)
    auth.login("pg.staff5")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "周末来" in html and "13800000401" in html and "推荐：林晓" in html
    assert "林晓" in html and "1 单 · 1 人" in html
    assert "周末来" in client.get(f"/events/{event.id}?q=0401").get_data(as_text=True)


def test_home_shows_events_today_and_this_week(client, auth, make):
    outlet = make.outlet("PG6")
    make.user("staff", outlet=outlet, username="pg.staff6")
    make.event(outlet, title="本周沙龙（测试）", starts_in_days=3)
    make.event(outlet, title="下月讲座（测试）", starts_in_days=40)
    auth.login("pg.staff6")
    html = client.get("/today").get_data(as_text=True)
    assert "本周沙龙（测试）" in html and "下月讲座（测试）" not in html

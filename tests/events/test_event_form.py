"""The staff event form as a person uses it: the page's own fields posted back, every error shown.

Posts are built from the page (tests/formdata.py), so a field the page hides but the form needs
fails here exactly as it failed for staff (issue 12, item 2).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.catalogue.builtin import builtin_templates
from app.catalogue.holidays import is_free_weekend
from app.events.models import Event
from app.extensions import db
from app.timefmt import local_today, to_local
from tests.formdata import field_names, form_data

FORM = "event-form"


def _staff(make, auth, code: str):
    outlet = make.outlet(code)
    outlet.staff_user = make.user("staff", outlet=outlet, username=f"{code.lower()}.staff")
    auth.login(f"{code.lower()}.staff")
    return outlet


def _edit(client, event_id: int, **changes):
    page = client.get(f"/events/{event_id}/edit").get_data(as_text=True)
    data = form_data(page, FORM)
    for key, value in changes.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return page, client.post(f"/events/{event_id}/edit", data=data)


def test_editing_a_draft_through_the_page_saves_it(client, auth, make):
    outlet = _staff(make, auth, "EF1")
    event = make.event(outlet, publish=False, title="草稿（测试）")
    page, response = _edit(client, event.id, title="改过的草稿（测试）", capacity="25", venue="三楼会议室（测试）")
    assert "outlet_code" not in field_names(page, FORM)  # the page hides the outlet …
    assert response.status_code == 303, response.get_data(as_text=True)  # … and saving works all the same
    db.session.refresh(event)
    assert (event.title, event.capacity, event.venue) == ("改过的草稿（测试）", 25, "三楼会议室（测试）")
    assert event.outlet_id == outlet.id
    assert "已保存" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_editing_a_published_event_through_the_page_saves_it(client, auth, make):
    outlet = _staff(make, auth, "EF2")
    event = make.event(outlet, publish=True, title="已发布（测试）", capacity=10)
    make.registration(event)
    new_start = to_local(event.starts_at).replace(tzinfo=None, second=0) + timedelta(hours=1)
    _page, response = _edit(client, event.id, starts_at=new_start.strftime("%Y-%m-%dT%H:%M"),
                            ends_at=(new_start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(event)
    assert to_local(event.starts_at).replace(tzinfo=None) == new_start
    assert event.status == "published"


def test_copy_as_new_leads_to_an_edit_page_that_saves(client, auth, make):
    outlet = _staff(make, auth, "EF3")
    event = make.event(outlet, publish=True, title="好活动（测试）")
    clone = client.post(f"/events/{event.id}/clone")
    copy = db.session.scalars(sa.select(Event).where(Event.id != event.id)).one()
    assert clone.headers["Location"].endswith(f"/events/{copy.id}/edit")
    _page, response = _edit(client, copy.id, title="好活动第二期（测试）")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(copy)
    assert copy.title == "好活动第二期（测试）" and copy.status == "draft"


def test_errors_of_fields_the_page_does_not_show_are_still_shown(client, auth, make):
    """A refused form always says why, even about a field the page left out (here 实际花费 on /new)."""
    _staff(make, auth, "EF4")
    data = _new_event_data(client, "family_weekend_baking", actual_cost="-5")
    assert "actual_cost" not in field_names(client.get("/events/new?template=family_weekend_baking")
                                            .get_data(as_text=True), FORM)
    html = client.post("/events/new", data=data).get_data(as_text=True)
    assert 'class="notice notice--error form-errors"' in html
    assert "实际花费（元）：实际花费不能为负" in html
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


NOT_YET: set[str] = set()  # every form page lists the errors of fields it does not render


def test_every_form_page_lists_errors_it_does_not_render():
    """Structural: each template that renders a form with the shared field macros also calls form_errors."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    missing = []
    for path in sorted(root.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(root))
        if "hidden_tag()" in text and "_forms.html" in text and "form_errors(" not in text and name not in NOT_YET:
            missing.append(name)
    assert missing == []


def _template(name: str):
    return next(t for t in builtin_templates().values() if t.name == name)


def test_a_template_s_weekday_and_times_prefill_the_form(client, auth, make):
    _staff(make, auth, "EF5")
    template = _template("冬至包饺子·暖冬邻里宴") if any(
        t.name == "冬至包饺子·暖冬邻里宴" for t in builtin_templates().values()) else builtin_templates()[
        "winter_solstice_dumplings"]
    assert template.preferred_days == "weekend" and template.agenda[0].time == "17:30"
    page = client.get(f"/events/new?template={template.key}").get_data(as_text=True)
    data = form_data(page, FORM)
    starts, ends = data["starts_at"], data["ends_at"]
    day = date.fromisoformat(starts[:10])
    assert starts.endswith("T17:30") and ends == f"{starts[:10]}T{template.agenda[-1].time}"
    assert is_free_weekend(day) and day >= local_today() + timedelta(days=14)
    # A day picked on the calendar is kept, with the template's hours.
    page = client.get(f"/events/new?template={template.key}&date=2027-12-18").get_data(as_text=True)
    assert form_data(page, FORM)["starts_at"] == "2027-12-18T17:30"


def _new_event_data(client, template_key: str, **changes):
    data = form_data(client.get(f"/events/new?template={template_key}").get_data(as_text=True), FORM)
    for key, value in changes.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_the_agenda_moves_with_the_event_s_start(client, auth, make):
    _staff(make, auth, "EF6")
    template = builtin_templates()["family_weekend_baking"]  # 14:00 签到 … 15:40 结束
    data = _new_event_data(client, template.key, starts_at="2027-05-08T09:30", ends_at="2027-05-08T11:10")
    assert client.post("/events/new", data=data).status_code == 303
    event = db.session.scalars(sa.select(Event)).one()
    assert [a["time"] for a in event.agenda] == ["09:30", "09:40", "10:20", "10:50", "11:10"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "09:40" in page and "14:10" not in page
    _page, response = _edit(client, event.id, starts_at="2027-05-08T15:00", ends_at="2027-05-08T16:40")
    assert response.status_code == 303
    db.session.refresh(event)
    assert [a["time"] for a in event.agenda] == ["15:00", "15:10", "15:50", "16:20", "16:40"]
    api = client.get(f"/api/v1/events/{event.id}").get_json()
    assert api["agenda"][1] == {"time": "15:10", "item": template.agenda[1].item, "offset_minutes": 10}


def test_a_title_longer_than_a_poster_line_is_refused_on_the_page_and_in_the_api(client, auth, make):
    outlet = _staff(make, auth, "EF7")
    data = _new_event_data(client, "family_weekend_baking", title="长" * 300, venue="地" * 101,
                           description="介" * 2001)
    html = client.post("/events/new", data=data).get_data(as_text=True)
    assert "活动名称不能超过 40 字" in html
    assert "地点不能超过 100 字" in html and "活动介绍不能超过 2000 字" in html
    assert 'maxlength="40"' in html  # the phone's keyboard stops at the limit too
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    event = make.event(outlet, publish=False)
    for body in ({"title": "长" * 300}, {"venue": "地" * 101}, {"description": "介" * 2001},
                 {"questions": [{"key": "q1", "label": "问" * 41}]},
                 {"questions": [{"key": f"q{n}", "label": f"问题{n}"} for n in range(11)]}):
        response = client.patch(f"/api/v1/events/{event.id}", json=body,
                                headers=make.token_headers(outlet.staff_user))
        assert response.status_code == 422, body
        assert set(response.get_json()["error"]["fields"]) == set(body)


def test_capacity_zero_says_it_must_be_at_least_one(client, auth, make):
    _staff(make, auth, "EF8")
    html = client.post("/events/new", data=_new_event_data(client, "family_weekend_baking", capacity="0")) \
        .get_data(as_text=True)
    assert "名额至少 1 人" in html and "请填写名额" not in html
    html = client.post("/events/new", data=_new_event_data(client, "family_weekend_baking", capacity="")) \
        .get_data(as_text=True)
    assert "请填写名额" in html


def test_every_error_shows_at_once(client, auth, make):
    """End before start is reported together with the form's own errors, not after they are fixed."""
    _staff(make, auth, "EF9")
    data = _new_event_data(client, "family_weekend_baking", title="", capacity="0",
                           starts_at="2027-05-08T16:00", ends_at="2027-05-08T14:00",
                           registration_closes_at="2027-05-09T10:00")
    html = client.post("/events/new", data=data).get_data(as_text=True)
    for message in ("请填写活动名称", "名额至少 1 人", "结束时间应晚于开始时间", "报名截止时间不能晚于活动结束时间"):
        assert message in html, message
    assert "有内容需要修改" in html  # the top of a long form on a phone says so too
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_question_rows_say_what_is_wrong_with_them(client, auth, make):
    _staff(make, auth, "EFA")
    data = _new_event_data(client, "family_weekend_baking", **{
        "questions-0-label": "是否自驾", "questions-0-type": "choice", "questions-0-options": "",
        "questions-0-required": "y",
        "questions-1-label": "", "questions-1-type": "multi", "questions-1-options": "甲，乙",
        "questions-2-label": "孩子人数", "questions-2-type": "number", "questions-2-low": "5",
        "questions-2-high": "2"})
    html = client.post("/events/new", data=data).get_data(as_text=True)
    assert "选择题至少需要 2 个选项" in html
    assert "请填写问题，或清空这一行" in html
    assert "最大值不能小于最小值" in html
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_the_question_editor_keeps_required_and_options_and_removes_rows(client, auth, make):
    _staff(make, auth, "EFB")
    template = builtin_templates()["family_weekend_baking"]
    data = _new_event_data(client, template.key)
    assert data["questions-0-label"] == template.questions[0].label
    assert data.get("questions-0-required") == "y"  # required questions arrive ticked
    assert data["questions-1-options"] == "，".join(template.questions[1].options)
    data.setlist("questions-0-remove", ["y"])
    data.setlist("questions-2-label", ["是否需要停车位"])
    data.setlist("questions-2-type", ["choice"])
    data.setlist("questions-2-required", ["y"])
    data.setlist("questions-2-options", ["需要，不需要"])
    response = client.post("/events/new", data=data)
    assert response.status_code == 303, re.findall(r'field__error[^>]*>([^<]*)', response.get_data(as_text=True))
    event = db.session.scalars(sa.select(Event)).one()
    assert [q["label"] for q in event.questions] == [template.questions[1].label, "是否需要停车位"]
    assert event.questions[0]["key"] == template.questions[1].key  # answers keep their question
    assert event.questions[1] == {"key": "q1", "label": "是否需要停车位", "type": "choice", "required": True,
                                  "options": ["需要", "不需要"]}


def test_without_javascript_more_rows_come_from_the_server(client, auth, make):
    _staff(make, auth, "EFC")
    data = _new_event_data(client, "family_weekend_baking")
    rows = len([k for k in data if k.endswith("-label")])
    data.setlist("add_question", ["再加一题"])
    html = client.post("/events/new", data=data).get_data(as_text=True)
    assert len([k for k in form_data(html, FORM) if k.endswith("-label")]) == rows + 1
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    assert "field__error" not in html  # asking for a row is not a failed save


def test_an_api_change_of_start_moves_the_agenda_and_a_copy_keeps_the_title_short(client, auth, make):
    outlet = _staff(make, auth, "EFD")
    headers = make.token_headers(outlet.staff_user)
    body = {"template_key": "family_weekend_baking", "outlet_code": "EFD", "starts_at": "2027-05-08T10:00:00+08:00",
            "ends_at": "2027-05-08T11:40:00+08:00", "capacity": 20, "waitlist": True, "title": "题" * 40}
    created = client.post("/api/v1/events", json=body, headers=headers).get_json()
    assert [a["time"] for a in created["agenda"]][:2] == ["10:00", "10:10"]
    moved = client.patch(f"/api/v1/events/{created['id']}", headers=headers, json={
        "starts_at": "2027-05-08T18:30:00+08:00", "ends_at": "2027-05-08T20:10:00+08:00"}).get_json()
    assert [a["time"] for a in moved["agenda"]] == ["18:30", "18:40", "19:20", "19:50", "20:10"]
    client.post(f"/events/{created['id']}/clone")
    copy = db.session.scalars(sa.select(Event).where(Event.id != created["id"])).one()
    assert len(copy.title) <= 40 and copy.title.endswith("（副本）")


def test_a_number_that_is_not_a_number_is_explained_in_chinese(client, auth, make):
    _staff(make, auth, "EFE")
    html = client.post("/events/new", data=_new_event_data(client, "family_weekend_baking", capacity="abc")) \
        .get_data(as_text=True)
    errors = re.findall(r'class="field__error"[^>]*>([^<]*)', html)
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors), errors

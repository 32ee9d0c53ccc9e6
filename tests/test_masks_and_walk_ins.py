"""Masked names by length, walk-ins answering required questions, CSV downloads' charset (issue 13, item 14)."""

from __future__ import annotations

import pytest

from app.privacy import mask_name


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("张三丰", "张**"), ("欧阳娜娜", "欧阳**"), ("欧阳娜", "欧阳*"), ("司马相如", "司马**"),
    ("张", "*"), ("", "**"), ("欧阳", "欧*"), ("爱新觉罗溥仪", "爱*****"),
])
def test_a_masked_name_keeps_the_family_name_and_stars_the_rest_by_length(name, masked):
    assert mask_name(name) == masked


@pytest.fixture
def door(make):
    outlet = make.outlet("WI1")
    staff = make.user("staff", outlet=outlet, username="wi.staff")
    event = make.event(outlet, questions=[
        {"key": "kids", "label": "孩子人数", "type": "number", "required": True},
        {"key": "note", "label": "备注", "type": "text", "required": False}])
    return {"event": event, "id": event.id, "headers": make.token_headers(staff)}


def test_a_walk_in_must_answer_the_required_questions_over_the_api(client, door):
    url = f"/api/v1/events/{door['id']}/walk-ins"
    missing = client.post(url, headers=door["headers"], json={"name": "路人甲", "phone": "13900005555"})
    assert missing.status_code == 422 and missing.json["error"]["fields"]["kids"] == "请填写孩子人数"
    wrong = client.post(url, headers=door["headers"],
                        json={"name": "路人甲", "phone": "13900005555", "answers": {"kids": "两个"}})
    assert wrong.status_code == 422 and "整数" in wrong.json["error"]["fields"]["kids"]
    done = client.post(url, headers=door["headers"],
                       json={"name": "路人甲", "phone": "13900005555", "answers": {"kids": 2}})
    assert done.status_code == 201 and done.json["result"] == "checked_in"
    registrations = client.get(f"/api/v1/events/{door['id']}/registrations", headers=door["headers"]).json
    assert registrations["items"][0]["answers"] == {"kids": 2}


def test_the_walk_in_page_asks_the_questions_and_names_a_missing_answer(auth, client, door):
    auth.login("wi.staff")
    page = client.get(f"/events/{door['id']}/walk-in").get_data(as_text=True)
    assert "孩子人数" in page and 'name="q_kids"' in page
    refused = client.post(f"/events/{door['id']}/walk-in", data={"name": "路人甲", "phone": "13900005555"})
    assert refused.status_code == 422 and "请填写孩子人数" in refused.get_data(as_text=True)
    done = client.post(f"/events/{door['id']}/walk-in",
                       data={"name": "路人甲", "phone": "13900005555", "q_kids": "2"})
    assert done.status_code == 303

"""Campaigns: one draft per outlet, idempotent under double submit, each outlet's state, the nudge."""

from __future__ import annotations

import sqlalchemy as sa

from app.campaigns.models import Campaign, CampaignEvent
from app.events.models import Event
from app.extensions import db


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_a_campaign_makes_one_draft_per_outlet_with_its_defaults(client, branch_scene):
    response = client.post("/api/v1/campaigns", headers=branch_scene["headers"], json=branch_scene["body"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["title"] == "中秋亲子做月饼（测试）"
    assert sorted(e["outlet_code"] for e in body["events"]) == ["CA1", "CA2", "CA3"]
    assert {e["status"] for e in body["events"]} == {"draft"}
    for item in body["events"]:
        event = client.get(f"/api/v1/events/{item['id']}", headers=branch_scene["headers"]).get_json()
        assert event["outlet_code"] == item["outlet_code"]
        assert event["title"] == "中秋亲子做月饼（测试）" and event["capacity"] == 25 and event["waitlist"] is True
        assert event["starts_at"] == branch_scene["body"]["starts_at"]
        assert event["template_key"] == branch_scene["template"]
    assert client.get(f"/api/v1/campaigns/{body['id']}", headers=branch_scene["headers"]).get_json() == {
        **body, "template_key": branch_scene["template"], "branch_code": "CX", "starts_at": body["starts_at"],
        "ends_at": body["ends_at"], "capacity": 25, "waitlist": True}


def test_bad_campaign_input_is_422_naming_each_field_and_writes_nothing(client, branch_scene):
    headers = branch_scene["headers"]
    bad = {**branch_scene["body"], "template_key": "no-such-template", "outlet_codes": ["CA1", "NOPE"]}
    response = client.post("/api/v1/campaigns", headers=headers, json=bad)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"template_key", "outlet_codes"}
    backwards = {**branch_scene["body"], "ends_at": branch_scene["body"]["starts_at"]}
    response = client.post("/api/v1/campaigns", headers=headers, json=backwards)
    assert response.status_code == 422 and "ends_at" in response.get_json()["error"]["fields"]
    empty = {**branch_scene["body"], "outlet_codes": []}
    assert client.post("/api/v1/campaigns", headers=headers, json=empty).status_code == 422
    zero = {**branch_scene["body"], "capacity": 0}
    response = client.post("/api/v1/campaigns", headers=headers, json=zero)
    assert response.status_code == 422 and "capacity" in response.get_json()["error"]["fields"]
    assert _count(Campaign) == 0 and _count(Event) == 0


def test_the_same_idempotency_key_twice_makes_one_campaign(client, branch_scene):
    headers = {**branch_scene["headers"], "Idempotency-Key": "form-key-1"}
    first = client.post("/api/v1/campaigns", headers=headers, json=branch_scene["body"])
    again = client.post("/api/v1/campaigns", headers=headers, json=branch_scene["body"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    assert _count(Campaign) == 1 and _count(CampaignEvent) == 3 and _count(Event) == 3


def test_the_campaign_form_posted_twice_makes_one_campaign(client, auth, branch_scene):
    auth.login("cx.branch")
    page = client.get("/campaigns/new").get_data(as_text=True)
    assert 'name="request_key"' in page and "城西二网点" in page and "城东网点" not in page
    import re

    key = re.search(r'name="request_key" type="hidden" value="([^"]+)"', page).group(1)
    body = branch_scene["body"]
    form = {"request_key": key, "template_key": body["template_key"], "title": "重阳敬老（测试）",
            "outlet_codes": ["CA1", "CA2"], "starts_at": body["starts_at"][:16], "ends_at": body["ends_at"][:16],
            "capacity": "40", "waitlist": "y"}
    first = client.post("/campaigns/new", data=form)
    second = client.post("/campaigns/new", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Campaign) == 1 and _count(Event) == 2
    assert "没有重复创建" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_the_campaign_form_shows_errors_in_chinese_and_creates_nothing(client, auth, branch_scene):
    auth.login("cx.branch")
    response = client.post("/campaigns/new", data={"request_key": "k", "template_key": "", "title": "",
                                                    "starts_at": "", "ends_at": "", "capacity": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("请填写活动名称", "请填写开始时间", "名额至少 1 人", "请选择模板", "请至少选择一个网点"):
        assert message in html
    response = client.post("/campaigns/new", data={"request_key": "k2", "template_key": "nope", "title": "某活动",
                                                    "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T12:00",
                                                    "capacity": "10"})
    html = response.get_data(as_text=True)
    assert "模板不存在" in html and "请至少选择一个网点" in html
    assert _count(Campaign) == 0


def test_campaign_page_shows_each_outlets_state_and_nudges_the_unpublished(client, auth, make, branch_scene):
    created = client.post("/api/v1/campaigns", headers=branch_scene["headers"], json=branch_scene["body"]).get_json()
    by_outlet = {e["outlet_code"]: e["id"] for e in created["events"]}
    manager = make.user("manager", outlet=branch_scene["outlets"][0], username="ca1.manager")
    headers = make.token_headers(manager)
    # The outlet's own staff see the nudge on 今日, adjust the venue and publish their own.
    auth.login("ca1.manager")
    home = client.get("/today").get_data(as_text=True)
    assert "支行活动待发布" in home and "中秋亲子做月饼" in home
    event_id = by_outlet["CA1"]
    assert client.patch(f"/api/v1/events/{event_id}", headers=headers, json={"venue": "一楼大厅"}).status_code == 200
    assert client.post(f"/api/v1/events/{event_id}/publish", headers=headers).status_code == 200
    assert "支行活动待发布" not in client.get("/today").get_data(as_text=True)
    assert client.get(f"/campaigns/{created['id']}").status_code == 403  # outlet logins: the branch's page
    auth.logout()
    auth.login("cx.branch")
    html = client.get(f"/campaigns/{created['id']}").get_data(as_text=True)
    assert "还有 2 个网点未发布：城西二网点、城西三网点" in html
    assert html.count('data-state="draft"') == 2 and html.count('data-state="published"') == 1
    states = {e["outlet_code"]: e["status"] for e in client.get(
        f"/api/v1/campaigns/{created['id']}", headers=branch_scene["headers"]).get_json()["events"]}
    assert states == {"CA1": "published", "CA2": "draft", "CA3": "draft"}
    listing = client.get("/campaigns").get_data(as_text=True)
    assert "2 个网点未发布" in listing
    assert "支行活动" in client.get("/today").get_data(as_text=True)


def test_an_outlet_deleting_its_draft_leaves_the_campaign_with_the_others(client, make, branch_scene):
    created = client.post("/api/v1/campaigns", headers=branch_scene["headers"], json=branch_scene["body"]).get_json()
    first = created["events"][0]
    assert client.delete(f"/api/v1/events/{first['id']}", headers=branch_scene["headers"]).status_code == 204
    after = client.get(f"/api/v1/campaigns/{created['id']}", headers=branch_scene["headers"]).get_json()
    assert [e["id"] for e in after["events"]] == [e["id"] for e in created["events"][1:]]
    stats = client.get(f"/api/v1/campaigns/{created['id']}/stats", headers=branch_scene["headers"]).get_json()
    assert len(stats["outlets"]) == 2


def test_an_admin_campaign_belongs_to_the_outlets_branch(client, make, branch_scene):
    admin = make.user("admin", username="root")
    created = client.post("/api/v1/campaigns", headers=make.token_headers(admin), json=branch_scene["body"])
    assert created.status_code == 201 and created.get_json()["branch_code"] == "CX"
    mine = client.get("/api/v1/campaigns", headers=branch_scene["headers"]).get_json()["items"]
    assert [c["id"] for c in mine] == [created.get_json()["id"]]

"""The templates API: the catalogue with filters, outlet scoping, recommendations and their 422s."""

from __future__ import annotations

from datetime import timedelta

from app.catalogue.builtin import builtin_templates
from app.catalogue.services import save_event_as_template
from app.extensions import db
from app.timefmt import local_today
from tests.planning.conftest import event_on, next_occurrence

CONTRACT = {"key", "name", "category", "segments", "partner_categories", "occasions", "default_capacity",
            "max_party_size", "questions"}
MOONCAKE = "mid_autumn_family_mooncake"


def _staff_headers(make, outlet=None):
    outlet = outlet or make.outlet()
    return outlet, make.token_headers(make.user("staff", outlet=outlet))


def test_the_catalogue_lists_every_builtin_template_with_the_contract_fields(client, make):
    _outlet, headers = _staff_headers(make)
    response = client.get("/api/v1/templates", headers=headers)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert len(items) == len(builtin_templates()) == 40
    assert all(set(item) >= CONTRACT for item in items)
    mooncake = next(item for item in items if item["key"] == MOONCAKE)
    builtin = builtin_templates()[MOONCAKE].to_dict()
    assert {field: mooncake[field] for field in CONTRACT} == {field: builtin[field] for field in CONTRACT}
    assert mooncake["source"] == "builtin" and mooncake["category_name"] == "亲子"
    assert mooncake["questions"][0]["label"] == builtin["questions"][0]["label"]


def test_segment_and_category_filters(client, make):
    _outlet, headers = _staff_headers(make)
    elderly = client.get("/api/v1/templates?segment=elderly", headers=headers).get_json()["items"]
    expected = {t.key for t in builtin_templates().values() if "elderly" in t.segments}
    assert {item["key"] for item in elderly} == expected and 0 < len(expected) < 40
    salons = client.get("/api/v1/templates?segment=elderly&category=salon", headers=headers).get_json()["items"]
    assert salons and {item["key"] for item in salons} == {
        t.key for t in builtin_templates().values() if "elderly" in t.segments and t.category == "salon"}
    by_occasion = client.get("/api/v1/templates?occasion=mid_autumn", headers=headers).get_json()["items"]
    assert MOONCAKE in {item["key"] for item in by_occasion}
    assert all("mid_autumn" in item["occasions"] for item in by_occasion)


def test_unknown_filter_values_are_422_naming_the_parameter(client, make):
    _outlet, headers = _staff_headers(make)
    response = client.get("/api/v1/templates?segment=aliens&category=party", headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == {"segment", "category"}
    assert error["fields"]["segment"].startswith("取值无效")


def test_an_outlets_saved_template_is_seen_by_that_outlet_only(client, make):
    a, headers_a = _staff_headers(make)
    _b, headers_b = _staff_headers(make)
    admin = make.token_headers(make.user("admin"))
    event = event_on(a, local_today() + timedelta(days=20), MOONCAKE, title="我们网点的中秋月饼会（测试）")
    saved = save_event_as_template(event, "甲网点中秋模板")
    db.session.commit()

    def keys(headers):
        return {item["key"]: item for item in client.get("/api/v1/templates", headers=headers).get_json()["items"]}

    mine = keys(headers_a)[saved.key]
    assert mine["name"] == "甲网点中秋模板" and mine["source"] == "outlet" and mine["outlet_code"] == a.code
    assert mine["category"] == "family" and mine["segments"] == list(builtin_templates()[MOONCAKE].segments)
    assert saved.key not in keys(headers_b)
    assert saved.key in keys(admin)
    assert client.get(f"/api/v1/templates/{saved.key}", headers=headers_a).status_code == 200
    assert client.get(f"/api/v1/templates/{saved.key}", headers=headers_b).status_code == 404
    # Filters apply to saved templates too.
    assert saved.key in {i["key"] for i in client.get("/api/v1/templates?segment=family",
                                                      headers=headers_a).get_json()["items"]}
    assert saved.key not in {i["key"] for i in client.get("/api/v1/templates?segment=elderly",
                                                          headers=headers_a).get_json()["items"]}


def test_template_detail_has_the_playbook(client, make):
    _outlet, headers = _staff_headers(make)
    body = client.get(f"/api/v1/templates/{MOONCAKE}", headers=headers).get_json()
    builtin = builtin_templates()[MOONCAKE]
    assert body["playbook"]["winback"]["talking_points"] == list(builtin.playbook.winback.talking_points)
    assert body["agenda"][0]["time"] == builtin.agenda[0].time
    assert client.get("/api/v1/templates/no_such_template", headers=headers).status_code == 404


def _recommend(client, headers, start, days=40, **params):
    query = "&".join(f"{k}={v}" for k, v in {"date": start.isoformat(), "days": days, **params}.items())
    return client.get(f"/api/v1/templates/recommendations?{query}", headers=headers)


def _item(items, key):
    return next(item for item in items if item["template"]["key"] == key)


def test_recommendations_best_first_with_the_real_occasion_date_and_reasons(client, make):
    _outlet, headers = _staff_headers(make)
    mid_autumn = next_occurrence("mid_autumn")
    start = mid_autumn.date - timedelta(days=30)
    response = _recommend(client, headers, start, segment="family", partner_category="bakery")
    assert response.status_code == 200
    items = response.get_json()["items"]
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    best = items[0]
    assert best["template"]["key"] == MOONCAKE
    assert best["occasion"]["key"] == "mid_autumn" and best["occasion"]["name"] == "中秋节"
    assert best["occasion"]["date"] == mid_autumn.date.isoformat()
    assert start <= mid_autumn.date and best["suggested_date"] <= best["occasion"]["date"]
    countdown = (mid_autumn.date - local_today()).days
    assert f"距中秋节还有 {countdown} 天" in best["reasons"]
    assert "适合亲子家庭" in best["reasons"] and "可联合烘焙类商户" in best["reasons"]
    assert set(best["template"]) >= CONTRACT
    assert all("family" in item["template"]["segments"] for item in items)
    limited = _recommend(client, headers, start, segment="family", limit=3).get_json()["items"]
    assert len(limited) == 3


def test_a_real_event_of_the_outlet_demotes_that_template(client, make):
    used, headers_used = _staff_headers(make)
    _fresh, headers_fresh = _staff_headers(make)
    event_on(used, local_today() - timedelta(days=20), MOONCAKE, status="finished")
    event_on(used, local_today() + timedelta(days=5), "family_weekend_baking", status="cancelled")
    start = next_occurrence("mid_autumn").date - timedelta(days=30)
    fresh = _item(_recommend(client, headers_fresh, start).get_json()["items"], MOONCAKE)
    stale = _item(_recommend(client, headers_used, start).get_json()["items"], MOONCAKE)
    assert "本网点 20 天前刚办过同类活动，建议换个形式" in stale["reasons"]
    assert stale["score"] < fresh["score"]
    assert not any("刚办过" in r for r in fresh["reasons"])
    # A cancelled event is not a use: the baking template is not demoted.
    baking = _item(_recommend(client, headers_used, start).get_json()["items"], "family_weekend_baking")
    assert not any("已安排" in r or "刚办过" in r for r in baking["reasons"])
    # An admin sees the network-wide ranking, or one outlet's with outlet_code.
    admin = make.token_headers(make.user("admin"))
    plain = _item(_recommend(client, admin, start).get_json()["items"], MOONCAKE)
    assert plain["score"] == fresh["score"]
    chosen = _item(_recommend(client, admin, start, outlet_code=used.code).get_json()["items"], MOONCAKE)
    assert chosen["score"] == stale["score"]


def test_a_published_event_counts_as_already_planned_and_a_draft_does_not(client, make):
    outlet, headers = _staff_headers(make)
    _fresh, headers_fresh = _staff_headers(make)
    start = next_occurrence("mid_autumn").date - timedelta(days=30)
    fresh = _item(_recommend(client, headers_fresh, start).get_json()["items"], MOONCAKE)
    # A draft may never be held: neither this template nor its category (亲子) is demoted for it.
    draft = event_on(outlet, local_today() + timedelta(days=12), MOONCAKE, status="draft")
    event_on(outlet, local_today() - timedelta(days=3), "family_weekend_baking", status="draft")
    item = _item(_recommend(client, headers, start).get_json()["items"], MOONCAKE)
    assert not any("已安排" in r or "办过" in r for r in item["reasons"]), item["reasons"]
    assert item["score"] == fresh["score"]
    draft.status = "published"
    db.session.commit()
    item = _item(_recommend(client, headers, start).get_json()["items"], MOONCAKE)
    assert "本网点已安排 12 天后举办同类活动，建议换个形式" in item["reasons"]
    assert item["score"] < fresh["score"]


def test_bad_recommendation_parameters_are_422_naming_each(client, make):
    _outlet, headers = _staff_headers(make)
    base = "/api/v1/templates/recommendations"

    def fields(query):
        response = client.get(f"{base}?{query}", headers=headers)
        assert response.status_code == 422, (query, response.get_json())
        return set(response.get_json()["error"]["fields"])

    assert fields("") == {"date", "days"}
    assert fields("date=2027-13-01&days=30") == {"date"}
    assert fields("date=tomorrow&days=30") == {"date"}
    assert fields("date=2027-09-01&days=0") == {"days"}
    assert fields("date=2027-09-01&days=367") == {"days"}
    assert fields("date=2027-09-01&days=many") == {"days"}
    assert fields("date=2027-09-01&days=30&segment=aliens&partner_category=bank") == {"segment",
                                                                                      "partner_category"}
    assert fields("date=2027-09-01&days=30&outlet_code=NOPE") == {"outlet_code"}
    assert client.get(f"{base}?date=2027-09-01&days=366", headers=headers).status_code == 200
    other = make.outlet()
    forbidden = client.get(f"{base}?date=2027-09-01&days=30&outlet_code={other.code}", headers=headers)
    assert forbidden.status_code == 403


def test_the_api_needs_a_bank_login(client, make):
    assert client.get("/api/v1/templates").status_code == 401
    partner = make.token_headers(make.user("partner"))
    assert client.get("/api/v1/templates", headers=partner).status_code == 403
    assert client.get("/api/v1/templates/recommendations?date=2027-09-01&days=3",
                      headers=partner).status_code == 403


def test_an_event_from_a_saved_copy_counts_for_the_builtin_it_came_from(client, make):
    outlet, headers = _staff_headers(make)
    original = event_on(outlet, local_today() - timedelta(days=100), MOONCAKE, status="finished")
    saved = save_event_as_template(original, "我们的月饼会")
    db.session.commit()
    event_on(outlet, local_today() - timedelta(days=15), saved.key, status="finished")
    start = next_occurrence("mid_autumn").date - timedelta(days=30)
    item = _item(_recommend(client, headers, start).get_json()["items"], MOONCAKE)
    assert "本网点 15 天前刚办过同类活动，建议换个形式" in item["reasons"]

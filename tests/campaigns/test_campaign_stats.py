"""A campaign's comparison: every figure equals the outlet event's own /stats, the total their sum."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from app.events import services as event_services
from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from tests.followups.conftest import Happenings

FIGURES = ("confirmed", "checked_in", "attendance_rate", "newcomers")


def _results(client, make, branch_scene):
    """CA1 held and finished (two came, one a newcomer, one converted), CA2 published, CA3 a draft."""
    happen = Happenings()
    headers = branch_scene["headers"]
    created = client.post("/api/v1/campaigns", headers=headers, json=branch_scene["body"]).get_json()
    events = {e["outlet_code"]: db.session.get(Event, e["id"]) for e in created["events"]}
    a1 = branch_scene["outlets"][0]
    make.customer(a1, name="老客户", phone="19900008001")
    for code in ("CA1", "CA2"):
        event_services.publish(events[code])
    db.session.commit()
    regs = [make.registration(events["CA1"], name=n, phone=p) for n, p in
            (("老客户", "19900008001"), ("新朋友", "19900008002"), ("没来的", "19900008003"))]
    make.registration(events["CA2"], name="乙网点报名", phone="19900008004")
    happen.move_to_past(events["CA1"])
    happen.check_in(regs[0])
    happen.check_in(regs[1])
    finish_event(events["CA1"])
    db.session.commit()
    followup = db.session.scalar(sa.select(FollowUp).where(FollowUp.registration_id == regs[0].id))
    response = client.patch(f"/api/v1/followups/{followup.id}", headers=headers,
                            json={"status": "converted", "outcome": {"product": "wealth", "amount": 50000}})
    assert response.status_code == 200, response.get_json()
    return created, events


def test_every_figure_equals_the_outlet_events_own_stats(client, make, branch_scene):
    created, events = _results(client, make, branch_scene)
    headers = branch_scene["headers"]
    stats = client.get(f"/api/v1/campaigns/{created['id']}/stats", headers=headers)
    assert stats.status_code == 200
    body = stats.get_json()
    assert body["outlets"][0]["outlet_code"] == "CA1"  # the best first
    for row in body["outlets"]:
        own = client.get(f"/api/v1/events/{row['event_id']}/stats", headers=headers).get_json()
        assert row["event_id"] == events[row["outlet_code"]].id
        for key in FIGURES:
            assert row[key] == own[key], (row["outlet_code"], key)
        assert row["conversions"] == own["conversions"]
        assert row["status"] == client.get(f"/api/v1/events/{row['event_id']}", headers=headers).get_json()["status"]
    by_code = {o["outlet_code"]: o for o in body["outlets"]}
    assert by_code["CA1"]["status"] == "finished" and by_code["CA2"]["status"] == "published"
    assert by_code["CA3"]["status"] == "draft"
    assert by_code["CA1"]["checked_in"] == 2 and by_code["CA1"]["newcomers"] == 1
    assert by_code["CA1"]["conversions"] == {"count": 1, "amount": 50000.0}
    total = body["total"]
    for key in ("confirmed", "checked_in", "newcomers"):
        assert total[key] == sum(o[key] for o in body["outlets"])
    assert total["conversions"] == {"count": 1, "amount": 50000.0}
    # Over held events only, as each event's own rate: CA2 has not been held, so it has no rate yet.
    assert by_code["CA2"]["attendance_rate"] is None
    assert total["attendance_rate"] == by_code["CA1"]["attendance_rate"] == round(2 / 3, 4)


def test_the_comparison_page_shows_the_same_figures(client, auth, make, branch_scene):
    created, _events = _results(client, make, branch_scene)
    auth.login("cx.branch")
    html = client.get(f"/campaigns/{created['id']}").get_data(as_text=True)
    assert "成效对比" in html and "¥50,000.00" in html and "67%" in html
    assert '<tr data-outlet="CA1"><td>城西一网点</td><td class="num">3</td><td class="num">2</td>' in html


def test_another_branch_cannot_read_the_comparison(client, make, branch_scene):
    created, _events = _results(client, make, branch_scene)
    other = make.user("branch", outlet=branch_scene["other"], username="cy.branch")
    assert client.get(f"/api/v1/campaigns/{created['id']}/stats",
                      headers=make.token_headers(other)).status_code == 404


def test_branch_dashboard_ranks_outlets_by_the_same_figures_and_downloads_them(client, auth, make, branch_scene):
    _created, events = _results(client, make, branch_scene)
    Happenings().move_to_past(events["CA2"], ended_hours_ago=2)  # held this month too: two outlets to rank
    headers = branch_scene["headers"]
    own = client.get(f"/api/v1/events/{events['CA1'].id}/stats", headers=headers).get_json()
    auth.login("cx.branch")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "成效看板 · 城西支行" in html and "按网点（排名）" in html
    assert '<tr data-outlet="CA1"><td class="num">1</td><td>城西一网点</td>' in html
    response = client.get("/dashboard.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]  # 年度
    start = next(i for i, r in enumerate(rows) if r[0] == "按网点（排名）")
    ranked = rows[start + 2:start + 4]
    assert [r[0] for r in ranked] == ["城西一网点", "城西二网点"]
    first = ranked[0]
    assert (first[2], first[3], first[6], first[7], first[8]) == (
        own["confirmed"], own["checked_in"], own["newcomers"], own["conversions"]["count"],
        own["conversions"]["amount"])

"""The event edit page saves what its form sends (the outlet is not on it: an event stays in its outlet)."""

from __future__ import annotations

from app.extensions import db
from tests.page_forms import form_data


def test_editing_an_event_saves_what_the_page_sends(client, auth, make):
    outlet = make.outlet("EE1")
    make.user("staff", outlet=outlet, username="ee.staff")
    event = make.event(outlet, publish=False, title="原标题（测试）")
    auth.login("ee.staff")
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'name="outlet_code"' not in page
    response = client.post(f"/events/{event.id}/edit", data=form_data(page, title="新标题（测试）"))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert "已保存" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(event)
    assert event.title == "新标题（测试）" and event.outlet_id == outlet.id

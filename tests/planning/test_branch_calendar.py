"""The planning calendar of a branch (支行): all its outlets' events and the occasions, by outlet, with clashes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.catalogue.builtin import builtin_templates
from tests.planning.conftest import event_on, next_occurrence


@pytest.fixture
def branch_calendar(make, auth):
    a1, a2 = make.outlet("KA1", "一号网点（测试）"), make.outlet("KA2", "二号网点（测试）")
    a3 = make.outlet("KA3", "三号网点（测试）")
    other = make.outlet("KB1", "别家网点（测试）")
    branch = make.branch("KX", [a1, a2, a3])
    make.branch("KY", [other])
    make.user("branch", branch=branch, username="kx.branch")
    item = next_occurrence("mid_autumn")
    saturday = item.date + timedelta(days=(5 - item.date.weekday()) % 7)
    mooncake = next(t.key for t in builtin_templates().values() if "mid_autumn" in t.occasions)
    event_on(a1, saturday, mooncake, title="一号中秋（测试）", status="published")
    event_on(a2, saturday + timedelta(days=1), mooncake, title="二号中秋（测试）", status="published")
    event_on(a3, saturday, "silver_smartphone_class", title="三号手机课（测试）", status="published")
    event_on(other, saturday, mooncake, title="别家中秋（测试）", status="published")
    auth.login("kx.branch")
    return {"month": f"{saturday.year:04d}-{saturday.month:02d}", "item": item}


def test_a_branch_sees_its_outlets_events_and_the_occasions(client, branch_calendar):
    html = client.get(f"/planning?month={branch_calendar['month']}").get_data(as_text=True)
    for title in ("一号中秋", "二号中秋", "三号手机课"):
        assert title in html
    assert "别家中秋" not in html and "别家网点" not in html
    assert "中秋" in html and "一号网点（测试）" in html  # the occasion and each event's outlet


def test_the_calendar_filters_by_outlet(client, branch_calendar):
    html = client.get(f"/planning?month={branch_calendar['month']}&outlet=KA2").get_data(as_text=True)
    assert "二号中秋" in html and "一号中秋" not in html and "三号手机课" not in html
    assert 'id="clashes"' not in html
    # Another branch's outlet is no filter: the branch's own events, all of them.
    html = client.get(f"/planning?month={branch_calendar['month']}&outlet=KB1").get_data(as_text=True)
    assert "别家中秋" not in html and "一号中秋" in html


def test_two_outlets_doing_the_same_thing_the_same_weekend_is_a_visible_clash(client, branch_calendar):
    html = client.get(f"/planning?month={branch_calendar['month']}").get_data(as_text=True)
    assert 'id="clashes"' in html
    clash = html[html.index('id="clashes"'):html.index("</section>", html.index('id="clashes"'))]
    assert "同一周末" in clash and "一号网点（测试）、二号网点（测试）" in clash
    assert "三号网点" not in clash and "别家网点" not in clash


def test_an_outlet_calendar_has_no_outlet_filter_or_clashes(client, auth, make, branch_calendar):
    auth.logout()
    import sqlalchemy as sa

    from app.extensions import db
    from app.org.models import Outlet

    a1 = db.session.scalar(sa.select(Outlet).where(Outlet.code == "KA1"))
    make.user("staff", outlet=a1, username="ka1.staff")
    auth.login("ka1.staff")
    html = client.get(f"/planning?month={branch_calendar['month']}").get_data(as_text=True)
    assert "一号中秋" in html and "二号中秋" not in html and 'id="clashes"' not in html

"""Results from records: the stats API's arithmetic, the report PDF, the dashboard and its XLSX, track records."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.alliance.models import EventOffer, Offer, Partner, Voucher
from app.audit.models import AuditEntry
from app.catalogue.services import find_template, save_event_as_template
from app.events.models import Event
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.queries import template_track_record
from app.followups.services import ContactInput, finish_event, record_contact
from app.timefmt import local_today, to_local
from tests.pdf.helpers import pdf_fonts, pdf_reader, pdf_text
from tests.static_urls import undigested


@pytest.fixture
def measured(make, happen):
    """An event with known numbers: 5 confirmed (8 seats), 3 checked in (5 people), 2 conversions, ¥1,000 spent."""
    outlet = make.outlet("RS")
    staff = make.user("staff", outlet=outlet, username="rs.staff", name="林晓")
    manager = make.user("manager", outlet=outlet, username="rs.manager", name="陈经理")
    referrer = make.customer(outlet, name="老推荐人", phone="19900005000")
    regulars = [make.customer(outlet, name=f"老客{i}", phone=f"1990000500{i}", owner="rs.staff") for i in (1, 2, 3)]
    event = make.event(outlet, title="中秋理财沙龙（测试）", capacity=8, max_party_size=3, owner=staff,
                       actual_cost="1000", budget="1200",
                       goals={"attendance_rate": 0.8, "newcomers": 2, "conversions": 1})
    r1 = make.registration(event, name=regulars[0].name, phone=regulars[0].phone, ref=staff.referral_code)
    r2 = make.registration(event, name="新客甲", phone="19900005101", party_size=3, ref=referrer.referral_code)
    r3 = make.registration(event, name=regulars[1].name, phone=regulars[1].phone)
    make.registration(event, name="新客乙", phone="19900005102")
    make.registration(event, name=regulars[2].name, phone=regulars[2].phone, party_size=2)
    waiting = make.registration(event, name="候补丙", phone="19900005103")
    assert waiting.status == "waitlisted"
    happen.cancel(make.registration(event, name="取消丁", phone="19900005104"))
    partner = make.partner(name="麦香坊烘焙（测试）")
    offer = Offer(partner_id=partner.id, title="满50减10", valid_from=local_today() - timedelta(days=30),
                  valid_until=local_today() + timedelta(days=30), issue_on="checkin")
    db.session.add(offer)
    db.session.flush()
    db.session.add(EventOffer(event_id=event.id, offer_id=offer.id))
    happen.move_to_past(event)
    for i, registration in enumerate((r1, r2, r3)):
        happen.check_in(registration)
        db.session.add(Voucher(code=f"TESTV{i}", offer_id=offer.id, event_id=event.id, registration_id=registration.id,
                               customer_id=registration.customer_id,
                               redeemed_at=registration.checked_in_at if i == 0 else None))
    db.session.commit()
    finish_event(event)
    items = {f.registration_id: f for f in db.session.scalars(sa.select(FollowUp))}
    record_contact(items[r1.id], ContactInput(status="converted", product="理财", amount="50000"))
    record_contact(items[r2.id], ContactInput(status="converted", product="deposit", amount="20000.50",
                                              next_due_date=local_today() + timedelta(days=7)))
    no_show = next(f for f in items.values() if f.list == "winback")
    record_contact(no_show, ContactInput(status="unreachable"))
    db.session.commit()
    return {"event": event, "staff": staff, "manager": manager, "outlet": outlet}


def test_stats_are_computed_from_records(client, make, measured):
    headers = make.token_headers(measured["staff"])
    response = client.get(f"/api/v1/events/{measured['event'].id}/stats", headers=headers)
    assert response.status_code == 200
    stats = response.get_json()
    assert {k: stats[k] for k in ("confirmed", "waitlisted", "checked_in", "attendance_rate", "newcomers",
                                  "referrals", "followups", "conversions", "vouchers", "cost_per_attendee")} == {
        "confirmed": 5, "waitlisted": 1, "checked_in": 3, "attendance_rate": 0.6, "newcomers": 1, "referrals": 2,
        "followups": {"total": 6, "done": 3}, "conversions": {"count": 2, "amount": 70000.5},
        "vouchers": {"issued": 3, "redeemed": 1}, "cost_per_attendee": 200.0,
    }
    assert stats["attendees"] == 5 and stats["cost_per_conversion"] == 500.0


def test_cost_per_attendee_is_null_without_a_cost_or_without_attendees(client, make, happen):
    outlet = make.outlet("RT")
    headers = make.token_headers(make.user("staff", outlet=outlet))
    event = make.event(outlet, actual_cost="800")
    make.registration(event, phone="19900005201")
    stats = client.get(f"/api/v1/events/{event.id}/stats", headers=headers).get_json()
    # Not held yet (a week ahead): no attendance rate at all, rather than 0 %.
    assert stats["attendance_rate"] is None and stats["cost_per_attendee"] is None
    empty = make.event(outlet)
    stats = client.get(f"/api/v1/events/{empty.id}/stats", headers=headers).get_json()
    assert stats["attendance_rate"] is None and stats["cost_per_attendee"] is None and stats["confirmed"] == 0


def test_the_report_pdf_shows_the_funnel_goals_referrers_partners_and_cost(client, auth, measured):
    auth.login("rs.staff")
    response = client.get(f"/events/{measured['event'].id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert 1 <= len(pdf_reader(pdf).pages) <= 2
    text = pdf_text(pdf)
    for label in ("活动成效报告", "中秋理财沙龙（测试）", "报名", "签到", "跟进", "转化", "目标与实际", "推荐排行",
                  "联盟商户", "人均成本", "每笔转化成本"):
        assert label in text, label
    assert "5(100%)" in text and "2(40%)" in text  # the funnel chart's own labels (inline SVG)
    assert set(pdf_fonts(pdf)) == {"Noto-Sans-SC-Subset", "Noto-Sans-SC-Subset-Bold"}  # the shipped font, embedded
    for figure in ("60.0%", "80.0%", "¥70,000.50", "¥200.00", "¥500.00", "¥1,000.00", "林晓", "老推荐人",
                   "麦香坊烘焙（测试）", "满50减10"):
        assert figure in text.replace("\n", ""), figure  # a long name wraps in its table cell
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.details["what"] == "event_report" and entry.object_id == str(measured["event"].id)


def _month(event: Event) -> str:
    return to_local(event.starts_at).strftime("%Y-%m")


def test_the_dashboard_shows_this_months_figures_to_managers_only(client, auth, measured):
    event = measured["event"]
    template = find_template(event.template_key)
    auth.login("rs.staff")
    assert client.get("/dashboard").status_code == 403
    auth.logout()
    auth.login("rs.manager")
    html = undigested(client.get(f"/dashboard?month={_month(event)}").get_data(as_text=True))
    assert template["name"] in html
    assert "¥7.0万" in html and "60%" in html and "麦香坊烘焙（测试）" in html
    assert 'data-chart="templates"' in html and "js/dashboard-charts.js" in html and "<script>" not in html


def test_the_dashboard_reads_in_english_too(client, auth, measured):
    event = measured["event"]
    auth.login("rs.manager")
    client.get("/lang/en")
    html = client.get(f"/dashboard?month={_month(event)}").get_data(as_text=True)
    month = to_local(event.starts_at)
    assert f"{month:%B} {month.year}" in html and "¥70k" in html
    assert "万" not in html and f"{month.year}年" not in html


def test_the_dashboard_xlsx_has_the_same_figures(client, auth, measured):
    event = measured["event"]
    auth.login("rs.manager")
    response = client.get(f"/dashboard.xlsx?month={_month(event)}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["月度", "年度"]
    rows = [list(r) for r in book["月度"].iter_rows(values_only=True)]
    total = rows[rows.index(next(r for r in rows if r[0] == "合计")) + 2]
    assert total[1:9] == [1, 5, 3, 0.6, 5, 1, 2, 70000.5]
    template_name = find_template(event.template_key)["name"]
    assert [template_name, 1, 5, 3, 0.6, 5, 1, 2, 70000.5] in [r[:9] for r in rows]
    assert ["麦香坊烘焙（测试）", 3, 1] in [r[:3] for r in rows]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.details["what"] == "dashboard"


def test_no_cell_of_the_dashboard_xlsx_runs_as_a_formula(client, auth, measured):
    formula = '=HYPERLINK("http://x","y")'
    event = measured["event"]
    saved = save_event_as_template(event, name=formula)
    event.template_key = saved.key
    db.session.scalars(sa.select(Partner)).one().name = "-1+1"
    db.session.commit()
    auth.login("rs.manager")
    response = client.get(f"/dashboard.xlsx?month={_month(event)}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    named = {cell.value: cell for cell in cells if cell.value in (formula, "-1+1")}
    assert set(named) == {formula, "-1+1"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in named.values())  # text, never a formula
    assert not any(cell.data_type == "f" for cell in cells)


def test_the_template_track_record_for_planning(measured):
    record = template_track_record(measured["outlet"].id)
    assert record == {measured["event"].template_key: {
        "events": 1, "attendance_rate": 0.6, "conversions": 2, "conversion_amount": Decimal("70000.50")}}


def test_dashboard_periods_are_calendar_month_and_year():
    from app.followups.dashboard import period_bounds

    bounds = period_bounds(date(2026, 12, 15))
    assert bounds["month"] == (date(2026, 12, 1), date(2027, 1, 1))
    assert bounds["year"] == (date(2026, 1, 1), date(2027, 1, 1))

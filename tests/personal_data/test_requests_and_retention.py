"""People's requests (filed by ticket, handled by managers of the outlet), retention, exports and the audit trail."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta

import openpyxl
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Customer
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.jobs import runner
from app.models import utcnow
from app.personal_data.models import PrivacyRequest
from app.personal_data.services import add_working_days
from app.timefmt import local_today, local_tz


def test_due_dates_count_working_days_with_the_holiday_calendar():
    # 2026-09-30 (Wed) + 15 working days: the National Day break (10-01..10-07 off, Saturday 10-10 worked).
    due = add_working_days(date(2026, 9, 30), 15)
    assert due == date(2026, 10, 27)
    assert add_working_days(date(2026, 12, 3), 15) == date(2026, 12, 24)  # an ordinary stretch: three weeks


def test_a_person_files_a_request_with_their_ticket_and_the_outlets_manager_handles_it(client, make):
    outlet = make.outlet()
    manager = make.user("manager", outlet=outlet)
    other_manager = make.user("manager")
    registration = make.registration(make.event(outlet), name="黄蓉", phone="19912350001")
    response = client.post("/api/v1/public/privacy-requests",
                           json={"kind": "erase", "ticket_token": registration.ticket_token})
    assert response.status_code == 202
    body = response.get_json()
    assert body["due_date"] == add_working_days(local_today(), 15).isoformat()
    assert client.post("/api/v1/public/privacy-requests",
                       json={"kind": "erase", "ticket_token": "nosuchtoken0000000000"}).status_code == 404
    assert client.post("/api/v1/public/privacy-requests",
                       json={"kind": "delete_all", "ticket_token": registration.ticket_token}).status_code == 422

    mine, theirs = make.token_headers(manager), make.token_headers(other_manager)
    items = client.get("/api/v1/privacy-requests?status=open", headers=mine).get_json()["items"]
    assert [(i["id"], i["kind"], i["status"], i["customer_id"]) for i in items] == [
        (body["id"], "erase", "open", registration.customer_id)]
    assert client.get("/api/v1/privacy-requests", headers=theirs).get_json()["items"] == []
    assert client.post(f"/api/v1/privacy-requests/{body['id']}/complete", headers=theirs).status_code == 404
    staff = make.token_headers(make.user("staff", outlet=outlet))
    assert client.get("/api/v1/privacy-requests", headers=staff).status_code == 403

    done = client.post(f"/api/v1/privacy-requests/{body['id']}/complete", headers=mine)
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    customer = db.session.get_one(Customer, registration.customer_id)
    assert customer.erased_at is not None and customer.name == "已删除"
    assert client.post(f"/api/v1/privacy-requests/{body['id']}/complete", headers=mine).status_code == 409
    assert client.get("/api/v1/privacy-requests?status=open", headers=mine).get_json()["items"] == []


def test_an_access_request_is_recorded_as_answered(client, make):
    outlet = make.outlet()
    manager = make.user("manager", outlet=outlet)
    registration = make.registration(make.event(outlet), name="郭靖", phone="19912350002")
    filed = client.post("/api/v1/public/privacy-requests",
                        json={"kind": "access", "ticket_token": registration.ticket_token}).get_json()
    headers = make.token_headers(manager)
    assert client.post(f"/api/v1/privacy-requests/{filed['id']}/complete", headers=headers).status_code == 200
    assert db.session.get_one(Customer, registration.customer_id).erased_at is None
    assert db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action == "privacy_request_completed")).all() == ["privacy_request_completed"]


def test_the_ticket_page_files_requests_and_the_managers_page_highlights_overdue_ones(client, make, auth):
    outlet = make.outlet()
    make.user("manager", outlet=outlet, username="pr.manager")
    registration = make.registration(make.event(outlet), name="杨过", phone="19912350003")
    token = registration.ticket_token
    posted = client.post(f"/t/{token}/privacy-requests", data={"kind": "access"})
    assert posted.status_code == 303
    assert "已收到您的申请" in client.get(posted.location).get_data(as_text=True)
    bad = client.post(f"/t/{token}/privacy-requests", data={"kind": "everything"})
    assert bad.status_code == 422 and "请选择" in bad.get_data(as_text=True)
    old = PrivacyRequest(kind="erase", customer_id=registration.customer_id, outlet_id=outlet.id,
                         due_date=local_today() - timedelta(days=1))
    db.session.add(old)
    db.session.commit()
    auth.login("pr.manager")
    assert "/privacy-requests" in client.get("/me").get_data(as_text=True)
    page = client.get("/privacy-requests").get_data(as_text=True)
    assert page.count("privacy-request--overdue") == 1 and "已逾期" in page and "杨过" in page
    home = client.get("/today").get_data(as_text=True)
    assert "个人信息申请已逾期 1 件" in home
    assert client.post(f"/privacy-requests/{old.id}/complete").status_code == 303
    assert db.session.get_one(Customer, registration.customer_id).erased_at is not None
    assert "个人信息申请已逾期" not in client.get("/today").get_data(as_text=True)
    assert client.get("/privacy-requests?status=open").status_code == 200


def _prospect_with_event(make, happen, *, name: str, phone: str, ended_days_ago: int, is_customer=False):
    outlet = make.outlet()
    if is_customer:
        make.customer(outlet, name=name, phone=phone)
    event = make.event(outlet)
    registration = make.registration(event, name=name, phone=phone)
    happen.move_to_past(event)
    event.starts_at -= timedelta(days=ended_days_ago)
    event.ends_at -= timedelta(days=ended_days_ago)
    db.session.commit()
    return registration


def test_purge_erases_only_prospects_past_retention_without_open_follow_ups(app, make, happen):
    old = _prospect_with_event(make, happen, name="过期甲", phone="19912360001", ended_days_ago=700)
    recent = _prospect_with_event(make, happen, name="近期乙", phone="19912360002", ended_days_ago=10)
    customer = _prospect_with_event(make, happen, name="老客丙", phone="19912360003", ended_days_ago=700,
                                    is_customer=True)
    busy = _prospect_with_event(make, happen, name="跟进丁", phone="19912360004", ended_days_ago=700)
    happen.check_in(busy)
    finish_event(busy.event)
    db.session.commit()
    assert db.session.scalar(sa.select(FollowUp.status).where(FollowUp.registration_id == busy.id)) == "open"
    cli = app.test_cli_runner()
    today = cli.invoke(args=["privacy", "purge", "--dry-run"])
    assert today.exit_code == 0 and "would erase 0 prospect(s)" in today.output

    later = (datetime.now(local_tz()) + timedelta(days=40)).isoformat(timespec="minutes")
    dry = cli.invoke(args=["privacy", "purge", "--dry-run", "--at", later])
    assert dry.exit_code == 0 and "would erase 1 prospect(s)" in dry.output and str(old.customer_id) in dry.output
    db.session.expire_all()
    assert db.session.get_one(Customer, old.customer_id).erased_at is None

    real = cli.invoke(args=["privacy", "purge", "--at", later])
    assert real.exit_code == 0 and "erased 1 prospect(s)" in real.output, real.output
    db.session.expire_all()
    erased = {c.id for c in db.session.scalars(sa.select(Customer).where(Customer.erased_at.is_not(None)))}
    assert erased == {old.customer_id}
    for kept in (recent, customer, busy):
        assert db.session.get_one(Customer, kept.customer_id).name != "已删除"
    run = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "retention_purge")).one()
    assert run.details["erased"] == 1 and run.details["customer_ids"] == [old.customer_id]
    assert run.actor_username == "system"
    erasure = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "customer_erased")).one()
    assert "保存期满" in erasure.details["reason"] and erasure.details["retention_days"] == 730


def test_purge_runs_daily_in_jobs_run_due(app, make, happen):
    old = _prospect_with_event(make, happen, name="过期戊", phone="19912360005", ended_days_ago=731)
    at = utcnow() + timedelta(days=1)
    outcome = runner.run_job(runner.JOBS["retention_purge"], at)
    assert outcome.state == "ran" and outcome.result["erased"] == 1
    assert runner.run_job(runner.JOBS["retention_purge"], at + timedelta(hours=1)).state == "already_ran"
    db.session.expire_all()
    assert db.session.get_one(Customer, old.customer_id).erased_at is not None
    listed = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert "retention_purge" in listed.output


def test_exports_are_complete_and_audited_and_the_audit_page_filters_by_person(client, make, auth):
    outlet = make.outlet()
    manager = make.user("manager", outlet=outlet, username="ex.manager")
    make.user("staff", outlet=outlet, username="ex.staff")
    event = make.event(outlet, questions=[{"key": "kid", "label": "孩子年龄", "type": "text", "required": False}])
    registration = make.registration(event, name="小龙女", phone="19912370001", answers={"kid": "6"})
    customer_id = registration.customer_id
    headers = make.token_headers(manager)
    data = client.get(f"/api/v1/customers/{customer_id}/personal-data", headers=headers).get_json()
    assert data["customer"]["name"] == "小龙女" and data["customer"]["phone"] == "19912370001"
    assert data["registrations"][0]["answers"] == [{"key": "kid", "question": "孩子年龄", "answer": "6"}]
    assert data["consents"] and data["consents"][0]["text_version"]
    assert data["messages"] and data["messages"][0]["to"] == "19912370001"
    assert set(data) == {"customer", "registrations", "consents", "followups", "vouchers", "messages"}

    auth.login("ex.manager")
    page = client.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "下载 JSON" in page and "删除个人信息" in page
    as_json = client.get(f"/customers/{customer_id}/personal-data.json")
    assert as_json.status_code == 200 and "attachment" in as_json.headers["Content-Disposition"]
    assert json.loads(as_json.data)["customer"]["name"] == "小龙女"
    as_xlsx = client.get(f"/customers/{customer_id}/personal-data.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.data))
    assert book.sheetnames == ["客户", "报名", "授权", "跟进", "优惠券", "消息"]
    assert "小龙女" in [c.value for c in book["客户"][2]]
    exports = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert sorted(e.details["format"] for e in exports) == ["json", "json", "xlsx"]
    assert {e.actor_username for e in exports} == {"ex.manager"}
    views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "customer_viewed")).all()
    assert [v.object_id for v in views] == [str(customer_id)]

    filtered = client.get(f"/admin/audit?customer={customer_id}").get_data(as_text=True)
    assert "查看客户档案" in filtered and "登录" not in filtered.split("<tbody>")[1]
    foreign = make.customer(make.outlet(), name="外网点", phone="19912370002")
    assert f"#{foreign.id}" not in client.get("/admin/audit?object_type=customers").get_data(as_text=True)
    auth.logout()
    auth.login("ex.staff")
    assert client.get(f"/customers/{customer_id}/personal-data.json").status_code == 403
    assert "下载 JSON" not in client.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert client.get("/admin/audit").status_code == 403


def test_the_privacy_page_states_the_real_retention_and_ways_to_exercise_rights(client, app):
    html = client.get("/privacy").get_data(as_text=True)
    assert "730 天" in html and "入场凭证" in html and "撤回营销授权" in html and "15 个工作日" in html
    app.config["RETENTION_DAYS"] = 365
    try:
        assert "365 天" in client.get("/privacy").get_data(as_text=True)
    finally:
        app.config["RETENTION_DAYS"] = 730


def test_the_registration_page_asks_only_what_the_event_needs(client, make):
    plain = make.event(make.outlet())
    html = client.get(f"/e/{plain.slug}").get_data(as_text=True)
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([a-z_0-9]+)"', html))
    assert names <= {"csrf_token", "name", "phone", "consent", "ref", "party_size", "marketing_consent"}, names
    asked = make.event(make.outlet(), questions=[{"key": "kid", "label": "孩子年龄", "type": "text",
                                                   "required": False}])
    html = client.get(f"/e/{asked.slug}").get_data(as_text=True)
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([a-z_0-9]+)"', html))
    assert any("kid" in n for n in names)

"""Marketing consent: a separate unticked box at registration, a column on import; what invitations ask."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook

from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.customers.queries import has_marketing_consent
from app.extensions import db


def _marketing(phone: str) -> list[Consent]:
    return list(db.session.scalars(sa.select(Consent).join(Customer).where(
        Customer.phone == phone, Consent.purpose == MARKETING_PURPOSE)))


def _holds(phone: str) -> bool:
    customer = db.session.scalar(sa.select(Customer).where(Customer.phone == phone))
    return bool(db.session.scalar(sa.select(has_marketing_consent(customer.id))))


def test_api_records_marketing_consent_only_when_given(client, make):
    event = make.event(make.outlet("MC"))
    url = f"/api/v1/public/events/{event.slug}/registrations"
    plain = client.post(url, json={"name": "甲乙", "phone": "13900006001", "consent": True})
    assert plain.status_code == 201
    assert _marketing("13900006001") == [] and not _holds("13900006001")
    ticked = client.post(url, json={"name": "丙丁", "phone": "13900006002", "consent": True,
                                    "marketing_consent": True})
    assert ticked.status_code == 201
    [consent] = _marketing("13900006002")
    assert consent.channel == "registration" and consent.withdrawn_at is None and _holds("13900006002")
    # The registration consent is recorded as before, apart from the marketing one.
    assert len(db.session.scalars(sa.select(Consent).join(Customer).where(Customer.phone == "13900006002")).all()) == 2
    bad = client.post(url, json={"name": "戊己", "phone": "13900006003", "consent": True, "marketing_consent": "也许"})
    assert bad.status_code == 422


def test_registration_page_box_is_separate_and_unticked(client, make):
    event = make.event(make.outlet("MP"))
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "愿意接收本网点的活动邀请" in page
    box = page.split('name="marketing_consent"')[0].rsplit("<input", 1)[1] + page.split('name="marketing_consent"')[1]
    assert "checked" not in box.split(">")[0]
    answer = client.post(f"/e/{event.slug}", data={"name": "庚辛", "phone": "13900006011", "consent": "y",
                                                   "marketing_consent": "y"})
    assert answer.status_code == 303
    assert len(_marketing("13900006011")) == 1
    client.post(f"/e/{event.slug}", data={"name": "壬癸", "phone": "13900006012", "consent": "y"})
    assert _marketing("13900006012") == []
    refused = client.post(f"/e/{event.slug}", data={"name": "子丑", "phone": "13900006013", "marketing_consent": "y"})
    assert refused.status_code == 422 and _marketing("13900006013") == []  # no registration consent: nothing


def test_the_ticked_box_costs_no_extra_round_trip(client, make, app):
    """The common registration issues the same statements as before; the ticked box adds none either
    (its consent row and audit entry go in the INSERTs the registration consent already makes)."""
    event = make.event(make.outlet("MS"), capacity=50)
    url = f"/api/v1/public/events/{event.slug}/registrations"
    client.post(url, json={"name": "热身", "phone": "13900006020", "consent": True})  # caches warm
    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.post(url, json={"name": "未勾选", "phone": "13900006021", "consent": True})
        plain = len(counted)
        counted.clear()
        client.post(url, json={"name": "已勾选", "phone": "13900006022", "consent": True, "marketing_consent": True})
        ticked = len(counted)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert ticked <= plain + 1, (plain, ticked)
    assert len(_marketing("13900006022")) == 1


CSV = """name,phone,outlet,marketing_consent
张伟,13800138100,MI01,是
李静,13800138101,MI01,否
王芳,13800138102,MI01,1
赵磊,13800138103,MI01,
陈晨,13800138104,MI01,也许
"""


def test_import_records_and_withdraws_marketing_consent(app, make, tmp_path):
    make.outlet("MI01")
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["customers", "import", str(path)])
    assert "created 4, updated 0, errors 1" in result.output
    assert "row 6: 活动邀请" in result.output
    assert _holds("13800138100") and _holds("13800138102")
    assert not _holds("13800138101") and not _holds("13800138103")
    assert _marketing("13800138100")[0].channel == "import"
    # Re-importing: 是 again adds nothing, 否 withdraws the one held.
    path.write_text("name,phone,outlet,活动邀请\n张伟,13800138100,MI01,true\n王芳,13800138102,MI01,false\n",
                    encoding="utf-8")
    app.test_cli_runner().invoke(args=["customers", "import", str(path)])
    assert len(_marketing("13800138100")) == 1 and _holds("13800138100")
    assert not _holds("13800138102") and _marketing("13800138102")[0].withdrawn_at is not None


def test_xlsx_import_reads_the_column(client, auth, make):
    outlet = make.outlet("MX01")
    manager = make.user("manager", outlet=outlet)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号", "网点", "活动邀请"])
    sheet.append(["孙丽", 13300133100, "MX01", "是"])
    sheet.append(["周强", 13300133101, "MX01", 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    auth.login(manager.username)
    response = client.post("/customers/import", data={"file": (buffer, "list.xlsx"), "outlet_code": "MX01"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "新建 2" in response.get_data(as_text=True)
    assert _holds("13300133100") and not _holds("13300133101")

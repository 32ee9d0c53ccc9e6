"""Customer import from CSV/XLSX by page and by `flask customers import`."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook

from app.audit.models import AuditEntry
from app.customers.models import Customer
from app.extensions import db

CSV = """name,phone,outlet,segments,tier,owner
张伟,13800138000,IM01,family;young,gold,im.staff
,13800138001,IM01,,,
李静,12345,IM01,,,
王芳,+86 139-0013-9000,IM01,银发客群,白金,
赵磊,13700137000,NOPE,,,
陈晨,13600136000,IM01,astronauts,,
"""


def _setup(make):
    outlet = make.outlet("IM01")
    make.user("staff", outlet=outlet, username="im.staff")
    return outlet


def test_cli_import_reports_bad_rows_by_number_and_imports_the_good_ones(app, make, tmp_path):
    _setup(make)
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["customers", "import", str(path)])
    assert result.exit_code == 1  # some rows were bad
    assert "created 2, updated 0, errors 4" in result.output
    assert "row 3: 姓名：请填写姓名" in result.output
    assert "row 4: 手机号" in result.output
    assert "row 6: 网点：网点不存在" in result.output
    assert "row 7: 客群：未知客群：astronauts" in result.output
    people = {c.name: c for c in db.session.scalars(sa.select(Customer))}
    assert set(people) == {"张伟", "王芳"}
    assert people["张伟"].segments == ["family", "young"] and people["张伟"].owner.username == "im.staff"
    assert people["王芳"].phone == "13900139000" and people["王芳"].tier == "platinum"
    assert people["王芳"].segments == ["elderly"]


def test_reimport_updates_instead_of_duplicating(app, make, tmp_path):
    _setup(make)
    path = tmp_path / "c.csv"
    path.write_text("name,phone,outlet,tier\n张伟,13800138000,IM01,standard\n", encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["customers", "import", str(path)]).exit_code == 0
    path.write_text("name,phone,outlet,tier\n张伟,138 0013 8000,IM01,diamond\n", encoding="utf-8")
    result = runner.invoke(args=["customers", "import", str(path)])
    assert "created 0, updated 1, errors 0" in result.output
    customer = db.session.scalars(sa.select(Customer)).one()
    assert customer.tier == "diamond"


def test_gbk_csv_from_excel_and_default_outlet_option(app, make, tmp_path):
    _setup(make)
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,手机号,客群\n刘洋,13500135000,代发工资客户\n".encode("gbk"))
    result = app.test_cli_runner().invoke(args=["customers", "import", str(path), "--outlet", "IM01"])
    assert result.exit_code == 0, result.output
    customer = db.session.scalars(sa.select(Customer)).one()
    assert customer.name == "刘洋" and customer.segments == ["payroll"]


def test_xlsx_upload_page_shows_a_result_per_row(client, auth, make):
    manager = make.user("manager", outlet=_setup(make), username="im.manager")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "phone", "outlet", "segments"])
    sheet.append(["孙丽", 13300133000, "IM01", "vip"])  # Excel stores the number as a number
    sheet.append(["周强", "bad", "IM01", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    auth.login(manager.username)
    response = client.post("/customers/import", data={"file": (buffer, "list.xlsx"), "outlet_code": "IM01"},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "新建 1 · 更新 0 · 错误 1" in html
    assert "孙丽" in html and "周强" in html
    assert db.session.scalar(sa.select(Customer.phone)) == "13300133000"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "customers_imported"))
    assert entry.actor_username == "im.manager" and entry.details["errors"] == 1


def test_an_unreadable_file_is_refused_with_a_reason(client, auth, make):
    outlet = _setup(make)
    make.user("manager", outlet=outlet, username="im.mgr")
    auth.login("im.mgr")
    response = client.post("/customers/import", data={"file": (io.BytesIO(b"not a zip"), "x.xlsx"),
                                                      "outlet_code": "IM01"}, content_type="multipart/form-data")
    assert "无法读取 XLSX 文件" in response.get_data(as_text=True)


def test_staff_cannot_import(client, auth, make):
    _setup(make)
    auth.login("im.staff")
    assert client.get("/customers/import").status_code == 403

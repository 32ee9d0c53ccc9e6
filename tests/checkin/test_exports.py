"""The sign-in sheet (PDF) and the registrations workbook (XLSX): content, order, access, audit."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.audit.models import AuditEntry
from app.checkin import services
from app.events.registration import cancel_registration
from app.extensions import db
from app.names import index_letter, sort_key
from app.templating import format_dt


@pytest.mark.parametrize("names, ordered", [
    (["张伟", "安雅", "王芳"], ["安雅", "王芳", "张伟"]),
    (["曾小贤", "张三", "蔡明"], ["蔡明", "曾小贤", "张三"]),        # 曾 is Zēng as a family name, not céng
    (["单田芳", "陈红", "沙宝亮"], ["陈红", "沙宝亮", "单田芳"]),    # 单 is Shàn
    (["欧阳娜娜", "欧文", "区志"], ["区志", "欧文", "欧阳娜娜"]),    # 区 is Ōu; ou < ouyang
    (["章子怡", "张一", "张二"], ["张二", "张一", "章子怡"]),        # the same surname stays together
])
def test_names_sort_by_the_pinyin_of_the_family_name(names, ordered):
    assert sorted(names, key=sort_key) == ordered


def test_index_letters():
    assert [index_letter(n) for n in ("曾小贤", "欧阳娜娜", "单田芳", "Tom", "1号")] == ["Z", "O", "S", "T", "#"]


NAMES = ["张伟", "安雅", "王小明", "曾小贤", "单田芳", "欧阳娜娜", "李雷", "章子怡"]


def _fill(make, event, n: int):
    for i in range(n):
        name = NAMES[i] if i < len(NAMES) else f"{'赵钱孙李周吴郑王'[i % 8]}测{i:03d}"
        make.registration(event, name=name, phone=f"1391000{i:04d}", party_size=1 + i % 3)


def test_the_sign_in_sheet_lists_confirmed_people_by_pinyin_with_a_header_on_every_page(client, auth, make, door):
    event = make.event(door.outlet, starts_in_days=0, title="重阳健康讲座（测试）", capacity=200, max_party_size=3)
    _fill(make, event, 70)
    cancelled = make.registration(event, name="退票人", phone="13919999999")
    cancel_registration(cancelled)
    db.session.commit()
    auth.login("ck.staff")
    response = client.get(f"/events/{event.id}/signin-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    text = "\n".join(pages)
    assert "签到表" in pages[0] and "重阳健康讲座（测试）" in pages[0] and "网点二楼（测试）" in pages[0]
    for page in pages:
        assert "姓名" in page and "手机尾号" in page and "签名" in page  # the header repeats
        assert "重阳健康讲座（测试）" in page                                # and the title runs along the top
    expected = ("安雅", "李雷", "欧阳娜娜", "单田芳", "王小明", "曾小贤", "张伟", "章子怡")
    positions = [text.index(name) for name in expected]
    assert positions == sorted(positions)
    assert "退票人" not in text
    assert "已确认 70 份报名" in pages[0]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.details == {"file": "signin-sheet.pdf", "rows": 70} and entry.actor_username == "ck.staff"


def test_the_sheet_shows_who_already_checked_in_and_how(client, auth, door):
    scanned, looked_up, linked = door.registrations
    services.check_in(scanned, method="scan")
    services.check_in(looked_up, method="search")
    services.check_in(linked, method="link")
    walk_in = services.walk_in(door.event, name="韩梅梅", phone="13900007777").registration
    db.session.commit()
    auth.login("ck.staff")
    text = PdfReader(io.BytesIO(client.get(f"/events/{door.event.id}/signin-sheet.pdf").data)).pages[0].extract_text()
    at = format_dt(scanned.checked_in_at, "%H:%M")
    assert at in text
    assert walk_in.name in text
    # Each check-in says how it happened: one scan, one look-up, one link, one walk-in registration.
    assert [text.count(label) for label in ("扫码签到", "查找签到", "链接签到", "现场登记")] == [1, 1, 1, 1]
    assert "已扫码签到" not in text


def test_the_workbook_has_every_registration_with_check_in_referrer_and_answers(client, auth, make, door):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number"},
                 {"key": "diet", "label": "饮食", "type": "multi", "options": ["无", "素食", "不吃坚果"]}]
    event = make.event(door.outlet, starts_in_days=0, capacity=2, questions=questions, max_party_size=2)
    first = make.registration(event, name="=HYPERLINK(\"http://x\")", phone="13920000001",
                              answers={"kids": "6", "diet": ["素食", "不吃坚果"]}, ref=door.staff.referral_code)
    make.registration(event, name="韩梅梅", phone="13920000002", answers={"kids": "8"})
    make.registration(event, name="候补者", phone="13920000003", answers={"kids": "3"})
    services.check_in(first, method="scan")
    services.walk_in(event, name="路人", phone="13920000004", over_capacity=True)
    db.session.commit()
    auth.login("ck.staff")
    response = client.get(f"/events/{event.id}/registrations.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:12] == ["序号", "姓名", "手机号", "人数", "状态", "来源", "新客", "报名时间", "签到时间", "签到方式",
                           "推荐人", "超额入场"]
    assert header[12:] == ["孩子年龄", "饮食"]
    by_phone = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(by_phone) == 4
    one = by_phone["13920000001"]
    assert one["姓名"] == "=HYPERLINK(\"http://x\")"  # stays text, never a formula
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert one["签到方式"] == "扫码" and one["签到时间"] is not None and one["推荐人"] == "门口小李"
    assert one["饮食"] == "素食、不吃坚果" and one["孩子年龄"] == "6"
    assert by_phone["13920000003"]["状态"] == "候补" and by_phone["13920000003"]["签到时间"] is None
    walk_in = by_phone["13920000004"]
    assert walk_in["来源"] == "现场报名" and walk_in["签到方式"] == "现场报名" and walk_in["超额入场"] == "是"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.details == {"file": "registrations.xlsx", "rows": 4}


def test_files_need_the_outlets_staff_or_an_admin(client, auth, make, door):
    make.user("admin", username="ck.admin")
    auth.login("ck.admin")
    assert client.get(f"/events/{door.event.id}/registrations.xlsx").status_code == 200
    auth.logout()
    assert client.get(f"/events/{door.event.id}/signin-sheet.pdf").status_code == 302  # to the login page
    partner = make.token_headers(make.user("partner"))
    assert client.get(f"/events/{door.event.id}/signin-sheet.pdf", headers=partner).status_code == 403
    assert client.get(f"/events/{door.event.id}/registrations.xlsx", headers=door.headers).status_code == 200


FORMULA = '=HYPERLINK("http://x","y")'


def test_no_cell_of_the_workbook_runs_as_a_formula(client, auth, make, door):
    # A question label (staff-written), an answer, a name and a referrer name (customer-written).
    questions = [{"key": "note", "label": FORMULA, "type": "text"}]
    event = make.event(door.outlet, capacity=5, questions=questions)
    referrer = make.customer(door.outlet, name="@SUM(1+1)", phone="13920000009")
    make.registration(event, name="+1+cmd|' /C calc'!A0", phone="13920000011", answers={"note": FORMULA},
                      ref=referrer.referral_code)
    db.session.commit()
    auth.login("ck.staff")
    response = client.get(f"/events/{event.id}/registrations.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    for text in (FORMULA, "@SUM(1+1)", "+1+cmd|' /C calc'!A0"):
        assert cells[text].data_type == "s", text  # the text as typed, a string cell, never a formula
        assert cells[text].quotePrefix, text       # and it stays text when someone edits it in Excel
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

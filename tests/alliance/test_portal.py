"""The partner portal: landing, typed redemption pages, statistics, statements; nothing else reachable."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from pypdf import PdfReader

from app.extensions import db
from app.models import utcnow
from app.timefmt import local_today, to_local
from tests.alliance.conftest import attach, make_offer, vouchers_of
from tests.static_urls import undigested


def test_a_partner_user_lands_on_the_portal(client, auth, scene):
    response = auth.login("bake.counter")
    assert response.status_code == 303 and response.headers["Location"].endswith("/partner")
    assert client.get("/").headers["Location"].endswith("/partner")
    html = client.get("/partner").get_data(as_text=True)
    assert "扫码核销" in html and "输入券码" in html and "麦香坊烘焙（测试）" in html


def test_typing_a_code_shows_the_answer_large(client, auth, scene):
    auth.login("bake.counter")
    code = scene.voucher.code
    ok = client.post("/partner/redeem", data={"code": f"{code[:4]} {code[4:]}".lower(), "amount_spent": "88"})
    html = ok.get_data(as_text=True)
    assert ok.status_code == 201
    assert "redeem-result--ok" in html and "核销成功" in html and "张**" in html and "138****1234" in html
    assert "消费 ¥88.00" in html and "13812341234" not in html
    again = client.post("/partner/redeem", data={"code": code})
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and "redeem-result--used" in html and "已使用" in html
    assert to_local(db.session.get(type(scene.voucher), scene.voucher.id).redeemed_at).strftime("%H:%M") in html
    unknown = client.post("/partner/redeem", data={"code": "ACDEFGHJK"})
    assert unknown.status_code == 404 and "redeem-result--bad" in unknown.get_data(as_text=True)
    bad_amount = client.post("/partner/redeem", data={"code": code, "amount_spent": "lots"})
    assert bad_amount.status_code == 422 and "应为金额" in bad_amount.get_data(as_text=True)


def test_the_scanner_page_uses_the_shared_component(client, auth, scene):
    auth.login("bake.counter")
    html = undigested(client.get("/partner/scan").get_data(as_text=True))
    for asset in ("vendor/qr-scanner/qr-scanner.umd.min.js", "js/scanner.js", "js/partner-scan.js"):
        assert asset in html
    assert 'name="csrf-token"' in html and "/api/v1/partner/redemptions" in html
    assert "<script>" not in html and 'style="' not in html


def _history(scene, make, redeemed: int, more_registrations: int = 4):
    """More holders for the scene's offer and a second offer at another event; redeem the first `redeemed`."""
    regs = [make.registration(scene.event, name=f"李{i}", phone=f"1390000{i:04d}") for i in range(more_registrations)]
    second = make_offer(scene.partner, title="咖啡买一送一（测试）")
    other_event = make.event(title="理财沙龙（测试）")
    attach(other_event, second)
    make.registration(other_event, name="王五", phone="13700001111")
    vouchers = [scene.voucher] + [vouchers_of(r)[0] for r in regs]
    for v in vouchers[:redeemed]:
        v.redeemed_at = utcnow() - timedelta(minutes=5)
        v.redeemed_by_id = scene.partner_user.id
    db.session.commit()
    return vouchers


def test_stats_api_counts_by_offer_event_and_day_without_personal_data(client, scene, make):
    _history(scene, make, redeemed=2)
    response = client.get("/api/v1/partner/stats?days=7", headers=make.token_headers(scene.partner_user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["issued"] == 6 and body["redeemed"] == 2 and body["redemption_rate"] == 0.3333
    by_offer = {o["title"]: (o["issued"], o["redeemed"]) for o in body["offers"]}
    assert by_offer == {scene.offer.title: (5, 2), "咖啡买一送一（测试）": (1, 0)}
    by_event = {e["title"]: (e["issued"], e["redeemed"]) for e in body["events"]}
    assert by_event == {"测试活动（测试）": (5, 2), "理财沙龙（测试）": (1, 0)}
    assert len(body["daily"]) == 7 and body["daily"][-1]["date"] == local_today().isoformat()
    assert sum(d["redeemed"] for d in body["daily"]) == 2 and sum(d["issued"] for d in body["daily"]) == 6
    text = response.get_data(as_text=True)
    for secret in ("13812341234", "138****", "张", "李", "phone", "customer"):
        assert secret not in text


def test_a_partner_sees_only_its_own_figures(client, scene, make):
    _history(scene, make, redeemed=1)
    stranger = make.user("partner", partner=make.partner(category="cafe"))
    body = client.get("/api/v1/partner/stats", headers=make.token_headers(stranger)).get_json()
    assert body["issued"] == 0 and body["offers"] == [] and body["events"] == []


def test_stats_page_draws_the_chart_and_lists_masked_redemptions(client, auth, scene, make):
    _history(scene, make, redeemed=3)
    auth.login("bake.counter")
    html = undigested(client.get("/partner/stats").get_data(as_text=True))
    assert 'id="daily-chart"' in html and "vendor/echarts/echarts.min.js" in html and "js/partner-stats.js" in html
    assert "data-chart=" in html and "&#34;redeemed&#34;" in html
    assert "张**" in html and "138****1234" in html and "13812341234" not in html and "张三丰" not in html
    assert "李*<" in html or "李* " in html or "李*\n" in html  # 李0: a two-character name, one star
    assert "李**" not in html
    month = f"{local_today():%Y-%m}"
    assert f"/partner/statements/{month}.csv" in html and f"/partner/statements/{month}.pdf" in html


def test_monthly_statement_csv_and_pdf_are_masked_and_add_up(client, auth, scene, make):
    scene.offer.value = 30
    scene.offer.cost_share = "shared"
    scene.offer.bank_share_percent = 50
    vouchers = _history(scene, make, redeemed=2)
    vouchers[0].amount_spent = 100
    db.session.commit()
    auth.login("bake.counter")
    month = f"{to_local(vouchers[0].redeemed_at):%Y-%m}"
    response = client.get(f"/partner/statements/{month}.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "核销时间" and len(rows) == 1 + 2 + 2  # header, two redemptions, blank, total
    assert {rows[1][4], rows[2][4]} == {"张**", "李*"} and rows[1][5].count("*") == 4
    assert rows[-1][6] == "60.00" and rows[-1][8] == "30.00" and rows[-1][9] == "100.00"
    assert "13812341234" not in text and "13900000000" not in text
    pdf = client.get(f"/partner/statements/{month}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "联盟优惠核销对账单" in extracted and "张**" in extracted and "13812341234" not in extracted
    assert client.get("/partner/statements/2026-13.csv").status_code == 404
    assert client.get("/partner/statements/latest.pdf").status_code == 404


def test_a_statement_of_a_quiet_month_is_empty_but_valid(client, auth, scene):
    auth.login("bake.counter")
    response = client.get("/partner/statements/2025-01.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert response.status_code == 200 and rows[-1][1] == "核销 0 张"


def test_no_cell_of_the_statement_csv_runs_as_a_formula(client, auth, scene, make):
    formula = '=HYPERLINK("http://x","y")'
    scene.offer.title = formula
    scene.event.title = "@SUM(1+1)"
    scene.registration.name = "=张三"  # shown masked: "=**"
    scene.voucher.redeemed_at = utcnow() - timedelta(minutes=5)
    scene.voucher.redeemed_by_id = scene.partner_user.id
    db.session.commit()
    auth.login("bake.counter")
    month = f"{to_local(scene.voucher.redeemed_at):%Y-%m}"
    response = client.get(f"/partner/statements/{month}.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[1][2] == "'" + formula and rows[1][3] == "'@SUM(1+1)"
    assert rows[1][4].startswith("'=")
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)

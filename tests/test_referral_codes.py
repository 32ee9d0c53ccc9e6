"""Staff and customers share one referral-code space (app/referral_codes.py): a ?ref= names one person."""

from __future__ import annotations

from app import referral_codes


def _offer(monkeypatch, codes: list[str]) -> None:
    offered = iter(codes)
    monkeypatch.setattr("app.referral_codes.readable_code", lambda _length: next(offered))


def test_both_code_columns_are_in_the_one_space(app):
    assert set(referral_codes._columns) == {"users", "customers"}


def test_a_new_staff_login_never_gets_a_code_a_customer_or_colleague_has(make, monkeypatch):
    outlet = make.outlet()
    colleague = make.user("staff", outlet=outlet)
    known = make.customer(outlet, name="老客户", phone="13800000091")
    _offer(monkeypatch, [known.referral_code, colleague.referral_code, "FRESH345"])
    assert make.user("staff", outlet=outlet).referral_code == "FRESH345"


def test_a_new_customer_never_gets_a_code_a_staff_member_or_customer_has(make, monkeypatch):
    outlet = make.outlet()
    staff = make.user("staff", outlet=outlet)
    known = make.customer(outlet, name="老客户", phone="13800000092")
    _offer(monkeypatch, [staff.referral_code, known.referral_code, "FRESH346"])
    assert make.customer(outlet, name="新客户", phone="13800000093").referral_code == "FRESH346"

"""The check-in service: every result code, the retry path, undo, walk-ins and vouchers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from app.alliance.models import Voucher
from app.audit.models import AuditEntry
from app.checkin import services
from app.checkin.errors import EventNotOpen, NotCheckedIn, NotConfirmed, WrongEvent
from app.checkin.models import CheckIn
from app.errors import Forbidden, NotFound, ValidationFailed
from app.events import services as event_services
from app.events.errors import EventFull
from app.events.registration import cancel_registration
from app.extensions import db
from tests.checkin.conftest import add_offer


def _rows(registration) -> list[CheckIn]:
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.registration_id == registration.id)
                                   .order_by(CheckIn.id)))


def test_the_first_check_in_writes_history_and_state_and_a_repeat_writes_nothing(door):
    registration = door.registrations[0]
    first = services.check_in(registration, method="scan", device="scanner a1")
    db.session.commit()
    assert first.result == "checked_in" and first.created and not first.replayed
    assert registration.checked_in_at is not None and registration.checkin_method == "scan"
    again = services.check_in(registration, method="search")
    db.session.commit()
    assert again.result == "already_checked_in" and again.checkin_id is None
    rows = _rows(registration)
    assert [(r.kind, r.method, r.device) for r in rows] == [("checkin", "scan", "scanner a1")]
    db.session.expire_all()
    assert registration.checkin_method == "scan"  # the repeat did not overwrite the first method


def test_a_retry_with_the_same_nonce_gets_the_first_answer(door):
    registration = door.registrations[0]
    first = services.check_in(registration, nonce="nonce-0001-abcd")
    db.session.commit()
    retry = services.check_in(registration, nonce="nonce-0001-abcd")
    assert retry.result == "checked_in" and retry.replayed and retry.checkin_id == first.checkin_id
    other_nonce = services.check_in(registration, nonce="nonce-0002-abcd")
    assert other_nonce.result == "already_checked_in"
    with pytest.raises(ValidationFailed) as reused:
        services.check_in(door.registrations[1], nonce="nonce-0001-abcd")
    assert "nonce" in reused.value.fields
    assert len(_rows(registration)) == 1


def test_waitlisted_and_cancelled_registrations_are_not_confirmed(make, door):
    full = make.event(door.outlet, starts_in_days=0, capacity=1, waitlist=True)
    make.registration(full, name="甲")
    waiting = make.registration(full, name="乙")
    assert waiting.status == "waitlisted"
    with pytest.raises(NotConfirmed) as refused:
        services.check_in(waiting)
    assert refused.value.status == 409 and refused.value.extra["status"] == "waitlisted"
    cancelled = door.registrations[1]
    cancel_registration(cancelled)
    db.session.commit()
    with pytest.raises(NotConfirmed) as refused:
        services.check_in(cancelled)
    assert refused.value.message == "已取消报名，不能签到"
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_a_cancelled_event_admits_nobody(door):
    event_services.cancel_event(door.event)
    db.session.commit()
    with pytest.raises(EventNotOpen):
        services.check_in(door.registrations[0])


def test_the_scanner_of_one_event_refuses_a_ticket_of_another(make, door):
    other = make.event(door.outlet, starts_in_days=0, title="另一场（测试）")
    with pytest.raises(WrongEvent) as wrong:
        services.check_in(door.registrations[0], event_id=other.id)
    assert "理财沙龙（测试）" in wrong.value.message and wrong.value.extra["event"]["id"] == door.event.id


@pytest.mark.parametrize("scanned, found", [
    ("{token}", True),
    ("https://events.example.cn/t/{token}", True),
    ("http://127.0.0.1:5000/t/{token}/", True),
    ("https://events.example.cn/t/{token}?from=wechat", True),
    ("{token}x", False),                                  # tampered: one character more
    ("https://events.example.cn/e/{token}", False),       # a registration link, not a ticket
    ("", False),
    ("'; DROP TABLE registrations; --", False),
])
def test_tickets_are_read_from_tokens_and_urls_and_tampering_is_not_found(door, scanned, found):
    token = door.registrations[0].ticket_token
    text = scanned.format(token=token)
    if found:
        assert services.registration_for_scan(text).id == door.registrations[0].id
    else:
        with pytest.raises(NotFound):
            services.registration_for_scan(text)


def test_a_changed_character_in_a_real_token_is_not_found(door):
    token = door.registrations[0].ticket_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(NotFound):
        services.registration_for_scan(tampered)


def test_another_outlets_ticket_is_forbidden_for_its_staff(make, door):
    g.acting_user = make.user("staff", outlet=make.outlet("CK9"))
    with pytest.raises(Forbidden):
        services.registration_for_scan(door.registrations[0].ticket_token)


def test_undo_is_its_own_history_row_and_audited_and_the_ticket_works_again(door):
    registration = door.registrations[0]
    services.check_in(registration)
    db.session.commit()
    services.undo_check_in(registration, reason="扫错人")
    db.session.commit()
    assert registration.checked_in_at is None and registration.checkin_method is None
    with pytest.raises(NotCheckedIn):
        services.undo_check_in(registration)
    again = services.check_in(registration, method="search")
    db.session.commit()
    assert again.result == "checked_in"
    assert [(r.kind, r.method) for r in _rows(registration)] == [("checkin", "scan"), ("undo", "scan"),
                                                                 ("checkin", "search")]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "checkin_undone"))
    assert entry.details["reason"] == "扫错人" and entry.details["name"] == "王**"


def test_check_in_issues_the_check_in_vouchers_once(make, door):
    add_offer(door.event, make.partner())
    registration = door.registrations[0]
    services.check_in(registration)
    services.check_in(registration)
    db.session.commit()
    vouchers = db.session.scalars(sa.select(Voucher).where(Voucher.registration_id == registration.id)).all()
    assert len(vouchers) == 1


def test_a_walk_in_is_registered_and_checked_in_in_one_step(door):
    result = services.walk_in(door.event, name="路人甲", phone="139 0000 8888", party_size=2)
    db.session.commit()
    registration = result.registration
    assert result.created and result.outcome.result == "checked_in"
    assert registration.source == "walk_in" and registration.status == "confirmed"
    assert registration.checkin_method == "walk_in" and registration.consent_version is None
    assert not registration.over_capacity
    assert event_services.event_counts(door.event)["walk_ins"] == 1


def test_a_walk_in_past_capacity_needs_the_explicit_choice_which_is_recorded(make, door):
    event = make.event(door.outlet, starts_in_days=0, capacity=2, waitlist=True)
    make.registration(event, name="甲", party_size=1)
    make.registration(event, name="乙", party_size=1)
    with pytest.raises(EventFull):
        services.walk_in(event, name="路人乙", phone="13900007777")
    db.session.rollback()
    result = services.walk_in(event, name="路人乙", phone="13900007777", over_capacity=True)
    db.session.commit()
    assert result.registration.over_capacity and result.registration.status == "confirmed"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "walk_in_over_capacity"))
    assert entry.details == {"registration": result.registration.id, "party_size": 1, "capacity": 2}


def test_a_walk_in_who_had_registered_is_simply_checked_in(door):
    registered = door.registrations[1]
    result = services.walk_in(door.event, name="曾国藩", phone=registered.phone)
    db.session.commit()
    assert not result.created and result.registration.id == registered.id
    assert result.outcome.result == "checked_in" and registered.checkin_method == "search"


def test_walk_in_input_errors_name_each_field(door):
    with pytest.raises(ValidationFailed) as bad:
        services.walk_in(door.event, name="", phone="12345", party_size=9)
    assert set(bad.value.fields) == {"name", "phone", "party_size"}

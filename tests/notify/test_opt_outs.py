"""Opt-outs: recorded once per phone, asked one by one or in bulk, announced to the features above."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.notify import signals
from app.notify.models import OptOut
from app.notify.services import is_opted_out, opted_out_phones, record_opt_out
from app.unit_of_work import transaction


def test_record_opt_out_is_idempotent_and_announced():
    heard = []

    def receiver(_sender, phone):
        heard.append(phone)

    signals.phone_opted_out.connect(receiver)
    try:
        with transaction():
            first = record_opt_out("13800138000", "T")
        with transaction():
            again = record_opt_out("13800138000", "退订")
    finally:
        signals.phone_opted_out.disconnect(receiver)
    assert first.id == again.id and again.keyword == "T"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptOut)) == 1
    assert heard == ["13800138000", "13800138000"]
    assert is_opted_out("13800138000") and not is_opted_out("13900139000")
    assert opted_out_phones(["13900139000", "13800138000"]) == {"13800138000"}
    assert opted_out_phones([]) == set()

"""insert_with: a row and the rows that belong with it, in one round trip on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Consent, Customer
from app.database import insert_returning_id, insert_with
from app.extensions import db
from tests.conftest import DB_KIND

_CUSTOMER = ("outlet_id", "name", "phone", "phone_last4", "tier", "is_customer", "referral_code")


def _customer(outlet, phone: str) -> dict:
    return {"outlet_id": outlet.id, "name": "插入测试", "phone": phone, "phone_last4": phone[-4:], "tier": "standard",
            "is_customer": False, "referral_code": "IW" + phone[-6:]}


def _statements() -> list[str]:
    seen: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(sql))
    return seen


def test_dependent_rows_get_the_new_id_and_their_columns_defaults(make):
    values = _customer(make.outlet(), "13800000901")
    connection = db.session.connection()
    statements = _statements()
    new_id = insert_with(connection, insert_returning_id(Customer.__table__, _CUSTOMER), values, [
                             (Consent.__table__, "customer_id", {"purpose": "测试", "text_version": "v1",
                                                                 "channel": "test"}),
                             (AuditEntry.__table__, "object_id", {"action": "customer_created",
                                                                  "object_type": "customers"})])
    assert len(statements) == (1 if DB_KIND == "postgresql" else 3)
    db.session.commit()
    consent = db.session.scalars(sa.select(Consent)).one()
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert consent.customer_id == new_id and consent.given_at is not None  # given_at: the column's default
    assert entry.object_id == str(new_id) and entry.at is not None and entry.details == {}


def test_nothing_that_belongs_with_a_row_is_written_when_the_row_is_not(make):
    outlet = make.outlet()
    existing = make.customer(outlet, phone="13800000902")
    values = _customer(outlet, "13800000902")
    if DB_KIND == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Customer.__table__
    on_conflict = (insert(table).values({name: sa.bindparam(name, type_=table.c[name].type) for name in values})
                   .on_conflict_do_nothing().returning(table.c.id))
    new_id = insert_with(db.session.connection(), on_conflict, values, [
        (Consent.__table__, "customer_id", {"purpose": "测试", "text_version": "v1", "channel": "test"})])
    assert new_id is None
    assert [c.id for c in db.session.scalars(sa.select(Customer))] == [existing.id]
    assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0

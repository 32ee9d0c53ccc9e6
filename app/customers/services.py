"""Customer records: create or update by phone, search, consents."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.auth.models import User
from app.customers.models import Consent, Customer, CustomerSegment
from app.customers.phones import InvalidPhone, normalize_mobile
from app.database import Dependent, insert_returning_id, insert_with
from app.errors import ValidationFailed
from app.extensions import db
from app.input_guard import name_problem
from app.models import utcnow
from app.org import reference
from app.org.models import Outlet
from app.referral_codes import free_elsewhere, new_referral_code
from app.security import OUTLET_ROLES, ensure_outlet_in_scope, scope_to_outlets
from app.tokens import readable_code

MAX_NAME = 50


@dataclass
class CustomerInput:
    """What a person or an import row says about a customer, before validation."""

    name: str | None = None
    phone: str | None = None
    outlet_code: str | None = None
    segments: list[str] | str | None = None
    tier: str | None = None
    owner: str | None = None
    is_customer: bool | None = None
    note: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _split_segments(raw) -> list[str]:
    if raw is None:
        return []
    parts = raw.replace(";", ";").replace(",", ";").replace(",", ";").split(";") if isinstance(raw, str) else raw
    return [str(p).strip() for p in parts if str(p).strip()]


def validate(data: CustomerInput, *, partial: bool = False) -> dict:
    """Check every field and return clean values; raise ValidationFailed naming each bad field."""
    errors: dict[str, str] = {}
    clean: dict = {}
    name = (data.name or "").strip()
    if name:
        if len(name) > MAX_NAME:
            errors["name"] = _("姓名不超过 %(n)d 个字", n=MAX_NAME)
        elif problem := name_problem(name):
            errors["name"] = problem
        clean["name"] = name
    elif not partial:
        errors["name"] = _("请填写姓名")
    try:
        clean["phone"] = normalize_mobile(data.phone)
    except InvalidPhone:
        errors["phone"] = _("请填写有效的中国大陆手机号,如 13800138000")
    outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == (data.outlet_code or "").strip()))
    if outlet is None:
        errors["outlet_code"] = _("网点不存在") if data.outlet_code else _("请指定网点")
    clean["outlet"] = outlet
    if data.segments is not None:
        keys: list[str] = []
        bad: list[str] = []
        for raw in _split_segments(data.segments):
            key = reference.parse_key(reference.SEGMENTS, raw)
            (keys if key else bad).append(key or raw)
        if bad:
            errors["segments"] = _("未知客群:%(bad)s", bad="、".join(bad))
        clean["segments"] = keys
    if data.tier not in (None, ""):
        tier = reference.parse_key(reference.TIERS, data.tier)
        if tier is None:
            errors["tier"] = _("客户等级应为 普通/金卡/白金/钻石(standard/gold/platinum/diamond)")
        clean["tier"] = tier
    if data.owner not in (None, ""):
        owner = db.session.scalar(sa.select(User).where(User.username == data.owner.strip().lower()))
        if owner is None or owner.role not in OUTLET_ROLES or (outlet and owner.outlet_id != outlet.id):
            errors["owner"] = _("负责人应为本网点员工的用户名")
        clean["owner"] = owner
    if data.is_customer is not None:
        clean["is_customer"] = bool(data.is_customer)
    if data.note is not None:
        clean["note"] = data.note.strip()[:500] or None
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def find_by_phone(outlet_id: int, phone: str) -> Customer | None:
    return db.session.scalar(sa.select(Customer).where(Customer.outlet_id == outlet_id, Customer.phone == phone))


def upsert(data: CustomerInput, *, source: str = "staff") -> tuple[Customer, bool]:
    """Create a customer, or update the one with that phone in that outlet.

    Returns (customer, created). The outlet must be in the caller's scope.
    """
    clean = validate(data)
    outlet: Outlet = clean["outlet"]
    ensure_outlet_in_scope(outlet.id)
    customer = find_by_phone(outlet.id, clean["phone"])
    created = customer is None
    if customer is None:
        customer = Customer(outlet=outlet, phone=clean["phone"], phone_last4=clean["phone"][-4:],
                            name=clean["name"], referral_code=new_referral_code(),
                            is_customer=clean.get("is_customer", True), tier=clean.get("tier") or "standard")
        db.session.add(customer)
    changes = _apply(customer, clean)
    db.session.flush()
    if created or changes:
        audit.record("customer_created" if created else "customer_updated", obj=customer,
                     details={"source": source, "fields": sorted(changes)})
    return customer, created


def update(customer: Customer, data: CustomerInput) -> Customer:
    """Edit a customer from the form; a phone change must not collide with another record."""
    data.outlet_code = customer.outlet.code
    clean = validate(data)
    other = find_by_phone(customer.outlet_id, clean["phone"])
    if other is not None and other.id != customer.id:
        raise ValidationFailed(fields={"phone": _("本网点已有客户使用该手机号:%(name)s", name=other.name)})
    changes = _apply(customer, clean)
    db.session.flush()
    if changes:
        audit.record("customer_updated", obj=customer, details={"source": "staff", "fields": sorted(changes)})
    return customer


def _apply(customer: Customer, clean: dict) -> set[str]:
    changes: set[str] = set()
    for attr in ("name", "phone", "tier", "is_customer", "note"):
        if attr in clean and clean[attr] is not None and getattr(customer, attr) != clean[attr]:
            setattr(customer, attr, clean[attr])
            changes.add(attr)
    if "phone" in changes:
        customer.phone_last4 = customer.phone[-4:]
    if "owner" in clean and customer.owner_id != getattr(clean["owner"], "id", None):
        customer.owner = clean["owner"]
        changes.add("owner")
    if "segments" in clean and sorted(customer.segments) != sorted(clean["segments"]):
        customer.set_segments(clean["segments"])
        changes.add("segments")
    return changes


def search(q: str | None = None, *, phone: str | None = None, segment: str | None = None,
           outlet_id: int | None = None, is_customer: bool | None = None, limit: int = 50,
           offset: int = 0) -> list[Customer]:
    """Customers in the caller's outlets, by name, full phone or its last four digits."""
    stmt = scope_to_outlets(sa.select(Customer), Customer.outlet_id)
    if outlet_id is not None:
        stmt = stmt.where(Customer.outlet_id == outlet_id)
    if phone:
        try:
            stmt = stmt.where(Customer.phone == normalize_mobile(phone))
        except InvalidPhone:
            return []
    q = (q or "").strip()
    if q:
        if q.isdigit() and len(q) == 4:
            stmt = stmt.where(Customer.phone_last4 == q)
        elif q.isdigit() and len(q) == 11:
            stmt = stmt.where(Customer.phone == q)
        else:
            stmt = stmt.where(Customer.name.contains(q, autoescape=True))
    if segment:
        stmt = stmt.where(Customer.id.in_(sa.select(CustomerSegment.customer_id)
                                          .where(CustomerSegment.segment == segment)))
    if is_customer is not None:
        stmt = stmt.where(Customer.is_customer.is_(is_customer))
    stmt = stmt.order_by(Customer.name, Customer.id).limit(limit).offset(offset)
    return list(db.session.scalars(stmt))


def count_customers(outlet_id: int | None = None) -> int:
    stmt = scope_to_outlets(sa.select(sa.func.count(Customer.id)), Customer.outlet_id)
    if outlet_id is not None:
        stmt = stmt.where(Customer.outlet_id == outlet_id)
    return db.session.scalar(stmt) or 0


_CONSENT = insert_returning_id(Consent.__table__, ("customer_id", "purpose", "text_version", "channel", "given_at"))
_AUDIT_LOG = AuditEntry.__table__


def _consent_audit(outlet_id: int, consent: dict, customer_id: int | None = None) -> dict:
    return audit.entry_values("consent_recorded", object_type="customers", object_id=customer_id,
                              outlet_id=outlet_id, actor=None, details=dict(consent))


def record_consent(customer_id: int, outlet_id: int, *, purpose: str, text_version: str, channel: str) -> None:
    """Keep what the person agreed to, with the version of the text they saw, and audit it (written at once)."""
    consent = {"purpose": purpose, "text_version": text_version, "channel": channel}
    insert_with(db.session.connection(), _CONSENT, {**consent, "customer_id": customer_id, "given_at": utcnow()},
                [(_AUDIT_LOG, None, _consent_audit(outlet_id, consent, customer_id))])


_CUSTOMERS = Customer.__table__
# One record per mobile number per outlet: the condition that finds it, with :outlet_id and :phone bound.
SAME_PHONE_IN_OUTLET = sa.and_(_CUSTOMERS.c.outlet_id == sa.bindparam("outlet_id"),
                               _CUSTOMERS.c.phone == sa.bindparam("phone"))
_BY_PHONE = sa.select(_CUSTOMERS.c.id, _CUSTOMERS.c.is_customer).where(SAME_PHONE_IN_OUTLET)
_PROSPECT_COLUMNS = ("outlet_id", "name", "phone", "phone_last4", "tier", "is_customer", "referral_code",
                     "created_at", "updated_at")
REFERRAL_CODE_TRIES = 5


@cache
def _new_prospect(dialect: str):
    """INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING id, built once per dialect; each call binds values."""
    row = sa.select(*(sa.bindparam(name, type_=_CUSTOMERS.c[name].type) for name in _PROSPECT_COLUMNS)).where(
        # Staff and customers share one code space (a ?ref= names one of them); the unique
        # index keeps customers apart, this keeps a customer's code off every staff member's.
        free_elsewhere(_CUSTOMERS.c.referral_code, sa.bindparam("referral_code")))
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(_CUSTOMERS).from_select(list(_PROSPECT_COLUMNS), row)
            .on_conflict_do_nothing().returning(_CUSTOMERS.c.id))


def new_prospect(outlet_id: int, name: str, phone: str, *, consent: dict | None = None) -> tuple[int, bool]:
    """Create the prospect record for a registrant the outlet does not know yet; returns (id, was a customer).

    `consent` (purpose, text_version, channel) is recorded for the person with the
    record, in the same statement on PostgreSQL. The caller has looked the phone up
    already (registration does it in one statement with its other questions). Two
    registrations of the same new number at once (different events) both end with
    one record: the loser of the race gets the winner's. Core statements, no ORM
    objects: this runs for most public registrations.
    """
    connection = db.session.connection()
    insert = _new_prospect(connection.dialect.name)
    created = audit.entry_values("customer_created", object_type="customers", outlet_id=outlet_id,
                                 details={"source": "registration", "fields": ["name", "phone"]})
    with_it: list[Dependent] = [(_AUDIT_LOG, "object_id", created)]
    if consent:  # the consent and its audit entry carry the new record's id
        with_it += [(Consent.__table__, "customer_id", {**consent, "given_at": utcnow()}),
                    (_AUDIT_LOG, "object_id", _consent_audit(outlet_id, consent))]
    for _try in range(REFERRAL_CODE_TRIES):
        now = utcnow()
        customer_id = insert_with(connection, insert, {
            "outlet_id": outlet_id, "name": name, "phone": phone, "phone_last4": phone[-4:], "tier": "standard",
            "is_customer": False, "referral_code": readable_code(8), "created_at": now, "updated_at": now,
        }, with_it)
        if customer_id is not None:
            return customer_id, False
        # Nothing inserted: the same number was just added by another registration, or the code was taken.
        found = connection.execute(_BY_PHONE, {"outlet_id": outlet_id, "phone": phone}).first()
        if found is not None:
            if consent:
                record_consent(found.id, outlet_id, **consent)
            return found.id, found.is_customer
    raise RuntimeError("no free referral code after several tries")

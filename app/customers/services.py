"""Customer records: create or update by phone, search, consents."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, lazyload

from app.audit import services as audit
from app.auth.models import User
from app.customers.models import MARKETING_PURPOSE, MARKETING_TEXT_VERSION, Consent, Customer, CustomerSegment
from app.customers.phones import InvalidPhone, normalize_mobile
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
    # Marketing consent as an import row records it: 是/否, 1/0, true/false, yes/no; None leaves it as it is.
    marketing_consent: bool | str | None = None
    errors: dict[str, str] = field(default_factory=dict)


YES = {"是", "1", "true", "yes", "y", "同意", "有"}
NO = {"否", "0", "false", "no", "n", "不同意", "无"}


def parse_yes_no(raw) -> bool | None:
    """是/否, 1/0, true/false, yes/no (any case) as a bool; None for an empty cell; ValueError otherwise."""
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(text)


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
        errors["phone"] = _("请填写有效的中国大陆手机号，如 13800138000")
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
            errors["segments"] = _("未知客群：%(bad)s", bad="、".join(bad))
        clean["segments"] = keys
    if data.tier not in (None, ""):
        tier = reference.parse_key(reference.TIERS, data.tier)
        if tier is None:
            errors["tier"] = _("客户等级应为 普通/金卡/白金/钻石（standard/gold/platinum/diamond）")
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
    try:
        marketing = parse_yes_no(data.marketing_consent)
    except ValueError:
        errors["marketing_consent"] = _("活动邀请同意应填 是/否（或 1/0、true/false）")
    else:
        if marketing is not None:
            clean["marketing_consent"] = marketing
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
    if "marketing_consent" in clean and set_marketing_consent(customer, clean["marketing_consent"], channel=source):
        changes.add("marketing_consent")
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
        raise ValidationFailed(fields={"phone": _("本网点已有客户使用该手机号：%(name)s", name=other.name)})
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
    # count(*), not count(id): PostgreSQL then answers from the outlet index alone (an index-only scan)
    # instead of visiting every customer row of the outlet.
    stmt = scope_to_outlets(sa.select(sa.func.count()).select_from(Customer), Customer.outlet_id)
    if outlet_id is not None:
        stmt = stmt.where(Customer.outlet_id == outlet_id)
    return db.session.scalar(stmt) or 0


def record_consent(customer: Customer, *, purpose: str, text_version: str, channel: str,
                   marketing: bool = False) -> Consent:
    """Keep what the person agreed to, with the version of the text they saw, and audit it (at the next flush).

    `marketing`: the person also ticked the separate box for the outlet's invitations; its own consent row is
    written beside (the same audit entry names it), so a registration that ticks it costs one more row only.
    """
    # By id, not through the relationship: the customer's consents are not loaded for this, and appending
    # to them would cost the unit of work a collection to track (the registration hot path).
    consent = Consent(customer_id=customer.id, purpose=purpose, text_version=text_version, channel=channel)
    db.session.add(consent)
    details = {"purpose": purpose, "text_version": text_version, "channel": channel}
    if marketing:
        db.session.add(Consent(customer_id=customer.id, purpose=MARKETING_PURPOSE, text_version=MARKETING_TEXT_VERSION,
                               channel=channel))
        details["marketing"] = MARKETING_TEXT_VERSION
    audit.record("consent_recorded", obj=customer, actor=None, details=details)
    return consent


def record_marketing_consent(customer: Customer, *, channel: str,
                             text_version: str = MARKETING_TEXT_VERSION) -> Consent:
    """The separate consent to receive the outlet's invitations (written at the next flush, no read)."""
    return record_consent(customer, purpose=MARKETING_PURPOSE, text_version=text_version, channel=channel)


def set_marketing_consent(customer: Customer, given: bool, *, channel: str) -> bool:
    """Make the customer's marketing consent what a trusted source (an import) says; whether anything changed.

    Given: a consent row unless one is held already. Not given: every held one is withdrawn
    (`withdrawn_at`), as the person withdrawing it would.
    """
    held = list(db.session.scalars(sa.select(Consent).where(
        Consent.customer_id == customer.id, Consent.purpose == MARKETING_PURPOSE, Consent.withdrawn_at.is_(None))))
    if given and not held:
        record_marketing_consent(customer, channel=channel)
        return True
    if not given and held:
        now = utcnow()
        for consent in held:
            consent.withdrawn_at = now
        audit.record("consent_withdrawn", obj=customer, details={"purpose": MARKETING_PURPOSE, "channel": channel})
        return True
    return False


REFERRAL_CODE_TRIES = 5


# Registration never reads a customer's segments: they are not loaded with the record (a query each).
_NO_SEGMENTS = lazyload(Customer.segment_rows)


_PROSPECT_COLUMNS = ("outlet_id", "name", "phone", "phone_last4", "tier", "is_customer", "referral_code")


def _registrant(outlet_id: int, phone: str) -> Customer | None:
    return db.session.scalar(sa.select(Customer).where(Customer.outlet_id == outlet_id, Customer.phone == phone)
                             .options(_NO_SEGMENTS))


@functools.cache
def _prospect_insert(dialect: str):
    """INSERT a prospect unless the number has a record (ON CONFLICT DO NOTHING), RETURNING it.

    Staff and customers share one code space (a ?ref= names one of them); the unique index keeps
    customers apart, the WHERE keeps a customer's code off every staff member's. Built once per
    dialect with bind parameters, so SQLAlchemy reuses its compiled form and cache key.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    code = sa.bindparam("code", type_=sa.String)
    new_row = sa.select(sa.bindparam("outlet_id", type_=sa.Integer), sa.bindparam("name", type_=sa.String),
                        sa.bindparam("phone", type_=sa.String), sa.bindparam("phone_last4", type_=sa.String),
                        sa.literal("standard", sa.String), sa.literal(False, sa.Boolean), code) \
        .where(free_elsewhere(Customer.__table__.c.referral_code, code))
    table = Customer.__table__
    inserted = insert(table).from_select(_PROSPECT_COLUMNS, new_row).on_conflict_do_nothing().returning(*table.c)
    # The RETURNING row becomes the ORM record (in the identity map), as `insert(Customer).returning(Customer)`
    # would; spelt with from_statement because the values are bind parameters, not ORM bulk rows.
    return sa.select(Customer).from_statement(inserted).options(_NO_SEGMENTS)


def find_or_create_prospect(outlet_id: int, name: str, phone: str) -> tuple[Customer, bool]:
    """The outlet's record for a registrant's phone, or a new prospect record; returns (record, was a customer).

    The staff-maintained name of a known customer is not overwritten by what a registrant
    typed. Two registrations of the same new number at once (different events, so
    different locks) both end with one record: the insert does nothing on a conflict
    and the loser of the race reads the winner's record.

    A new registrant costs one round trip: the INSERT comes first and carries the
    code-space check in its SELECT; a known number costs two (the INSERT that does
    nothing, then the read).
    """
    statement = _prospect_insert(db.session.connection().dialect.name)
    for _try in range(REFERRAL_CODE_TRIES):
        customer = db.session.scalar(statement, {"outlet_id": outlet_id, "name": name, "phone": phone,
                                                 "phone_last4": phone[-4:], "code": readable_code(8)})
        if customer is not None:
            audit.record("customer_created", obj=customer,
                         details={"source": "registration", "fields": ["name", "phone"]})
            return customer, False
        # Nothing inserted: the number has a record already (or just got one), or the code was taken.
        customer = _registrant(outlet_id, phone)
        if customer is not None:
            return customer, customer.is_customer
    raise RuntimeError("no free referral code after several tries")



def marketing_withdrawn(customer_ids: list[int]) -> set[int]:
    """Those of `customer_ids` who withdrew marketing consent: a withdrawn row and no standing one.

    Follow-up outreach skips them (finishing an event closes their items as `consent_withdrawn`).
    """
    if not customer_ids:
        return set()
    # A standing consent of the same customer (NOT EXISTS, by ix_consents_customer_id): a NOT IN over every
    # standing marketing consent of the database read all of them (400,000 at branch scale: 190–380 ms of a
    # 2,000-attendee finish, and a JIT compilation its estimated cost set off), against 4 ms this way.
    standing = aliased(Consent)
    rows = db.session.scalars(sa.select(Consent.customer_id).distinct().where(
        Consent.customer_id.in_(customer_ids), Consent.purpose == MARKETING_PURPOSE,
        Consent.withdrawn_at.is_not(None),
        ~sa.exists().where(standing.customer_id == Consent.customer_id, standing.purpose == MARKETING_PURPOSE,
                           standing.withdrawn_at.is_(None))))
    return set(rows)

"""Demo organisation: a branch with three outlets, staff, partners, ~200 customers."""

from __future__ import annotations

import random

import sqlalchemy as sa
from faker import Faker

from app.alliance.models import Partner
from app.auth import services as auth_services
from app.auth.models import User
from app.customers.models import Customer
from app.customers.services import CustomerInput, upsert
from app.extensions import db
from app.org.models import Outlet


def earlier_spellings(title: str) -> set[str]:
    """A demo title as written now and before full-width brackets (2026-12), so re-seeding an older
    demo database finds its rows instead of adding them again."""
    return {title, title.replace("\uff08", "(").replace("\uff09", ")")}

DEMO_PASSWORD = "demo-pass-2026"
SYNTHETIC_BLOCK = "1990000"  # 199-0000-xxxx: synthetic numbers only
SYNTHETIC_NOTE = "合成演示数据，非真实客户"

OUTLETS = [
    ("OH01", "瓯海支行营业部（演示）", "温州市瓯海区示例路 1 号"),
    ("OH02", "娄桥网点（演示）", "温州市瓯海区示例路 88 号"),
    ("OH03", "梧田网点（演示）", "温州市瓯海区示例大道 166 号"),
]
PARTNERS = [
    ("P-BAKE", "麦香坊烘焙（演示）", "bakery", "瓯海区示例路 12 号"),
    ("P-CAFE", "街角咖啡（演示）", "cafe", "瓯海区示例路 30 号"),
    ("P-EDU", "小书童美育中心（演示）", "education", "瓯海区示例大道 200 号"),
    ("P-HEALTH", "仁心健康管理（演示）", "health", "瓯海区示例路 66 号"),
]
# username, role, outlet, display name
STAFF = [
    ("admin", "admin", None, "分行管理员"),
    ("oh01.manager", "manager", "OH01", "陈经理"),
    ("oh01.staff1", "staff", "OH01", "林晓"),
    ("oh01.staff2", "staff", "OH01", "王芳"),
    ("oh02.manager", "manager", "OH02", "周经理"),
    ("oh02.staff1", "staff", "OH02", "黄磊"),
    ("oh03.manager", "manager", "OH03", "吴经理"),
    ("oh03.staff1", "staff", "OH03", "郑婷"),
]
SEGMENT_WEIGHTS = [("family", 30), ("elderly", 25), ("payroll", 20), ("merchant", 10), ("young", 15), ("vip", 8)]
TIER_WEIGHTS = [("standard", 60), ("gold", 25), ("platinum", 10), ("diamond", 5)]
CUSTOMERS_PER_OUTLET = 70


def _ensure_outlets() -> dict[str, Outlet]:
    outlets = {}
    for code, name, address in OUTLETS:
        outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == code))
        if outlet is None:
            outlet = Outlet(code=code, name=name, address=address)
            db.session.add(outlet)
        outlets[code] = outlet
    db.session.flush()
    return outlets


def _ensure_partners() -> None:
    for code, name, category, address in PARTNERS:
        if db.session.scalar(sa.select(Partner).where(Partner.code == code)) is None:
            db.session.add(Partner(code=code, name=name, category=category, address=address,
                                   contact_name="示例联系人"))
    db.session.flush()


def _ensure_user(username, role, password, *, outlet=None, partner=None, name=None, branch=None) -> None:
    if auth_services.find_user(username) is None:
        auth_services.create_user(username, role, password, outlet_code=outlet, partner_code=partner,
                                  display_name=name, branch_code=branch)


def seed_org() -> list[tuple[str, str, str]]:
    outlets = _ensure_outlets()
    _ensure_partners()
    logins = []
    for username, role, outlet, name in STAFF:
        _ensure_user(username, role, DEMO_PASSWORD, outlet=outlet, name=name)
        logins.append((username, DEMO_PASSWORD, f"{role} {outlet or '全部网点'}"))
    for code, name, _category, _address in PARTNERS:
        username = code.lower().replace("p-", "partner.")
        _ensure_user(username, "partner", DEMO_PASSWORD, partner=code, name=name)
        logins.append((username, DEMO_PASSWORD, f"partner {code}"))
    _seed_customers(outlets)
    return logins


def _seed_customers(outlets: dict[str, Outlet]) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(20261130)
    rng = random.Random(20261130)
    staff_by_outlet: dict[int, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.role.in_(("manager", "staff")))):
        assert user.outlet_id is not None  # managers and staff belong to an outlet (a check constraint)
        staff_by_outlet.setdefault(user.outlet_id, []).append(user)
    number = 0
    for code, outlet in outlets.items():
        existing = {p for p in db.session.scalars(sa.select(Customer.phone).where(Customer.outlet_id == outlet.id))}
        for _ in range(CUSTOMERS_PER_OUTLET):
            number += 1
            phone = f"{SYNTHETIC_BLOCK}{number:04d}"
            name = fake.name()
            segments = sorted({rng.choices([s for s, _ in SEGMENT_WEIGHTS], [w for _, w in SEGMENT_WEIGHTS])[0]
                               for _ in range(rng.choice([1, 1, 2]))})
            tier = rng.choices([t for t, _ in TIER_WEIGHTS], [w for _, w in TIER_WEIGHTS])[0]
            owner = rng.choice(staff_by_outlet.get(outlet.id, [None]))
            is_customer = rng.random() > 0.15
            if phone in existing:
                continue
            upsert(CustomerInput(name=name, phone=phone, outlet_code=code, segments=segments, tier=tier,
                                 owner=owner.username if owner else None, is_customer=is_customer,
                                 note=SYNTHETIC_NOTE), source="demo")

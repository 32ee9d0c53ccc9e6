"""Factory functions for tests; each commits so that requests see the data."""

from __future__ import annotations

import itertools

from app.alliance.models import Partner
from app.auth import services as auth_services
from app.customers.services import CustomerInput, upsert
from app.extensions import db
from app.org.models import Outlet

_counter = itertools.count(1)


class Factories:
    PASSWORD = "correct-horse-9"

    def outlet(self, code: str | None = None, name: str | None = None) -> Outlet:
        n = next(_counter)
        outlet = Outlet(code=code or f"T{n:03d}", name=name or f"测试网点{n}(测试)")
        db.session.add(outlet)
        db.session.commit()
        return outlet

    def partner(self, code: str | None = None, category: str = "bakery", name: str | None = None) -> Partner:
        n = next(_counter)
        partner = Partner(code=code or f"P{n:03d}", name=name or f"测试商户{n}", category=category)
        db.session.add(partner)
        db.session.commit()
        return partner

    def user(self, role: str = "staff", outlet: Outlet | None = None, partner: Partner | None = None,
             username: str | None = None, password: str | None = None, name: str | None = None):
        if role in ("staff", "manager") and outlet is None:
            outlet = self.outlet()
        if role == "partner" and partner is None:
            partner = self.partner()
        user = auth_services.create_user(
            username or f"{role}{next(_counter)}", role, password or self.PASSWORD,
            outlet_code=outlet.code if outlet else None, partner_code=partner.code if partner else None,
            display_name=name,
        )
        db.session.commit()
        return user

    def token_headers(self, user) -> dict[str, str]:
        secret, _token = auth_services.issue_token(user, label="test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    def customer(self, outlet: Outlet, name: str = "张三", phone: str | None = None, **fields):
        phone = phone or f"1990000{next(_counter) % 10000:04d}"
        customer, _created = upsert(CustomerInput(name=name, phone=phone, outlet_code=outlet.code, **fields))
        db.session.commit()
        return customer

"""Factory functions for tests; each commits so that requests see the data."""

from __future__ import annotations

import itertools

from app.alliance.models import Partner
from app.auth import services as auth_services
from app.customers.services import CustomerInput, upsert
from app.extensions import db
from app.org.models import Branch, Outlet

_counter = itertools.count(1)


class Factories:
    PASSWORD = "correct-horse-9"

    def outlet(self, code: str | None = None, name: str | None = None) -> Outlet:
        n = next(_counter)
        outlet = Outlet(code=code or f"T{n:03d}", name=name or f"测试网点{n}（测试）")
        db.session.add(outlet)
        db.session.commit()
        return outlet

    def branch(self, code: str | None = None, outlets: list[Outlet] | tuple = (), name: str | None = None) -> Branch:
        """A branch (支行) over these outlets (they move into it)."""
        from app.security import forget_branch_outlets

        n = next(_counter)
        branch = Branch(code=code or f"B{n:03d}", name=name or f"测试支行{n}（测试）")
        db.session.add(branch)
        for outlet in outlets:
            outlet.branch = branch
        db.session.commit()
        forget_branch_outlets()
        return branch

    def partner(self, code: str | None = None, category: str = "bakery", name: str | None = None) -> Partner:
        n = next(_counter)
        partner = Partner(code=code or f"P{n:03d}", name=name or f"测试商户{n}", category=category)
        db.session.add(partner)
        db.session.commit()
        return partner

    def user(self, role: str = "staff", outlet: Outlet | None = None, partner: Partner | None = None,
             username: str | None = None, password: str | None = None, name: str | None = None,
             branch: Branch | None = None):
        if role in ("staff", "manager") and outlet is None:
            outlet = self.outlet()
        if role == "branch" and branch is None:
            branch = self.branch(outlets=[outlet] if outlet is not None else [self.outlet()])
            outlet = None
        if role == "partner" and partner is None:
            partner = self.partner()
        user = auth_services.create_user(
            username or f"{role}{next(_counter)}", role, password or self.PASSWORD,
            outlet_code=outlet.code if outlet else None, partner_code=partner.code if partner else None,
            display_name=name, branch_code=branch.code if branch else None,
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

    def event(self, outlet: Outlet | None = None, *, publish: bool = True, capacity: int = 10,
              waitlist: bool = True, max_party_size: int = 1, starts_in_days: int = 7, hours: int = 2,
              questions: list | None = None, template_key: str | None = None, title: str = "测试活动（测试）",
              owner=None, **fields):
        """An event (published by default) that starts in a week; `questions=[]` means none."""
        from datetime import timedelta

        from app.catalogue.builtin import builtin_templates
        from app.events import services as event_services
        from app.models import utcnow
        from app.security import run_as_system

        outlet = outlet or self.outlet()
        starts = utcnow().replace(microsecond=0) + timedelta(days=starts_in_days)
        key = template_key or sorted(builtin_templates())[0]
        event = event_services.create_event(event_services.EventInput(
            template_key=key, outlet_code=outlet.code, starts_at=starts, ends_at=starts + timedelta(hours=hours),
            capacity=capacity, waitlist=waitlist, max_party_size=max_party_size, title=title,
            questions=questions if questions is not None else [], venue="网点二楼（测试）", **fields))
        if owner is not None:
            event.owner_id = owner.id
        if publish:
            event_services.publish(event)
        db.session.commit()
        run_as_system()
        return event

    def registration(self, event, name: str = "王小明", phone: str | None = None, party_size: int = 1, **kw):
        from app.events.registration import RegistrationInput, register

        phone = phone or f"1990001{next(_counter) % 10000:04d}"
        registration, _created = register(event, RegistrationInput(name=name, phone=phone, consent=True,
                                                                    party_size=party_size, **kw))
        db.session.commit()
        return registration

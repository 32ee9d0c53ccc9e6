from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.org.models import Outlet
from app.security import scope_to_outlets

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")


def visible_outlets() -> list[Outlet]:
    return list(db.session.scalars(scope_to_outlets(sa.select(Outlet), Outlet.id).order_by(Outlet.code)))


def outlet_by_code(code: str | None) -> Outlet | None:
    if not code:
        return None
    return db.session.scalar(sa.select(Outlet).where(Outlet.code == code.strip()))


def create_outlet(code: str, name: str, address: str | None = None) -> Outlet:
    """Create an outlet; the code is the stable key used by imports and the API."""
    code = (code or "").strip()
    name = (name or "").strip()
    errors = {}
    if not CODE_PATTERN.match(code):
        errors["code"] = _("网点代码为 2-32 位字母、数字、下划线或短横线")
    if not name or len(name) > 100:
        errors["name"] = _("请填写网点名称（不超过 100 字）")
    if errors:
        raise ValidationFailed(fields=errors)
    if outlet_by_code(code):
        raise DomainError(_("网点代码 %(code)s 已存在", code=code), code="outlet_exists")
    outlet = Outlet(code=code, name=name, address=(address or "").strip() or None)
    db.session.add(outlet)
    db.session.flush()
    audit.record("outlet_created", obj=outlet, outlet_id=outlet.id, details={"code": code})
    return outlet

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.org.models import Branch, Outlet
from app.security import ADMIN, forget_branch_outlets, scope_to_outlets

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


def list_branches(user=None) -> list[Branch]:
    """Every branch for an admin; a branch login sees its own."""
    stmt = sa.select(Branch).order_by(Branch.code)
    if user is not None and user.role != ADMIN:
        stmt = stmt.where(Branch.id == user.branch_id) if user.branch_id is not None else stmt.where(sa.false())
    return list(db.session.scalars(stmt))


def branch_by_code(code: str | None) -> Branch | None:
    if not code:
        return None
    return db.session.scalar(sa.select(Branch).where(Branch.code == code.strip()))


def create_branch(code: str, name: str, outlet_codes: list[str]) -> Branch:
    """Create a branch (支行) over these outlets; an outlet moves here from any branch it was in."""
    code = (code or "").strip()
    name = (name or "").strip()
    errors = {}
    if not CODE_PATTERN.match(code):
        errors["code"] = _("支行代码为 2-32 位字母、数字、下划线或短横线")
    if not name or len(name) > 100:
        errors["name"] = _("请填写支行名称（不超过 100 字）")
    wanted = list(dict.fromkeys(c.strip() for c in outlet_codes or [] if c and c.strip()))
    outlets = list(db.session.scalars(sa.select(Outlet).where(Outlet.code.in_(wanted)))) if wanted else []
    unknown = sorted(set(wanted) - {o.code for o in outlets})
    if unknown:
        errors["outlet_codes"] = _("网点不存在：%(codes)s", codes="、".join(unknown))
    elif not wanted:
        errors["outlet_codes"] = _("请至少选择一个网点")
    if errors:
        raise ValidationFailed(fields=errors)
    if branch_by_code(code):
        raise DomainError(_("支行代码 %(code)s 已存在", code=code), code="branch_exists")
    branch = Branch(code=code, name=name)
    db.session.add(branch)
    db.session.flush()
    moved = {o.code: o.branch.code for o in outlets if o.branch is not None}
    for outlet in outlets:
        outlet.branch = branch
    db.session.flush()
    forget_branch_outlets()
    audit.record("branch_created", obj=branch, details={"code": code, "outlets": sorted(o.code for o in outlets),
                                                        "moved_from": moved})
    return branch

"""Accounts, passwords and API tokens."""

from __future__ import annotations

import functools
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import services as audit
from app.auth import signals
from app.auth.models import ApiToken, User
from app.errors import ValidationFailed
from app.extensions import db
from app.models import utcnow
from app.org.models import Branch, Outlet
from app.referral_codes import new_referral_code
from app.security import BRANCH, OUTLET_ROLES, PARTNER, ROLES
from app.tokens import sha256_hex, url_token

TOKEN_PREFIX = "be_"
MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked against when a username does not exist, so both paths cost the same."""
    return generate_password_hash("timing-equaliser", method=method)


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def create_user(username: str, role: str, password: str, *, outlet_code: str | None = None,
                partner_code: str | None = None, display_name: str | None = None, actor=None,
                branch_code: str | None = None, email: str | None = None) -> User:
    """Create a login; managers and staff need an outlet, branch logins a branch, partner users a partner."""
    errors: dict[str, str] = {}
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        errors["email"] = _("邮箱地址格式不正确")
    username = (username or "").strip().lower()
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").isalnum():
        errors["username"] = _("用户名只能包含字母、数字、点和下划线")
    elif find_user(username):
        errors["username"] = _("用户名已存在")
    if role not in ROLES:
        errors["role"] = _("角色应为 admin、branch、manager、staff 或 partner")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = _("密码至少 %(n)d 位", n=MIN_PASSWORD_LENGTH)
    outlet = partner = branch = None
    if role == BRANCH:
        branch = _branch(branch_code, errors, "branch", _("支行账号必须指定支行（--branch）"))
    if role in OUTLET_ROLES:
        if not outlet_code:
            errors["outlet"] = _("网点负责人和营销人员必须指定网点（--outlet）")
        else:
            outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == outlet_code))
            if outlet is None:
                errors["outlet"] = _("网点 %(code)s 不存在", code=outlet_code)
    if role == PARTNER:
        if not partner_code:
            errors["partner"] = _("商户账号必须指定联盟商户（--partner）")
        else:
            partner = signals.partner_by_code(partner_code)
            if partner is None:
                errors["partner"] = _("联盟商户 %(code)s 不存在", code=partner_code)
    if errors:
        raise ValidationFailed(fields=errors)
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
        role=role,
        outlet=outlet,
        branch=branch,
        partner_id=partner.id if partner else None,
        referral_code=new_referral_code(),
        email=email,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", obj=user, actor=actor, outlet_id=user.outlet_id,
                 details={"username": username, "role": role})
    return user


def _branch(code: str | None, errors: dict[str, str], field: str, missing: str) -> Branch | None:
    if not code:
        errors[field] = missing
        return None
    branch = db.session.scalar(sa.select(Branch).where(Branch.code == code.strip()))
    if branch is None:
        errors[field] = _("支行 %(code)s 不存在", code=code)
    return branch


def authenticate(username: str | None, password: str | None) -> User | None:
    """The user if the password matches and the account is active; audits either way."""
    user = find_user(username or "")
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password or "") and user.active
    if user is None or not ok:
        audit.record("login_failed", actor_username=(username or "")[:64], object_type="users",
                     object_id=user.id if user else None)
        return None
    user.last_login_at = utcnow()
    audit.record("login", actor=user, obj=user)
    return user


def issue_token(user: User, *, label: str | None = None, days: int | None = None,
                actor=None) -> tuple[str, ApiToken]:
    """Create an API token; returns the secret (shown once) and its stored record."""
    secret = TOKEN_PREFIX + url_token(32)
    now = utcnow()
    lifetime = timedelta(days=days or current_app.config["API_TOKEN_DAYS"])
    token = ApiToken(user=user, token_hash=sha256_hex(secret), prefix=secret[:10], label=label,
                     created_at=now, expires_at=now + lifetime)
    db.session.add(token)
    db.session.flush()
    audit.record("token_created", obj=token, actor=actor or user, object_type="api_tokens",
                 details={"for": user.username, "expires_at": token.expires_at.isoformat()})
    return secret, token


def user_for_token(secret: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown, expired or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    # The user comes in the same query: every API call pays for this lookup.
    token = db.session.scalar(sa.select(ApiToken).options(joinedload(ApiToken.user))
                              .where(ApiToken.token_hash == sha256_hex(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    return token.user


def revoke_token(token: ApiToken, *, actor=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("token_revoked", obj=token, actor=actor, object_type="api_tokens",
                     details={"for": token.user.username})


def active_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc())
    ))



# --- Ending sessions -------------------------------------------------------------------------
# Sessions and remember cookies carry "<id>:<session_version>" (User.get_id); the user loader
# refuses any other version, so raising it ends every session of that person on every device.


def end_sessions(user: User) -> None:
    """Every session and "keep me signed in" cookie of `user` stops working at once."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def sign_out_everywhere(user: User, *, actor) -> None:
    """An admin's "sign out everywhere" for a person (a lost phone, a shared password)."""
    end_sessions(user)
    audit.record("sessions_ended", obj=user, actor=actor, details={"username": user.username})


def _password_errors(password: str | None, field: str) -> dict[str, str]:
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return {field: _("密码至少 %(n)d 位", n=MIN_PASSWORD_LENGTH)}
    if len(password) > 200:
        return {field: _("密码最多 200 位")}
    return {}


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def change_own_password(user: User, current: str, new: str, confirm: str) -> None:
    """A person changes their password; every session of theirs ends (the caller may sign this one in again)."""
    errors: dict[str, str] = {}
    if not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = _("当前密码不正确")
    errors.update(_password_errors(new, "new_password"))
    if not errors and new != confirm:
        errors["confirm_password"] = _("两次输入的新密码不一致")
    if not errors and new == current:
        errors["new_password"] = _("新密码不能与当前密码相同")
    if errors:
        raise ValidationFailed(fields=errors)
    _set_password(user, new)
    end_sessions(user)
    audit.record("password_changed", obj=user, actor=user)


def reset_password(user: User, new: str, *, actor) -> None:
    """An admin sets a new password for someone; that person is signed out everywhere."""
    errors = _password_errors(new, "password")
    if errors:
        raise ValidationFailed(fields=errors)
    _set_password(user, new)
    end_sessions(user)
    audit.record("password_reset", obj=user, actor=actor, details={"username": user.username})


def update_user(user: User, *, role: str, outlet_code: str | None, partner_code: str | None,
                active: bool, display_name: str | None, actor, branch_code: str | None = None) -> dict:
    """An admin changes a login's role, outlet, partner or active flag; returns what changed.

    A change of role, outlet, partner or active ends every session of that person, so that
    no open page or remembered browser keeps the old reach.
    """
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = _("角色应为 admin、branch、manager、staff 或 partner")
    outlet = partner = branch = None
    if role == BRANCH:
        branch = _branch(branch_code, errors, "branch_code", _("支行账号必须指定支行"))
    if role in OUTLET_ROLES:
        outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == outlet_code)) if outlet_code else None
        if outlet is None:
            errors["outlet_code"] = (_("网点 %(code)s 不存在", code=outlet_code) if outlet_code
                                     else _("网点负责人和营销人员必须指定网点"))
    if role == PARTNER:
        partner = signals.partner_by_code(partner_code) if partner_code else None
        if partner is None:
            errors["partner_code"] = (_("联盟商户 %(code)s 不存在", code=partner_code) if partner_code
                                      else _("商户账号必须指定联盟商户"))
    if getattr(actor, "id", None) == user.id:
        if role != user.role:
            errors["role"] = _("不能修改自己的角色，请由另一位管理员操作")
        if not active:
            errors["active"] = _("不能停用自己的账号")
    name = (display_name or "").strip() or user.display_name
    if len(name) > 64:
        errors["display_name"] = _("显示名称最多 64 个字")
    if errors:
        raise ValidationFailed(fields=errors)
    was_partner = signals.partner_of(user)
    before = {"role": user.role, "outlet": user.outlet.code if user.outlet else None,
              "branch": user.branch.code if user.branch else None,
              "partner": was_partner.code if was_partner else None, "active": user.active,
              "display_name": user.display_name}
    user.role, user.outlet, user.branch, user.active, user.display_name = role, outlet, branch, active, name
    user.partner_id = partner.id if partner else None
    after = {"role": role, "outlet": outlet.code if outlet else None, "branch": branch.code if branch else None,
             "partner": partner.code if partner else None, "active": active, "display_name": name}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return changes
    if set(changes) - {"display_name"}:
        end_sessions(user)
    db.session.flush()
    audit.record("user_updated", obj=user, actor=actor, outlet_id=user.outlet_id,
                 details={"username": user.username, "changes": changes})
    return changes


def list_users() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).options(joinedload(User.outlet))
        .order_by(User.role, User.username)
    ))

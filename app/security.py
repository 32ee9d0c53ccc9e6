"""Who may see and do what: roles, permissions and outlet scoping, in one place.

Every view declares a permission (or declares itself public); every query for
outlet-owned data goes through `scope_to_outlets` or `get_scoped_or_404`.
Objects of another outlet answer 404 so that their existence does not leak;
acting *into* an outlet outside one's scope (creating there) answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import abort, g, has_app_context, has_request_context
from flask_login import current_user

from app.errors import Forbidden, NotFound
from app.extensions import db

ADMIN, MANAGER, STAFF, PARTNER, BRANCH = "admin", "manager", "staff", "partner", "branch"
ROLES = (ADMIN, MANAGER, STAFF, PARTNER, BRANCH)
BANK_ROLES = frozenset({ADMIN, BRANCH, MANAGER, STAFF})
# Roles that belong to one outlet (users.outlet_id); a branch (支行) login belongs to a branch and
# sees that branch's outlets (users.branch_id, outlets.branch_id).
OUTLET_ROLES = frozenset({MANAGER, STAFF})

# The permission table. A view names one key; nothing else decides access.
PERMISSIONS: dict[str, frozenset[str]] = {
    "me.view": frozenset(ROLES),
    "reference.view": BANK_ROLES,
    "outlets.view": BANK_ROLES,
    "outlets.create": frozenset({ADMIN}),
    "customers.view": BANK_ROLES,
    "customers.edit": BANK_ROLES,
    "customers.import": frozenset({ADMIN, BRANCH, MANAGER}),
    "audit.view": frozenset({ADMIN, BRANCH, MANAGER}),  # branch, managers: their outlets (scoped in the view)
    "users.manage": frozenset({ADMIN}),
    "home.view": BANK_ROLES,
    # planning and events
    "templates.view": BANK_ROLES,
    "templates.save": BANK_ROLES,
    "events.view": BANK_ROLES,
    "events.edit": BANK_ROLES,
    "events.publish": BANK_ROLES,
    "events.cancel": frozenset({ADMIN, BRANCH, MANAGER}),
    "events.finish": BANK_ROLES,
    "events.export": BANK_ROLES,
    # check-in at the door
    "checkin.scan": BANK_ROLES,
    "checkin.undo": frozenset({ADMIN, BRANCH, MANAGER}),
    # alliance
    "partners.view": BANK_ROLES,
    "partners.manage": frozenset({ADMIN}),
    "offers.manage": frozenset({ADMIN, BRANCH, MANAGER}),
    "partners.performance": frozenset({ADMIN, BRANCH, MANAGER}),
    "partner.portal": frozenset({PARTNER}),
    # follow-ups and results
    "followups.work": BANK_ROLES,
    "followups.assign": frozenset({ADMIN, BRANCH, MANAGER}),
    "dashboard.view": frozenset({ADMIN, BRANCH, MANAGER}),
    # personal data (PIPL): a person's export, erasure, their requests
    "personal_data.export": frozenset({ADMIN, BRANCH, MANAGER}),
    "personal_data.erase": frozenset({ADMIN, BRANCH, MANAGER}),
    "privacy_requests.manage": frozenset({ADMIN, BRANCH, MANAGER}),
    # branches (支行) and the campaigns they push to their outlets
    "branches.view": frozenset({ADMIN, BRANCH}),
    "branches.manage": frozenset({ADMIN}),
    "campaigns.view": frozenset({ADMIN, BRANCH}),
    "campaigns.create": frozenset({ADMIN, BRANCH}),
}


def can(user, permission: str) -> bool:
    roles = PERMISSIONS[permission]  # KeyError: a view named an undeclared permission
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def permission_required(permission: str) -> Callable:
    """Declare the permission a view needs; 401 when not signed in, 403 when not allowed."""
    if permission not in PERMISSIONS:
        raise KeyError(f"undeclared permission {permission!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                abort(401)
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission  # type: ignore[attr-defined]  # function attribute; read by the role × endpoint matrix test
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Declare a view intentionally reachable without signing in."""
    view.public = True  # type: ignore[attr-defined]  # a function attribute, read by the route checks
    return view


class SystemActor:
    """The actor for command-line work (`flask customers import`, `flask seed-demo`).

    Commands are run by whoever operates the server, so they act with an
    admin's reach; the audit log names them "system".
    """

    id = None
    username = "system"
    role = ADMIN
    outlet_id = None
    branch_id = None
    partner_id = None
    is_authenticated = True
    is_active = True
    is_anonymous = False


SYSTEM = SystemActor()


def run_as_system() -> None:
    """Declare that the rest of this app context acts as SYSTEM (CLI commands only)."""
    g.acting_user = SYSTEM


def acting_user():
    """The signed-in user of this request, or SYSTEM inside a command, or None."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    if has_app_context():
        return g.get("acting_user")
    return None


def visible_outlet_ids(user=None) -> frozenset[int] | None:
    """The outlets whose data `user` may see; None means every outlet (admin)."""
    user = user if user is not None else acting_user()
    if not user or not user.is_authenticated:
        return frozenset()
    if user.role == ADMIN:
        return None
    if user.role in OUTLET_ROLES and user.outlet_id is not None:
        return frozenset({user.outlet_id})
    if user.role == BRANCH and user.branch_id is not None:
        return branch_outlet_ids(user.branch_id)
    return frozenset()


# Read here by table name: security is core and imports no feature (org owns the model).
_outlets = sa.table("outlets", sa.column("id", sa.Integer), sa.column("branch_id", sa.Integer))


def branch_outlet_ids(branch_id: int) -> frozenset[int]:
    """The outlets of a branch: one small query, remembered for the rest of the request (g)."""
    cache: dict[int, frozenset[int]] = g.setdefault("branch_outlet_ids", {}) if has_app_context() else {}
    if branch_id not in cache:
        cache[branch_id] = frozenset(db.session.scalars(
            sa.select(_outlets.c.id).where(_outlets.c.branch_id == branch_id)))
    return cache[branch_id]


def forget_branch_outlets() -> None:
    """Outlets were regrouped: the next scoping question reads the branches again."""
    if has_app_context():
        g.pop("branch_outlet_ids", None)


def scope_to_outlets(stmt: sa.Select, outlet_column, user=None) -> sa.Select:
    """Restrict a SELECT to rows whose outlet the user may see."""
    ids = visible_outlet_ids(user)
    if ids is None:
        return stmt
    if not ids:
        return stmt.where(sa.false())
    return stmt.where(outlet_column.in_(ids))


def may_see_outlet(outlet_id: int | None, user=None) -> bool:
    ids = visible_outlet_ids(user)
    return ids is None or (outlet_id is not None and outlet_id in ids)


def ensure_outlet_in_scope(outlet_id: int | None, user=None) -> None:
    """Acting into an outlet (creating there): 403 when it is not the user's."""
    if not may_see_outlet(outlet_id, user):
        raise Forbidden()


def get_scoped_or_404(model, object_id: int, outlet_of: Callable[[Any], int | None] | None = None):
    """Load an outlet-owned object by id; 404 if missing or in another outlet."""
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFound()
    outlet_id = outlet_of(obj) if outlet_of else obj.outlet_id
    if not may_see_outlet(outlet_id):
        raise NotFound()
    return obj

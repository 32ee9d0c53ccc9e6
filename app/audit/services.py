"""The audit trail: one function writes it, inside the caller's transaction."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from app.audit.models import AuditEntry
from app.extensions import db
from app.security import acting_user

# Action names shown on the admin page (kept short and stable for filtering).
ACTIONS = {
    "login": _l("登录"),
    "login_failed": _l("登录失败"),
    "logout": _l("退出"),
    "token_created": _l("创建 API 令牌"),
    "token_revoked": _l("吊销 API 令牌"),
    "user_created": _l("创建账号"),
    "user_updated": _l("修改账号"),
    "password_changed": _l("修改密码"),
    "password_reset": _l("重置密码"),
    "sessions_ended": _l("退出所有设备"),
    "outlet_created": _l("新建网点"),
    "customer_created": _l("新建客户"),
    "customer_updated": _l("修改客户"),
    "customers_imported": _l("导入客户"),
    "consent_recorded": _l("记录授权"),
    "export": _l("导出"),
    "customer_viewed": _l("查看客户档案"),
    "customer_erased": _l("删除个人信息"),
    "consent_withdrawn": _l("撤回营销授权"),
    "privacy_request_filed": _l("提交个人信息申请"),
    "privacy_request_completed": _l("处理个人信息申请"),
    "retention_purge": _l("保存期满删除"),
}


def record(action: str, *, obj=None, object_type: str | None = None, object_id=None,
           outlet_id: int | None = None, actor=None, actor_username: str | None = None,
           details: dict | None = None) -> AuditEntry:
    """Append an audit entry: who (the acting user unless given), what, which object, from where.

    Never commits; it lands with the change it describes (written at the next flush).
    """
    if actor is None:
        actor = acting_user()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
        if outlet_id is None:
            outlet_id = getattr(obj, "outlet_id", None)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_username=actor_username or getattr(actor, "username", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        outlet_id=outlet_id,
        details=details or {},
    )
    if has_request_context():
        entry.ip = request.remote_addr
        entry.user_agent = (request.user_agent.string or "")[:255] or None
    db.session.add(entry)
    return entry

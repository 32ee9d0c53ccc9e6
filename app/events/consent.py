"""The consent text shown on the registration page; its version is stored with each registration."""

from __future__ import annotations

from flask_babel import gettext as _

# Bump the version whenever the wording changes: each registration keeps the version it showed.
CONSENT_VERSION = "2026-11-v1"


def consent_purpose() -> str:
    return _("活动报名、签到、权益发放及活动后的服务联系")


def consent_text(outlet_name: str) -> str:
    return _("我同意%(outlet)s为%(purpose)s之目的，收集和使用我填写的姓名、手机号及报名信息；"
             "不会用于其他目的，我可随时取消报名并要求删除。", outlet=outlet_name, purpose=consent_purpose())

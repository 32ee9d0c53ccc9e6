"""Domain errors of the alliance, with the codes of API.md.

Redemption answers carry a `result` beside `error` (API.md: `{"result": "already_redeemed",
"redeemed_at": …}`), so a scanner page can branch on one key whatever the status.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import DomainError


class RedemptionRefused(DomainError):
    """A voucher that cannot be redeemed; `result` names why, for the scanner page."""

    result = "refused"

    def __init__(self, message: str | None = None, *, extra: dict | None = None):
        super().__init__(message, extra={"result": self.result, **(extra or {})})


class VoucherNotFound(RedemptionRefused):
    status = 404
    code = "voucher_not_found"
    result = "not_found"
    default_message = _l("券码不存在，请核对后重试")


class VoucherOfAnotherPartner(RedemptionRefused):
    status = 403
    code = "voucher_other_partner"
    result = "other_partner"
    default_message = _l("这不是本店的优惠券，不能在本店核销")


class VoucherAlreadyRedeemed(RedemptionRefused):
    status = 409
    code = "already_redeemed"
    result = "already_redeemed"
    default_message = _l("这张券已经使用过")


class VoucherExpired(RedemptionRefused):
    status = 410
    code = "voucher_expired"
    result = "expired"
    default_message = _l("这张券已过期")


class VoucherVoid(RedemptionRefused):
    """The registration was cancelled (or the event was): the voucher never became usable."""

    status = 410
    code = "voucher_void"
    result = "void"
    default_message = _l("报名已取消，这张券已作废")


class VoucherNotYetValid(RedemptionRefused):
    status = 409
    code = "voucher_not_yet_valid"
    result = "not_yet_valid"
    default_message = _l("这张券还未到使用日期")


class PartnerExists(DomainError):
    code = "partner_exists"
    default_message = _l("商户代码已存在")

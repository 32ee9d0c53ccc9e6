"""WTForms for the alliance pages (bank side and the partner portal)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.fields import FormDate, form_int, form_money
from app.org.reference import PARTNER_CATEGORIES

STATUS_NAMES = {"active": _l("合作中"), "paused": _l("暂停"), "ended": _l("已终止")}
ISSUE_NAMES = {"registration": _l("报名成功时发券"), "checkin": _l("到场签到时发券")}
COST_SHARE_NAMES = {"partner": _l("商户承担"), "bank": _l("银行承担"), "shared": _l("双方分担")}


class PartnerForm(FlaskForm):
    code = StringField(_l("商户代码"), validators=[DataRequired(_l("请填写商户代码")), Length(max=32)],
                       render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    name = StringField(_l("商户名称"), validators=[DataRequired(_l("请填写商户名称")), Length(max=100)])
    category = SelectField(_l("类别"), choices=[])
    address = StringField(_l("地址"), validators=[Length(max=200)])
    contact_name = StringField(_l("联系人"), validators=[Length(max=50)])
    contact_phone = StringField(_l("联系电话"), validators=[Length(max=20)], render_kw={"inputmode": "tel"})
    agreement_start = DateField(_l("协议开始日期"), validators=[Optional(), FormDate()])
    agreement_end = DateField(_l("协议结束日期"), validators=[Optional(), FormDate()])
    status = SelectField(_l("状态"), choices=[])

    def fill_choices(self) -> None:
        self.category.choices = [SelectChoice(k, str(v)) for k, v in PARTNER_CATEGORIES.items()]
        self.status.choices = [SelectChoice(k, str(v)) for k, v in STATUS_NAMES.items()]

    def values(self) -> dict:
        return {key: getattr(self, key).data for key in ("name", "category", "address", "contact_name",
                                                          "contact_phone", "agreement_start", "agreement_end",
                                                          "status")}


class OfferForm(FlaskForm):
    title = StringField(_l("优惠名称"), validators=[DataRequired(_l("请填写优惠名称")), Length(max=120)])
    terms = TextAreaField(_l("使用规则"), validators=[Length(max=2000)])
    valid_from = DateField(_l("有效期开始"), validators=[DataRequired(_l("请填写日期")), FormDate()])
    valid_until = DateField(_l("有效期结束"), validators=[DataRequired(_l("请填写日期")), FormDate()])
    issue_on = SelectField(_l("发券时机"), choices=[])
    total_limit = IntegerField(_l("发放总量（不填不限）"), validators=[Optional(), NumberRange(min=1), form_int()],
                               render_kw={"inputmode": "numeric"})
    per_customer_limit = IntegerField(_l("每位客户限领（不填不限）"),
                                      validators=[Optional(), NumberRange(min=1), form_int()],
                                      render_kw={"inputmode": "numeric"})
    value = DecimalField(_l("面值（元）"), places=2, validators=[Optional(), NumberRange(min=0), form_money()],
                         render_kw={"inputmode": "decimal"})
    cost_share = SelectField(_l("费用承担"), choices=[])
    bank_share_percent = IntegerField(_l("银行承担比例（%，双方分担时填写）"),
                                      validators=[Optional(), NumberRange(min=0, max=100), form_int()],
                                      render_kw={"inputmode": "numeric"})
    active = BooleanField(_l("启用（停用后不再发新券，已发的券在有效期内仍可使用）"), default=True)

    def fill_choices(self) -> None:
        self.issue_on.choices = [SelectChoice(k, str(v)) for k, v in ISSUE_NAMES.items()]
        self.cost_share.choices = [SelectChoice(k, str(v)) for k, v in COST_SHARE_NAMES.items()]

    def values(self) -> dict:
        return {key: getattr(self, key).data for key in ("title", "terms", "valid_from", "valid_until", "issue_on",
                                                          "total_limit", "per_customer_limit", "value",
                                                          "cost_share", "bank_share_percent", "active")}


class PartnerUserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    display_name = StringField(_l("显示名称"), validators=[Length(max=64)])
    partner_code = SelectField(_l("所属商户"), choices=[])
    password = PasswordField(_l("初始密码（至少 8 位）"), validators=[DataRequired(_l("请填写密码"))],
                             render_kw={"autocomplete": "new-password"})

    def fill_choices(self, partners) -> None:
        self.partner_code.choices = [SelectChoice(p.code, f"{p.name}({p.code})") for p in partners]


class RedeemForm(FlaskForm):
    code = StringField(_l("券码"), validators=[DataRequired(_l("请输入券码")), Length(max=40)],
                       render_kw={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
                                  "autocorrect": "off", "enterkeyhint": "go"})
    amount_spent = StringField(_l("本单消费金额（元，可不填）"), validators=[Length(max=20)],
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})

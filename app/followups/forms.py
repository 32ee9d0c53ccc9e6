from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.fields import FormDate, form_money
from app.followups.vocabulary import CONTACT_METHODS, PRODUCTS, RECORD_STATUSES, STATUS_NAMES


class RecordForm(FlaskForm):
    """Record one contact on a follow-up, thumb-sized on a phone."""

    status = RadioField(_l("结果"), choices=[SelectChoice(key, STATUS_NAMES[key]) for key in RECORD_STATUSES],
                        validators=[DataRequired(_l("请选择结果"))])
    contact_method = SelectField(_l("联系方式"), choices=[SelectChoice(k, v) for k, v in CONTACT_METHODS.items()],
                                 default="phone")
    product = SelectField(_l("产品"), choices=[SelectChoice("", _l("（未成交不选）")),
                                             *(SelectChoice(k, v) for k, v in PRODUCTS.items())], default="")
    amount = DecimalField(_l("金额（元）"), places=2, validators=[Optional(), NumberRange(min=0), form_money()])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])
    next_due_date = DateField(_l("下次跟进日期"), validators=[Optional(), FormDate()])

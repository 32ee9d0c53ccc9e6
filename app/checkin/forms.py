"""Forms of the door: a walk-in and the customer's self check-in. The rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2

from app.fields import add_question_fields


def walk_in_form(event, formdata=None):
    """Name, mobile, party size, the event's questions and the explicit "let in past capacity" choice."""

    class WalkInForm(FlaskForm):
        name = StringField(_l("姓名"), render_kw={"autocomplete": "off", "maxlength": 50})
        phone = StringField(_l("手机号"), render_kw={"inputmode": "tel", "autocomplete": "off", "maxlength": 20})
        over_capacity = BooleanField(_l("名额已满也允许入场（会记录操作人）"))
        confirm_outside_day = BooleanField(_l("今天不是活动日，仍然登记并签到"))

    if event.max_party_size > 1:
        WalkInForm.party_size = SelectField(
            _l("人数（含本人）"), choices=[SelectChoice(str(n)) for n in range(1, event.max_party_size + 1)],
            default="1")
    add_question_fields(WalkInForm, event)  # required questions are required at the door too
    return WalkInForm(formdata=formdata) if formdata is not None else WalkInForm()


class SelfCheckInForm(FlaskForm):
    phone = StringField(_l("报名手机号"), render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20})

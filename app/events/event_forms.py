"""The staff event form (create and edit)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.customers.forms import CheckboxList
from app.fields import FormDate, form_int, form_money
from app.org import reference

FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(FlaskForm):
    template_key = HiddenField()
    outlet_code = SelectField(_l("网点"), choices=[])
    title = StringField(_l("活动名称"), validators=[DataRequired(_l("请填写活动名称")), Length(max=120)])
    starts_at = DateTimeLocalField(_l("开始时间"), format=FORMAT,
                                   validators=[DataRequired(_l("请填写开始时间")), FormDate()])
    ends_at = DateTimeLocalField(_l("结束时间"), format=FORMAT,
                                 validators=[DataRequired(_l("请填写结束时间")), FormDate()])
    registration_closes_at = DateTimeLocalField(_l("报名截止(可不填)"), format=FORMAT,
                                                validators=[Optional(), FormDate()])
    venue = StringField(_l("地点"), validators=[Length(max=200)])
    capacity = IntegerField(_l("名额(人)"), validators=[DataRequired(_l("请填写名额")),
                                                       NumberRange(min=1, message=_l("名额至少 1 人")), form_int()],
                            render_kw={"inputmode": "numeric"})
    max_party_size = IntegerField(_l("每单最多人数(含本人)"), default=1,
                                  validators=[DataRequired(_l("请填写人数")), NumberRange(min=1, max=20), form_int()],
                                  render_kw={"inputmode": "numeric"})
    waitlist = BooleanField(_l("满员后开放候补"), default=True)
    description = TextAreaField(_l("活动介绍"), validators=[Length(max=5000)])
    segments = CheckboxList(_l("目标客群"), choices=[])
    questions_text = TextAreaField(_l("报名问题(每行一个:问题 | 文本/数字/单选/多选 | 必填/选填 | 选项或范围)"))
    offer_ids = CheckboxList(_l("联盟优惠"), choices=[], coerce=int)
    budget = DecimalField(_l("预算(元)"), places=2, validators=[Optional(), NumberRange(min=0), form_money()])
    actual_cost = DecimalField(_l("实际花费(元)"), places=2, validators=[Optional(), NumberRange(min=0), form_money()])
    goal_attendance_rate = IntegerField(_l("目标到场率(%)"), validators=[Optional(), NumberRange(0, 100), form_int()])
    goal_newcomers = IntegerField(_l("目标新客(人)"), validators=[Optional(), NumberRange(min=0), form_int()])
    goal_conversions = IntegerField(_l("目标转化(笔)"), validators=[Optional(), NumberRange(min=0), form_int()])

    def fill_choices(self, outlets, offers) -> None:
        self.outlet_code.choices = [SelectChoice(o.code, o.name) for o in outlets]
        self.segments.choices = [SelectChoice(k, str(v)) for k, v in reference.SEGMENTS.items()]
        self.offer_ids.choices = [SelectChoice(o.id, f"{o.partner.name} · {o.title}") for o in offers]

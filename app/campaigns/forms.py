from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.fields import CheckboxList, FormDate

FORMAT = "%Y-%m-%dT%H:%M"


class CampaignForm(FlaskForm):
    # A fresh random key per form shown: the same form posted twice makes one campaign.
    request_key = HiddenField()
    template_key = SelectField(_l("活动模板"), choices=[], validate_choice=False)
    title = StringField(_l("活动名称"), validators=[DataRequired(_l("请填写活动名称")),
                                                  Length(max=120, message=_l("活动名称不能超过 120 字"))],
                        render_kw={"maxlength": 120, "placeholder": _l("如：中秋亲子做月饼")})
    outlet_codes = CheckboxList(_l("推送到哪些网点"), choices=[], validate_choice=False)
    starts_at = DateTimeLocalField(_l("开始时间（各网点可再调整）"), format=FORMAT,
                                   validators=[DataRequired(_l("请填写开始时间，如 2027-09-25 14:00")), FormDate()])
    ends_at = DateTimeLocalField(_l("结束时间"), format=FORMAT,
                                 validators=[DataRequired(_l("请填写结束时间，如 2027-09-25 16:00")), FormDate()])
    capacity = IntegerField(_l("每个网点的名额（人）"), validators=[
        InputRequired(_l("请填写名额")), NumberRange(1, 100_000, _l("名额至少 1 人，最多 100000 人"))],
        render_kw={"inputmode": "numeric"})
    waitlist = BooleanField(_l("满员后开放候补"), default=True)

    def fill_choices(self, templates, outlets) -> None:
        self.template_key.choices = [SelectChoice("", _l("请选择"))] + [
            SelectChoice(t.key, t.name) for t in templates]
        self.outlet_codes.choices = [SelectChoice(o.code, f"{o.name}（{o.code}）") for o in outlets]

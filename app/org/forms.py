from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, Length

from app.fields import CheckboxList


class BranchForm(FlaskForm):
    code = StringField(_l("支行代码"), validators=[DataRequired(_l("请填写支行代码")), Length(max=32)],
                       render_kw={"maxlength": 32, "autocapitalize": "characters"})
    name = StringField(_l("支行名称"), validators=[DataRequired(_l("请填写支行名称")), Length(max=100)],
                       render_kw={"maxlength": 100})
    outlet_codes = CheckboxList(_l("下辖网点"), choices=[], validate_choice=False)

    def fill_choices(self, outlets) -> None:
        self.outlet_codes.choices = [
            SelectChoice(o.code, f"{o.name}（{o.code}）" + (f" · {o.branch.name}" if o.branch else ""))
            for o in outlets]

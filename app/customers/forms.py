from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, Length

from app.fields import CheckboxList
from app.org import reference


class CustomerForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=50)])
    phone = StringField(_l("手机号"), validators=[DataRequired(_l("请填写手机号")), Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    outlet_code = SelectField(_l("网点"), choices=[])
    segments = CheckboxList(_l("客群"), choices=[])
    tier = SelectField(_l("等级"), choices=[])
    owner = SelectField(_l("负责人"), choices=[])
    is_customer = BooleanField(_l("已是本行客户（不勾选为潜在客户）"), default=True)
    note = TextAreaField(_l("备注"), validators=[Length(max=500)])

    def fill_choices(self, outlets, owners) -> None:
        self.outlet_code.choices = [SelectChoice(o.code, o.name) for o in outlets]
        self.segments.choices = [SelectChoice(k, str(v)) for k, v in reference.SEGMENTS.items()]
        self.tier.choices = [SelectChoice(k, str(v)) for k, v in reference.TIERS.items()]
        self.owner.choices = [SelectChoice("", str(_l("（无）")))] + [SelectChoice(u.username, u.display_name)
                                                                 for u in owners]


class ImportForm(FlaskForm):
    file = FileField(_l("CSV 或 XLSX 文件"), validators=[
        FileRequired(_l("请选择文件")), FileAllowed(["csv", "xlsx"], _l("只支持 .csv 和 .xlsx 文件"))])
    outlet_code = SelectField(_l("默认网点（文件中没有网点列时使用）"), choices=[])

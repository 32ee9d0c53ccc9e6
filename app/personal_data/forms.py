from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField


class EraseForm(FlaskForm):
    reason = TextAreaField(_l("删除原因"), render_kw={"maxlength": 200, "rows": 3})
    confirm = BooleanField(_l("我已核实身份，确认永久删除此人的个人信息"))

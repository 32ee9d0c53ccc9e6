from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名")), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码")), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    # Off by default: staff phones are shared and lost; a session ends after 30 idle minutes.
    remember = BooleanField(_l("在此设备上保持登录 7 天"), default=False)


class TokenForm(FlaskForm):
    label = StringField(_l("用途说明"), validators=[Length(max=100)])

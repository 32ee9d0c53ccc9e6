from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
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


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码"))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("新密码（至少 8 位）"), validators=[DataRequired(_l("请输入新密码"))],
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(_l("再次输入新密码"), validators=[DataRequired(_l("请再次输入新密码"))],
                                     render_kw={"autocomplete": "new-password"})


class UserEditForm(FlaskForm):
    display_name = StringField(_l("显示名称"), validators=[Length(max=64)])
    role = SelectField(_l("角色"), choices=[])
    outlet_code = SelectField(_l("网点（网点负责人、营销人员）"), choices=[])
    partner_code = SelectField(_l("联盟商户（商户账号）"), choices=[])
    branch_code = SelectField(_l("支行（支行账号）"), choices=[], validate_choice=False)  # the service checks it
    active = BooleanField(_l("账号启用"))

    def fill_choices(self, outlets, partners, branches=()) -> None:
        self.role.choices = [SelectChoice(key, str(name)) for key, name in ROLE_NAMES.items()]
        self.outlet_code.choices = [SelectChoice("", "—")] + [
            SelectChoice(o.code, f"{o.name}（{o.code}）") for o in outlets]
        self.partner_code.choices = [SelectChoice("", "—")] + [
            SelectChoice(p.code, f"{p.name}（{p.code}）") for p in partners]
        self.branch_code.choices = [SelectChoice("", "—")] + [
            SelectChoice(b.code, f"{b.name}（{b.code}）") for b in branches]


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("新密码（至少 8 位）"), validators=[DataRequired(_l("请输入新密码"))],
                             render_kw={"autocomplete": "new-password"})


ROLE_NAMES = {"admin": _l("管理员"), "manager": _l("网点负责人"), "staff": _l("营销人员"), "partner": _l("联盟商户"),
              "branch": _l("支行")}

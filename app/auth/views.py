from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.audit import services as audit
from app.auth import services, signals
from app.auth.forms import ROLE_NAMES, LoginForm, PasswordChangeForm, PasswordResetForm, TokenForm, UserEditForm
from app.auth.models import ApiToken, User
from app.auth.sessions import start_session
from app.errors import NotFound, ValidationFailed
from app.extensions import db, limiter
from app.form_errors import show_field_errors
from app.org.services import list_branches, visible_outlets
from app.security import PARTNER, permission_required, public
from app.unit_of_work import discard, keep_on_error

bp = Blueprint("auth", __name__, template_folder="templates")

LOCKOUT_MINUTES = 15


def _username_key() -> str:
    # Per username *and* address: failures elsewhere cannot lock a colleague out of their own
    # phone; the per-address limit (30 a minute, any username) still bounds a guesser.
    username = (request.form.get("username") or "").strip().lower()
    return f"login-user:{username}@{get_remote_address()}"


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so a login link cannot bounce to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_form() -> LoginForm:
    form = LoginForm()
    days = current_app.config["REMEMBER_COOKIE_DURATION"].days
    form.remember.label.text = ngettext("在此设备上保持登录 %(num)d 天", "在此设备上保持登录 %(num)d 天", days)
    return form


def landing_for(user) -> str:
    return url_for("partner_portal.home") if user.role == PARTNER else url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"], deduct_when=_login_failed)
@limiter.limit(f"5 per {LOCKOUT_MINUTES} minutes", key_func=_username_key, methods=["POST"],
               deduct_when=_login_failed)
@public
def login():
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form = _login_form()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            g.login_failed = True
            keep_on_error()  # the 401 still keeps the failed attempt in the audit log
            error = _("用户名或密码不正确")
        else:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session: nothing from before login carries over
            login_user(user, remember=bool(form.remember.data))
            start_session()
            return redirect(next_url or landing_for(user), code=303)
    elif request.method == "POST":
        g.login_failed = True
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.errorhandler(429)
def locked_out(_error):
    form = _login_form()
    message = _("登录失败次数过多，已暂时锁定，请 %(n)d 分钟后再试", n=LOCKOUT_MINUTES)
    return render_template("auth/login.html", form=form, error=message), 429


@bp.route("/logout", methods=["POST"])
@permission_required("me.view")
def logout():
    user = current_user._get_current_object()
    audit.record("logout", obj=user)
    # Ends this person's sessions everywhere: a copied session or remember cookie stops working.
    services.end_sessions(user)
    # Clear first: logout_user() leaves its "delete the remember cookie" flag in the session.
    session.clear()
    logout_user()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/me", methods=["GET"])
@permission_required("me.view")
def account():
    return render_template("auth/account.html", tokens=services.active_tokens(current_user),
                           partner=signals.partner_of(current_user), token_form=TokenForm(), new_token=None)


@bp.route("/me/tokens", methods=["POST"])
@permission_required("me.view")
def create_token():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token, _record = services.issue_token(current_user, label=form.label.data or None)
    # The secret is shown on this one page and never again (only its hash is stored).
    return render_template("auth/account.html", tokens=services.active_tokens(current_user),
                           partner=signals.partner_of(current_user), token_form=TokenForm(formdata=None),
                           new_token=new_token)


@bp.route("/me/tokens/<int:token_id>/revoke", methods=["POST"])
@permission_required("me.view")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        return render_template("errors/error.html", status=404, message=_("找不到该令牌")), 404
    services.revoke_token(token, actor=current_user)
    flash(_("令牌已吊销"), "success")
    return redirect(url_for("auth.account"), code=303)


@bp.route("/me/password", methods=["GET", "POST"])
@permission_required("me.view")
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            # DataRequired: the fields hold text here (WTForms types them str | None)
            services.change_own_password(user, form.current_password.data or "", form.new_password.data or "",
                                         form.confirm_password.data or "")
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            # Every other session ended with the old password; this one carries on (remembered
            # again if this browser was kept signed in, its old cookie being stale now).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            session.clear()
            login_user(user, remember=remembered)
            start_session()
            flash(_("密码已修改，其他设备上的登录已全部退出"), "success")
            return redirect(url_for("auth.account"), code=303)
    return render_template("auth/password.html", form=form)


# --- Admin: logins --------------------------------------------------------------------------


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _user_page(user: User, form: UserEditForm | None = None, reset_form: PasswordResetForm | None = None,
               status: int = 200):
    partner = signals.partner_of(user)
    if form is None:
        form = UserEditForm(formdata=None, obj=user, outlet_code=user.outlet.code if user.outlet else "",
                            partner_code=partner.code if partner else "",
                            branch_code=user.branch.code if user.branch else "")
    form.fill_choices(visible_outlets(), signals.partners(), list_branches())
    return render_template("auth/admin_user.html", account=user, partner=partner, form=form, role_names=ROLE_NAMES,
                           reset_form=reset_form or PasswordResetForm(formdata=None),
                           tokens=services.active_tokens(user)), status


@bp.route("/admin/users", methods=["GET"])
@permission_required("users.manage")
def users():
    accounts = services.list_users()
    return render_template("auth/admin_users.html", accounts=accounts, role_names=ROLE_NAMES,
                           partners=signals.partners_by_id(u.partner_id for u in accounts))


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("users.manage")
def user_detail(user_id: int):
    user = _user_or_404(user_id)
    if request.method == "GET":
        return _user_page(user)
    form = UserEditForm()
    form.fill_choices(visible_outlets(), signals.partners(), list_branches())
    if not form.validate_on_submit():
        return _user_page(user, form, status=422)
    try:
        changes = services.update_user(user, role=form.role.data, outlet_code=form.outlet_code.data or None,
                                       partner_code=form.partner_code.data or None, active=form.active.data,
                                       display_name=form.display_name.data, actor=current_user,
                                       branch_code=form.branch_code.data or None)
    except ValidationFailed as exc:
        discard()
        show_field_errors(form, exc.fields)
        return _user_page(_user_or_404(user_id), form, status=422)
    if set(changes) - {"display_name"}:
        flash(_("已保存；%(u)s 在所有设备上的登录已退出，需要重新登录", u=user.username), "success")
    else:
        flash(_("已保存") if changes else _("没有改动"), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id), code=303)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@permission_required("users.manage")
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data or "", actor=current_user)  # DataRequired
        except ValidationFailed as exc:
            discard()
            show_field_errors(form, exc.fields)
        else:
            flash(_("已重置 %(u)s 的密码，其所有设备上的登录已退出", u=user.username), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id), code=303)
    return _user_page(_user_or_404(user_id), reset_form=form, status=422)


@bp.route("/admin/users/<int:user_id>/sign-out", methods=["POST"])
@permission_required("users.manage")
def sign_out_everywhere(user_id: int):
    user = _user_or_404(user_id)
    services.sign_out_everywhere(user, actor=current_user)
    flash(_("%(u)s 已在所有设备上退出登录", u=user.username), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id), code=303)


@bp.route("/lang/<code>", methods=["GET"])
@public
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.login"))

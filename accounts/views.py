"""Sign in and out, registration, password changes, user administration."""
import hmac

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from accounts import forms, services
from accounts.models import User
from accounts.permissions import roles_required
from core.db import db
from core.extensions import login_manager
from core.security import safe_next_url

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to open this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _sep, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    return user


def _apply_errors(form, error: services.AccountError) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _start_session(user: User, remember: bool) -> None:
    # A fresh session at sign-in: nothing from before (a planted session) survives.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = forms.LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except services.LoginLocked:
            flash(_("Too many failed sign-ins. Wait 15 minutes and try again."), "error")
            return render_template("accounts/login.html", form=form), 429
        if user is not None:
            _start_session(user, form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for("core.index"))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.password.data, form.role.data,
                                        display_name=form.display_name.data, phone=form.phone.data or None,
                                        producer_kind=form.producer_kind.data or None)
            db.session.commit()
        except services.AccountError as error:
            db.session.rollback()
            _apply_errors(form, error)
        else:
            _start_session(user, remember=False)
            flash(_("Welcome to HarvestLink!"), "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/register.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = forms.ChangePasswordForm(email=current_user.email)
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            _apply_errors(form, error)
        else:
            _start_session(current_user._get_current_object(), remember=False)  # this device stays signed in
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.route("/admin/users", methods=["GET", "POST"])
@roles_required("admin")
def admin_users():
    form = forms.AdminCreateUserForm()
    if form.validate_on_submit():
        try:
            services.create_user(form.email.data, form.password.data, form.role.data,
                                 display_name=form.display_name.data, producer_kind=form.producer_kind.data or None,
                                 region_code=form.region_code.data or None, actor=current_user)
            db.session.commit()
        except services.AccountError as error:
            db.session.rollback()
            _apply_errors(form, error)
        else:
            flash(_("The account has been created."), "success")
            return redirect(url_for("accounts.admin_users"))
    users = db.session.scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/admin_users.html", form=form, users=users,
                           reset_form=forms.AdminResetPasswordForm())


@bp.post("/admin/users/<int:user_id>/password")
@roles_required("admin")
def admin_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = forms.AdminResetPasswordForm(email=user.email)
    if form.validate_on_submit():
        services.admin_reset_password(current_user, user, form.password.data)
        flash(_("The password of %(email)s has been reset.", email=user.email), "success")
    else:
        for message in form.password.errors:
            flash(message, "error")
    return redirect(url_for("accounts.admin_users"))


@bp.post("/admin/users/<int:user_id>/active")
@roles_required("admin")
def admin_set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    try:
        services.set_active(current_user, user, active)
    except services.AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("accounts.admin_users"))

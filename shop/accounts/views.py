from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import recovery, services
from shop.accounts.forms import ChangePasswordForm, LoginForm, SignupForm
from shop.accounts.models import User
from shop.errors import DomainError, apply_to_form
from shop.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    # populate_existing: always one fresh SELECT (with the coordinator role joined).
    user = db.session.get(User, uid, populate_existing=True)
    if user is None or user.session_version != version:
        return None
    return user


def safe_next(default: str) -> str:
    """Only same-site paths are followed after log-in (no open redirect)."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        if "\\" not in target:
            return target
    return default


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("groups.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(form.name.data, form.login.login, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            code_sent = recovery.start_confirmation(user, str(get_locale()))
            db.session.commit()
            login_user(user, remember=True)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if code_sent:
                return redirect(url_for("recovery.verify", next=safe_next("") or None))
            return redirect(safe_next(url_for("groups.dashboard")))
    return render_template("accounts/signup.html", form=form)


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("groups.dashboard")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.login, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(url_for("groups.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.post("/keluar")
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/akun/sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_to_form(form, error)
        else:
            db.session.commit()
            # The session id carries the version: log in again under the new one.
            login_user(current_user._get_current_object(), remember=True)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("groups.dashboard"))
    return render_template("accounts/change_password.html", form=form)

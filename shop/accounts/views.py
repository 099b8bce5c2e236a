from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from sqlalchemy.exc import SQLAlchemyError

from shop.accounts import recovery, services, sessions
from shop.accounts.forms import (
    MESSAGE_LANGUAGES,
    ChangePasswordForm,
    LoginForm,
    LogoutEverywhereForm,
    MessageLanguageForm,
    SignupForm,
)
from shop.accounts.hooks import home_of
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db, limiter, login_manager
from shop.transaction import commit_or_raise, commit_or_show

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The person of a live login session (one SELECT); an ended, expired or
    unknown one is a logged-out visitor, and its cookies are cleared."""
    user = sessions.load(user_id)
    if user is None:
        g.dead_login = True
        return None
    if sessions.needs_touch(user.login_session, utcnow()):
        g.touch_login_session = user.login_session.id
    return user


@user_logged_in.connect
def _session_for_any_login(app, user, **extra):
    """`login_user(user)` for a person without a started session starts one
    (a test's request context, say). The shop's own log-ins start theirs in
    the service, committed with it (sign_up, log_in, change_password and the
    password resets)."""
    if user.session_token:
        return
    sessions.start_session(user, user_agent())
    session["_user_id"] = user.get_id()


def _after_login_session(response):
    """Clear the cookies of a session that ended, and note when a live one
    was last seen (at most hourly; a failed write is no reason to fail a page)."""
    if g.pop("dead_login", False) and not current_user.is_authenticated:
        for key in ("_user_id", "_fresh", "_id"):
            session.pop(key, None)
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
            session["_remember"] = "clear"
    row_id = g.pop("touch_login_session", None)
    if row_id is not None and response.status_code < 400 and not db.session.dirty:
        try:
            commit_or_raise(lambda: sessions.touch(row_id))
        except SQLAlchemyError:
            pass  # rolled back; the next page tries again
    return response


def user_agent() -> str:
    return request.headers.get("User-Agent", "")[:500]


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


@limiter.limit(_login_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("groups.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        user = commit_or_show(
            form,
            lambda: recovery.sign_up(
                form.name.data,
                form.login.login,
                form.password.data,
                user_agent(),
                str(get_locale()),
            ),
        )
        if user is not None:
            login_user(user, remember=True)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if recovery.needs_confirmation(user):
                return redirect(url_for("recovery.verify", next=safe_next("") or None))
            return redirect(safe_next(url_for("groups.dashboard")))
    return render_template("accounts/signup.html", form=form)


@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next("") or home_of(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        # A wrong password is a CountedRefusal: its counted failure is committed.
        user = commit_or_show(
            form, lambda: services.log_in(form.login.login, form.password.data, user_agent())
        )
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next("") or home_of(user))
    return render_template("accounts/login.html", form=form)


def logout():
    if current_user.is_authenticated:
        commit_or_raise(lambda: services.log_out(current_user))
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("site.home"))


def _message_language_form() -> MessageLanguageForm:
    chosen = current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return MessageLanguageForm(data={"locale": chosen})


def _account_page(language_form: MessageLanguageForm, status: int = 200):
    page = render_template(
        "accounts/account.html",
        login_sessions=services.active_sessions(current_user),
        this_session=current_user.login_session,
        form=LogoutEverywhereForm(),
        language_form=language_form,
    )
    return page, status


@login_required
def account():
    return _account_page(_message_language_form())


@login_required
def message_language():
    form = MessageLanguageForm()
    if form.validate_on_submit():
        done = commit_or_show(
            form, lambda: services.set_message_language(current_user, form.locale.data)
        )
        if done is not None:
            language = MESSAGE_LANGUAGES[form.locale.data]
            flash(_("Your messages will be written in %(language)s.", language=language), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form, 400)


@login_required
def logout_everywhere():
    form = LogoutEverywhereForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.account"))
    commit_or_raise(lambda: services.end_all_sessions(current_user))
    logout_user()
    flash(_("You have logged out on all devices. Log in again to continue."), "info")
    return redirect(url_for("accounts.login"))


@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = commit_or_show(
            form,
            lambda: services.change_password(
                current_user, form.current.data, form.password.data, user_agent()
            ),
        )
        if changed is not None:
            # Every session ended; this browser goes on under the new one.
            login_user(current_user._get_current_object(), remember=True)
            flash(_("Your password has been changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)

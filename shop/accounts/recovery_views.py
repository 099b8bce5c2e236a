"""Pages for getting back into an account: confirming a WhatsApp number,
"Lupa kata sandi?" (email link, WhatsApp code) and the reset link page."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from shop.accounts import recovery
from shop.accounts.hooks import home_of
from shop.accounts.models import User
from shop.accounts.recovery_forms import (
    ButtonForm,
    ChangeNumberForm,
    CodeForm,
    ForgotForm,
    NewPasswordForm,
    ResetWithCodeForm,
)
from shop.accounts.views import safe_next, user_agent
from shop.extensions import limiter
from shop.i18n.formatting import phone_display
from shop.notify.messaging import whatsapp_enabled
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show

# The phone number typed on "Lupa kata sandi?", kept for the code page.
RESET_PHONE_KEY = "reset_phone"


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


# Asking for a reset and typing a code share one budget per address.
limited = limiter.shared_limit(_reset_limit, scope="account-recovery", methods=["POST"])


def _private(response):
    # Reset tokens in the address, codes and numbers on the page.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _helpers():
    return {"whatsapp_enabled": whatsapp_enabled, "number_to_confirm": recovery.number_to_confirm}


def _locale() -> str:
    return str(get_locale())


def _account_page() -> str:
    return url_for("accounts.account")


def _signed_in_again(user: User):
    """After a reset: every other session has ended; this device goes on under
    the new one the reset started."""
    session.clear()
    login_user(user)
    flash(_("Your new password is set. You are logged in."), "success")
    return redirect(home_of(user), 303)


# --- confirming a WhatsApp number ---------------------------------------------


@login_required
@limited
def verify():
    user = current_user._get_current_object()
    if not recovery.needs_confirmation(user):
        return redirect(_account_page())
    form = CodeForm()
    if form.validate_on_submit():
        phone = commit_or_show(form, lambda: recovery.confirm_number(user, form.code.data))
        if phone is not None:
            flash(_("Your WhatsApp number is confirmed."), "success")
            return redirect(safe_next(_account_page()), 303)
    return render_template(
        "accounts/recovery/verify.html",
        form=form,
        resend=ButtonForm(prefix="resend"),
        phone=recovery.number_to_confirm(user),
        wait=recovery.resend_wait(user),
    )


@login_required
@limited
def resend():
    user = current_user._get_current_object()
    form = ButtonForm(prefix="resend")
    if form.validate_on_submit() and recovery.needs_confirmation(user):
        commit_or_flash(
            lambda: recovery.send_confirmation_code(user, _locale()),
            _("A new code is on its way to your WhatsApp."),
        )
    return redirect(url_for("recovery.verify"), 303)


@login_required
@limited
def change_number():
    user = current_user._get_current_object()
    form = ChangeNumberForm()
    if form.validate_on_submit():
        sent = commit_or_show(
            form,
            lambda: recovery.change_number(user, form.phone.phone, form.password.data, _locale()),
        )
        if sent:
            flash(_("We sent a code to the new number."), "success")
            return redirect(url_for("recovery.verify"), 303)
        if sent is False:
            flash(_("Your WhatsApp number is saved."), "success")
            return redirect(_account_page(), 303)
    return render_template("accounts/recovery/change_number.html", form=form, user=user)


# --- password reset ----------------------------------------------------------


@limited
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        kind, value = form.login.login
        commit_or_raise(lambda: recovery.request_reset((kind, value), _locale()))
        if kind == "email":
            return redirect(url_for("recovery.sent"), 303)
        session[RESET_PHONE_KEY] = value
        return redirect(url_for("recovery.enter_code"), 303)
    return render_template("accounts/recovery/forgot.html", form=form)


def sent():
    return render_template(
        "accounts/recovery/sent.html", minutes=current_app.config["RESET_EMAIL_LINK_MINUTES"]
    )


@limited
def enter_code():
    form = ResetWithCodeForm()
    if not form.is_submitted() and session.get(RESET_PHONE_KEY):
        form.phone.data = phone_display(session[RESET_PHONE_KEY])
    if form.validate_on_submit():
        user = commit_or_show(
            form,
            lambda: recovery.reset_with_code(
                form.phone.phone, form.code.data, form.password.data, user_agent()
            ),
        )
        if user is not None:
            session.pop(RESET_PHONE_KEY, None)
            return _signed_in_again(user)
    return render_template(
        "accounts/recovery/enter_code.html",
        form=form,
        minutes=current_app.config["RESET_CODE_MINUTES"],
    )


@limited
def reset_link(token: str):
    if recovery.link_for(token) is None:
        return render_template("accounts/recovery/link_gone.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = commit_or_show(
            form, lambda: recovery.reset_with_link(token, form.password.data, user_agent())
        )
        if user is not None:
            return _signed_in_again(user)
    return render_template("accounts/recovery/new_password.html", form=form)

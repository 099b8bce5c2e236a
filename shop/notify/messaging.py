"""Queueing a message to a person on a channel: email or WhatsApp.

Both functions are called by a service inside its own transaction. They
render the words now (in the recipient's language), add one `OutboxMessage`
to the session and flush; nothing commits or sends here. The row is committed
with the change it reports, or rolled back with it, and delivery
(`shop.notify.delivery`) is enqueued for after the commit, so a message is
never sent for a change that did not happen and never lost for one that did.

WhatsApp is for people without email (most group members). Business-initiated
WhatsApp messages must use a template approved at Meta, so a WhatsApp message
is a template *key* of ours ("verify_code", "reset_code", …) mapped by the
setting WHATSAPP_TEMPLATES to the approved template's name and language, plus
its body parameters in order. A readable rendering of the same words
(templates/whatsapp/<key>.txt) is stored beside them for the log backend and
the operator.

    from shop.notify.messaging import queue_whatsapp, whatsapp_enabled

    if whatsapp_enabled():
        queue_whatsapp("verify_code", user.phone, "verify_code", [code], locale)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert

from shop.extensions import db
from shop.jobs import enqueue_after_commit
from shop.notify.models import OutboxChannel, OutboxMessage

# WHATSAPP_BACKEND: "" the channel is off, "cloud" the Cloud API, "log" logged.
WHATSAPP_BACKENDS = ("", "cloud", "log")
# E.164: a plus, a country code, at most 15 digits in all.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
SUBJECT_MAX = 200
# Meta refuses body parameters with new lines, tabs or more than four spaces
# in a row, and longer than this.
PARAM_MAX = 1024
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
# Templates whose parameters are secrets (one-time codes): once a message is
# sent its row keeps them masked, so the outbox (and every backup of it) does
# not hold a code that still works.
SECRET_TEMPLATES = frozenset({"verify_code", "reset_code"})
MASK = "•"


def _tidy(text: str) -> str:
    """Optional paragraphs leave blank lines behind: keep at most one in a row."""
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def _add(message: OutboxMessage) -> OutboxMessage:
    """The message as written (a new object: `message` stays out of the session)."""
    return queue_all([message])[0]


def queue_all(messages: Sequence[OutboxMessage | None]) -> list[OutboxMessage]:
    """Write messages made by `email_message` / `whatsapp_message` (not in
    the session) in one INSERT, flushed, not committed, and deliver them
    after the commit; the Nones (nobody to write to) are left out."""
    rows = [_columns(message) for message in messages if message is not None]
    if not rows:
        return []
    # An ORM flush writes them one INSERT each (it must learn each new id in
    # order); one INSERT … VALUES … RETURNING writes them all, numbering them
    # in the order given, and answers in any order.
    added = sorted(
        db.session.scalars(insert(OutboxMessage).returning(OutboxMessage), rows),
        key=lambda message: message.id,
    )
    # Sent as soon as the change it reports commits; the periodic delivery
    # retries what fails.
    enqueue_after_commit("shop.notify.jobs.deliver")
    return added


def _columns(message: OutboxMessage) -> dict[str, Any]:
    """The values given to a new message: every one the same keys (so one
    INSERT takes them all); the columns' defaults fill the rest."""
    given = {key: value for key, value in vars(message).items() if not key.startswith("_")}
    return {"body_html": "", "template": "", "params": "", **given}


# --- email -------------------------------------------------------------------


def render_email(template: str, context: dict[str, Any], locale: str) -> tuple[str, str, str]:
    """(subject, text, html) of templates/email/<template>/ in `locale`.

    The Jinja environment is used directly: the request's context processors
    (the signed-in person's groups) do not belong in an email and are not
    there outside a request.
    """
    env = current_app.jinja_env
    folder = f"email/{template}"
    with force_locale(locale):
        context = {"site_name": current_app.config["SITE_NAME"], "locale": locale, **context}
        subject = " ".join(env.get_template(f"{folder}/subject.txt").render(context).split())
        context["subject"] = subject
        text = env.get_template(f"{folder}/body.txt").render(context)
        html = env.get_template(f"{folder}/body.html").render(context)
    return subject[:SUBJECT_MAX], _tidy(text), html


def queue_email(
    kind: str, recipient: str | None, template: str, context: dict[str, Any], locale: str
) -> OutboxMessage | None:
    """Add one rendered email to the session (flushed, not committed); None
    without an address.

    Rendering now freezes the words at the time of the event: a later edit of
    the order or of a translation never changes a message already queued.
    """
    message = email_message(kind, recipient, template, context, locale)
    return None if message is None else _add(message)


def email_message(
    kind: str, recipient: str | None, template: str, context: dict[str, Any], locale: str
) -> OutboxMessage | None:
    """The rendered email `queue_email` adds, not yet in the session (for
    `queue_all`); None without an address."""
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    subject, text, html = render_email(template, context, locale)
    return OutboxMessage(
        kind=kind,
        channel=OutboxChannel.EMAIL.value,
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
    )


# --- WhatsApp ----------------------------------------------------------------


def whatsapp_backend(config: Mapping[str, Any] | None = None) -> str:
    """The WHATSAPP_BACKEND setting, checked: "", "cloud" or "log"."""
    config = current_app.config if config is None else config
    backend = str(config.get("WHATSAPP_BACKEND") or "").strip().lower()
    if backend not in WHATSAPP_BACKENDS:
        raise ValueError(f"WHATSAPP_BACKEND={backend!r}: use '', 'cloud' or 'log'")
    return backend


def whatsapp_enabled() -> bool:
    """True when WhatsApp messages are sent (or, in development, logged)."""
    return whatsapp_backend() != ""


def whatsapp_template(key: str, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The setting for our template key: {"name": …, "language": …, …}.

    An unknown key is a programming error (ValueError), as is a setting
    without a name.
    """
    config = current_app.config if config is None else config
    templates = config.get("WHATSAPP_TEMPLATES") or {}
    setting = templates.get(key)
    if not isinstance(setting, Mapping) or not setting.get("name"):
        raise ValueError(f"no WhatsApp template {key!r} in WHATSAPP_TEMPLATES")
    return {"language": "id", **setting}


def clean_params(params: Sequence[str]) -> list[str]:
    """Body parameters as Meta takes them: text on one line, not empty."""
    if isinstance(params, str):
        raise TypeError("params is a list of strings, not one string")
    cleaned = []
    for value in params:
        text = " ".join(str(value).split())[:PARAM_MAX]
        if not text:
            raise ValueError("a WhatsApp template parameter is empty")
        cleaned.append(text)
    return cleaned


def render_whatsapp(
    template: str, params: Sequence[str], locale: str, context: Mapping[str, Any] | None = None
) -> str:
    """The readable text of templates/whatsapp/<template>.txt in `locale`.

    The template gets `params` (the body parameters in order) and names them
    itself, e.g. `{% set code = params[0] %}`; `context` adds values only the
    readable text uses.
    """
    env = current_app.jinja_env
    with force_locale(locale):
        text = env.get_template(f"whatsapp/{template}.txt").render(
            {
                "site_name": current_app.config["SITE_NAME"],
                "locale": locale,
                **(context or {}),
                "params": list(params),
            }
        )
    return _tidy(text)


def queue_whatsapp(
    kind: str,
    phone: str | None,
    template: str,
    params: Sequence[str],
    locale: str,
    *,
    context: Mapping[str, Any] | None = None,
) -> OutboxMessage | None:
    """Add one WhatsApp template message to the session (flushed, not
    committed) and deliver it after the commit.

    `phone` is E.164 ("+62812…"); `template` our key in WHATSAPP_TEMPLATES;
    `params` the template's body parameters in order; `locale` the language
    of the readable text. None when the channel is off or there is no number.
    A malformed number or an unknown template key raises ValueError: the
    caller keeps numbers normalised (`shop.i18n.phone.normalise`).
    """
    message = whatsapp_message(kind, phone, template, params, locale, context=context)
    return None if message is None else _add(message)


def whatsapp_message(
    kind: str,
    phone: str | None,
    template: str,
    params: Sequence[str],
    locale: str,
    *,
    context: Mapping[str, Any] | None = None,
) -> OutboxMessage | None:
    """The template message `queue_whatsapp` adds, not yet in the session
    (for `queue_all`); None when the channel is off or there is no number."""
    if not whatsapp_enabled():
        return None
    phone = (phone or "").strip()
    if not phone:
        return None
    if not E164.fullmatch(phone):
        raise ValueError(f"not an E.164 phone number: {phone!r}")
    whatsapp_template(template)
    params = clean_params(params)
    text = render_whatsapp(template, params, locale, context)
    return OutboxMessage(
        kind=kind,
        channel=OutboxChannel.WHATSAPP.value,
        recipient=phone,
        subject=" ".join(text.split())[:SUBJECT_MAX],
        body_text=text,
        template=template,
        params=json.dumps(params, ensure_ascii=False),
        locale=locale,
    )


def masked(text: str, params: Sequence[str]) -> str:
    """`text` with every parameter replaced by as many mask characters."""
    for value in sorted(params, key=len, reverse=True):
        text = text.replace(value, MASK * len(value))
    return text

"""Ways to send a message: an email over SMTP when `MAIL_SERVER` is set, else
into the log; a WhatsApp message as WHATSAPP_BACKEND says (`shop.notify.whatsapp`)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Protocol

from flask import current_app

from shop.config import config_flag

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """Sending this message again cannot succeed: delivery gives up at once."""


class TemporaryFailure(Exception):
    """Worth trying again later with the outbox's backoff."""


@dataclass(frozen=True)
class Email:
    recipient: str
    subject: str
    text: str
    html: str = ""
    # Stable across retries, so a mail client can recognise a resent copy.
    reference: str = ""


class Sender(Protocol):
    def send(self, message: Any) -> str | None:
        """Hand the message over, or raise: the caller records the error and
        retries (`PermanentFailure`: gives up at once). May return the
        provider's id for the message."""


class LogSender:
    """Used when no mail server is configured (development, demo)."""

    def send(self, email: Email) -> None:
        log.info("Email to %s: %s", email.recipient, email.subject)
        log.debug("%s", email.text)


class SmtpSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        use_tls: bool = False,
        use_ssl: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
    ) -> None:
        if use_tls and use_ssl:
            raise ValueError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL exclude each other")
        self.host = host
        self.port = port
        self.sender = sender
        self.use_tls = use_tls
        self.use_ssl = use_ssl
        self.username = username
        self.password = password
        self.timeout = timeout

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSender:
        use_ssl = config_flag(config.get("MAIL_USE_SSL"))
        use_tls = config_flag(config.get("MAIL_USE_TLS"))
        port = config.get("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25)
        sender = (
            config.get("MAIL_FROM") or f"{config.get('SITE_NAME', 'Etalase')} <noreply@localhost>"
        )
        return cls(
            config["MAIL_SERVER"],
            int(port),
            sender=sender,
            use_tls=use_tls,
            use_ssl=use_ssl,
            username=config.get("MAIL_USERNAME") or "",
            password=config.get("MAIL_PASSWORD") or "",
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
        )

    def build(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = email.subject
        message["From"] = self.sender
        message["To"] = email.recipient
        message["Date"] = formatdate(usegmt=True)
        if email.reference:
            domain = Address(addr_spec=parseaddr(self.sender)[1] or "noreply@localhost").domain
            message["Message-ID"] = f"<{email.reference}@{domain}>"
        message.set_content(email.text)
        if email.html:
            message.add_alternative(email.html, subtype="html")
        return message

    def send(self, email: Email) -> None:
        message = self.build(email)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.use_tls:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def get_sender() -> Sender:
    """The email sender, as the settings say."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SmtpSender.from_config(config)
    return LogSender()

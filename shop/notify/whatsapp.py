"""Sending WhatsApp template messages: the WhatsApp Business Cloud API, or the log.

The Cloud API call (Meta's Graph API):

    POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages
    Authorization: Bearer {WHATSAPP_TOKEN}
    {"messaging_product": "whatsapp", "recipient_type": "individual",
     "to": "6281234567890", "type": "template",
     "template": {"name": …, "language": {"code": "id"},
                  "components": [{"type": "body", "parameters": [
                      {"type": "text", "text": "123456"}]}]}}

answers `{"messages": [{"id": "wamid…"}]}`, kept on the outbox row.

What is retried and what is given up (`PermanentFailure`, the row ends
`failed` at once with Meta's reason):

- retried with the outbox's backoff: no connection, a timeout, HTTP 5xx,
  HTTP 429 and Meta's rate-limit and "temporarily unavailable" error codes;
- also retried: HTTP 401 and Graph error 190 (the access token expired or was
  revoked). The token belongs to the site, not to the message: once the
  operator puts a new token in place the waiting messages go out, and those
  that ran out of attempts meanwhile are sent with `flask notify retry`.
  Each such attempt is logged as an error so the operator hears of it;
- given up: any other 4xx (a number that is not on WhatsApp, a template that
  does not exist or is not approved, wrong parameters): sending the same
  request again cannot succeed.

The token never appears in a log line or in `last_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from shop.notify.messaging import whatsapp_backend, whatsapp_template
from shop.notify.senders import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)

# Graph error codes that mean "later": rate limits, temporary outages, an
# expired or revoked token (see above).
RETRY_CODES = frozenset(
    {
        1,  # unknown error
        2,  # service temporarily unavailable
        4,  # application request limit
        190,  # access token expired or invalid
        80007,  # WhatsApp Business account rate limit
        130429,  # throughput rate limit
        131000,  # something went wrong
        131016,  # service unavailable
        131048,  # spam rate limit
        131056,  # too many messages to this number
        133004,  # server temporarily unavailable
    }
)
REASON_MAX = 1000


@dataclass(frozen=True)
class WhatsAppMessage:
    recipient: str  # E.164, "+62812…"
    template: str  # our key in WHATSAPP_TEMPLATES
    params: list[str] = field(default_factory=list)
    locale: str = "id"
    text: str = ""  # the readable rendering, for the log
    reference: str = ""


class WhatsAppLogSender:
    """WHATSAPP_BACKEND=log: the rendered words go to the log (development, demo)."""

    def send(self, message: WhatsAppMessage) -> None:
        log.info("WhatsApp to %s (%s): %s", message.recipient, message.template, message.text)


class WhatsAppCloudSender:
    """WHATSAPP_BACKEND=cloud: one HTTPS request per message to the Cloud API."""

    def __init__(
        self,
        api_url: str,
        phone_number_id: str,
        token: str,
        *,
        templates: Mapping[str, Any],
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        session: requests.Session | None = None,
    ) -> None:
        if not phone_number_id or not token:
            raise ValueError("WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TOKEN must be set")
        self.url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self._token = token
        self.templates = templates
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or requests.Session()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WhatsAppCloudSender:
        return cls(
            str(config.get("WHATSAPP_API_URL") or "https://graph.facebook.com/v21.0"),
            str(config.get("WHATSAPP_PHONE_NUMBER_ID") or ""),
            str(config.get("WHATSAPP_TOKEN") or ""),
            templates=config.get("WHATSAPP_TEMPLATES") or {},
            connect_timeout=float(config.get("WHATSAPP_CONNECT_TIMEOUT") or 5),
            read_timeout=float(config.get("WHATSAPP_READ_TIMEOUT") or 15),
        )

    def close(self) -> None:
        self.session.close()

    def __repr__(self) -> str:  # never show the token
        return f"WhatsAppCloudSender({self.url!r})"

    def payload(self, message: WhatsAppMessage) -> dict[str, Any]:
        """The JSON body of the request for one message."""
        setting = whatsapp_template(message.template, {"WHATSAPP_TEMPLATES": self.templates})
        languages = setting.get("languages") or {}
        parameters = [{"type": "text", "text": value} for value in message.params]
        components: list[dict[str, Any]] = [{"type": "body", "parameters": parameters}]
        if setting.get("copy_code_button") and message.params:
            # Authentication templates carry the code again in their button.
            components.append(
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": message.params[0]}],
                }
            )
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.recipient.lstrip("+"),
            "type": "template",
            "template": {
                "name": setting["name"],
                "language": {"code": languages.get(message.locale) or setting["language"]},
                "components": components,
            },
        }

    def send(self, message: WhatsAppMessage) -> str:
        """Hand the message to Meta; its id ("wamid…"), or raise."""
        body = self.payload(message)
        try:
            response = self.session.post(
                self.url,
                json=body,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=self.timeout,
            )
        except requests.Timeout as exc:
            raise TemporaryFailure(
                f"no answer from the WhatsApp Cloud API: {self._clean(exc)}"
            ) from None
        except requests.RequestException as exc:
            raise TemporaryFailure(
                f"cannot reach the WhatsApp Cloud API: {self._clean(exc)}"
            ) from None
        if response.ok:
            try:
                return str(response.json()["messages"][0]["id"])
            except (ValueError, LookupError, TypeError):
                # Accepted all the same: sending again would send it twice.
                log.warning("WhatsApp Cloud API accepted a message without an id")
                return ""
        status, code, reason = self._error(response)
        if status >= 500 or status in (401, 429) or code in RETRY_CODES:
            if status == 401 or code == 190:
                log.error("WhatsApp Cloud API refused the token: set a new WHATSAPP_TOKEN")
            raise TemporaryFailure(reason)
        raise PermanentFailure(reason)

    def _error(self, response: requests.Response) -> tuple[int, int | None, str]:
        """(HTTP status, Graph error code, a readable one-line reason)."""
        status = response.status_code
        code: int | None = None
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        if isinstance(error, Mapping) and error:
            raw_code = error.get("code")
            code = raw_code if isinstance(raw_code, int) else None
            details = (error.get("error_data") or {}).get("details") or ""
            text = str(error.get("message") or "")
            if details and details not in text:
                text = f"{text} ({details})"
            reason = f"HTTP {status}, Graph error {raw_code}: {text}"
        else:
            reason = f"HTTP {status}: {' '.join(response.text.split())[:200]}"
        return status, code, self._clean(reason)

    def _clean(self, value: object) -> str:
        """One line, short, and never the token."""
        text = " ".join(str(value).split())
        if self._token:
            text = text.replace(self._token, "[token]")
        return text[:REASON_MAX]


def whatsapp_sender(config: Mapping[str, Any]) -> WhatsAppCloudSender | WhatsAppLogSender:
    """The sender WHATSAPP_BACKEND names; an error when the channel is off."""
    backend = whatsapp_backend(config)
    if backend == "cloud":
        return WhatsAppCloudSender.from_config(config)
    if backend == "log":
        return WhatsAppLogSender()
    raise RuntimeError(f"WhatsApp is off (WHATSAPP_BACKEND={backend!r}): the message waits")

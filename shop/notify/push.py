"""Web push notifications: the browsers (phones) where a person allowed them,
the notification written to the outbox, and its delivery with pywebpush.

The channel is on when the site has a VAPID key pair (VAPID_PRIVATE_KEY,
VAPID_PUBLIC_KEY; `flask notify vapid-keys` makes one). The browser
subscribes with the public key; each notification is sent to the push
service of the browser's choice (the subscription's endpoint, e.g. Google's
for Chrome on Android), encrypted with the subscription's keys (RFC 8291,
aes128gcm) so the push service cannot read it, and signed with the private
key (VAPID, RFC 8292) so it can tell who sends.

What is retried and what is given up:

- 404 or 410 from the push service: the browser unsubscribed, was reset or
  the subscription expired. The subscription is deleted and the message
  given up (`PermanentFailure`): nobody will read it there;
- an endpoint the site will not post to (`checked_endpoint`, again at
  sending: a name may resolve elsewhere by now): the subscription is
  deleted and the message given up, but for a name that did not resolve
  at all, which is retried;
- any other failure (no connection, a timeout, 429, 5xx, a refused
  signature while keys are being changed) is retried with the outbox's
  backoff, as WhatsApp messages are.

The payload is JSON `{"title", "body", "url"}`, small (`PAYLOAD_MAX`: push
services take about 4 KB), and says only what the alert needs (the order
number, the group, the amount): it passes through a push service and sits
on a lock screen.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import idna
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, func, select, update

from shop.db import utcnow
from shop.extensions import db
from shop.notify.models import OutboxChannel, OutboxMessage, PushSubscription
from shop.notify.senders import PermanentFailure, TemporaryFailure

# Push services take 4 KB of encrypted payload; ours stays well below.
PAYLOAD_MAX = 3000
TITLE_MAX = 80
BODY_MAX = 300
# How long the push service keeps a notification for a phone that is off.
TTL_SECONDS = 24 * 60 * 60
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
RECIPIENT_PREFIX = "push:"
# Browsers' endpoints are about 150-400 characters; the column takes 1024.
ENDPOINT_MAX = 1000
# Browsers one person keeps notifications on; a new one beyond replaces the oldest.
SUBSCRIPTIONS_PER_USER = 10
# Names that only mean something inside a network.
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home", ".corp", ".intranet")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def push_enabled(config: Mapping[str, Any] | None = None) -> bool:
    """True when the site has a VAPID key pair: notifications can be sent."""
    config = current_app.config if config is None else config
    return bool(config.get("VAPID_PRIVATE_KEY") and config.get("VAPID_PUBLIC_KEY"))


def vapid_public_key() -> str:
    """The key a browser subscribes with (`applicationServerKey`), or ""."""
    return current_app.config.get("VAPID_PUBLIC_KEY", "") if push_enabled() else ""


def vapid_subject(config: Mapping[str, Any]) -> str:
    """Who the push services write to about our notifications: VAPID_SUBJECT
    (a mailto: or https: address), else the site's address."""
    subject = str(config.get("VAPID_SUBJECT") or "").strip()
    if subject:
        return subject
    public = str(config.get("PUBLIC_URL") or "").strip().rstrip("/")
    return public if public.startswith("https://") else "mailto:admin@localhost"


def generate_vapid_keys() -> tuple[str, str]:
    """A new pair as the settings take them: (private, public), base64url,
    the raw 32-byte private number and the 65-byte uncompressed public point."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(private), _b64(public)


# --- subscriptions ------------------------------------------------------------


def valid_keys(p256dh: str, auth: str) -> bool:
    """Whether the browser's keys have the shape RFC 8291 gives them: a P-256
    public point (65 bytes, uncompressed) and a 16-byte secret."""
    try:
        point, secret = _unb64(p256dh), _unb64(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return len(point) == 65 and len(secret) == 16


@dataclass(frozen=True)
class Endpoint:
    """An endpoint as the site posts to it: scheme, host and port normalised."""

    scheme: str
    host: str  # lower case, no trailing dot, IDNA (xn--…) or an IP address
    port: int | None
    url: str  # the URL rebuilt with the normalised host: what is kept and posted to


class EndpointRefused(ValueError):
    """`reason`: "length", "url", "https", "internal" or "unreachable"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ASCII_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_NUMBER = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def parse_endpoint(url: str) -> Endpoint:
    """The endpoint with its host normalised (case, a trailing dot, IDNA);
    raises EndpointRefused("url") for what is not an http(s) URL with a
    plain host: user info, backslashes, spaces or control characters,
    percent-escapes in the host, and numbers a browser would read as an IPv4
    address in another spelling (2130706433, 0x7f.1)."""
    if len(url) > ENDPOINT_MAX:
        raise EndpointRefused("length")
    if not url.isprintable() or any(c in url for c in " \\"):
        raise EndpointRefused("url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointRefused("url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or "@" in parts.netloc or not parts.hostname:
        raise EndpointRefused("url")
    host = parts.hostname.lower()
    if host.endswith("."):
        host = host[:-1]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None:
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise EndpointRefused("url") from None
        if not _ASCII_HOST.fullmatch(host) or _NUMBER.fullmatch(host.rsplit(".", 1)[-1]):
            raise EndpointRefused("url")
    shown = f"[{host}]" if address is not None and address.version == 6 else host
    netloc = shown if port is None else f"{shown}:{port}"
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    return Endpoint(scheme, host, port, f"{scheme}://{netloc}{rest}")


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet; an IPv6 one that carries
    an IPv4 address (mapped, NAT64, 6to4) is judged by that one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return public_address(address.ipv4_mapped)
        if any(address in network for network in _NAT64):
            return public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            return public_address(address.sixtofour)
        if address.teredo is not None:
            return False
    return address.is_global and not address.is_multicast


def resolve_host(host: str, port: int | None) -> list[str]:
    """The addresses a name resolves to (empty when it does not)."""
    try:
        found = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [info[4][0] for info in found]


def checked_endpoint(url: str, *, production: bool, allow_private: bool = False) -> Endpoint:
    """The endpoint if the site may post to it, else EndpointRefused.

    The endpoint is the browser's to give, so it must not make this server
    call its own network: in production only https on the usual port (every
    push service is), and unless `allow_private` (PUSH_ALLOW_PRIVATE_ENDPOINTS,
    for a local fake push service in development and tests) a host that is a
    private network's name ("internal"), or that is or resolves to a
    loopback, private, link-local or otherwise non-public address
    ("internal"), or to nothing ("unreachable"), is refused. The host is
    judged after normalisation (`parse_endpoint`), as the HTTP client will
    connect to it."""
    endpoint = parse_endpoint(url)
    if production and (endpoint.scheme != "https" or endpoint.port not in (None, 443)):
        raise EndpointRefused("https")
    if allow_private:
        return endpoint
    host = endpoint.host
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if "." not in host or host == "localhost" or host.endswith(INTERNAL_SUFFIXES):
            raise EndpointRefused("internal") from None
        found = resolve_host(host, endpoint.port)
        if not found:
            raise EndpointRefused("unreachable") from None
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
    if not all(public_address(address) for address in addresses):
        raise EndpointRefused("internal")
    return endpoint


def endpoint_rules(config: Mapping[str, Any] | None = None) -> dict[str, bool]:
    """`checked_endpoint`'s keywords from the settings."""
    config = current_app.config if config is None else config
    return {
        "production": config.get("ENV_NAME") == "production",
        "allow_private": bool(config.get("PUSH_ALLOW_PRIVATE_ENDPOINTS")),
    }


def subscribe(
    user_id: int,
    login_session_id: int,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
) -> PushSubscription:
    """Keep this browser's subscription for the person, in the login session
    that turned it on (flushed, not committed): it ends with that session
    (`end_session_subscriptions`). An endpoint already kept, for them or
    someone else on the same phone, now belongs to them with its new keys:
    one browser, one subscription, so no alert reaches a phone twice. At most
    SUBSCRIPTIONS_PER_USER browsers a person; the oldest goes first."""
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(endpoint=endpoint)
        db.session.add(row)
    row.user_id = user_id
    row.login_session_id = login_session_id
    row.p256dh = p256dh
    row.auth = auth
    row.user_agent = user_agent[:255]
    db.session.flush()
    kept = db.session.scalars(
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.id.desc())
        .offset(SUBSCRIPTIONS_PER_USER)
    ).all()
    if kept:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(kept)))
    return row


def unsubscribe(user_id: int, endpoint: str) -> bool:
    """Forget this browser for the person (flushed, not committed); False if
    it was not theirs."""
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
        )
    )
    return bool(getattr(result, "rowcount", 0))


def end_session_subscriptions(
    *, login_session_ids: Iterable[int] = (), user_id: int | None = None
) -> int:
    """The browsers turned on in these login sessions (or in any of the
    person's) hear nothing more (flushed, not committed): a member who logs
    out of a shared phone stops getting the group's alerts there. Returns how
    many went."""
    ids = sorted(set(login_session_ids))
    if user_id is not None:
        condition = PushSubscription.user_id == user_id
    elif ids:
        condition = PushSubscription.login_session_id.in_(ids)
    else:
        return 0
    result = db.session.execute(
        delete(PushSubscription).where(condition).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def subscription_count(user_id: int) -> int:
    """On how many browsers the person gets notifications."""
    return db.session.scalar(select(func.count()).where(PushSubscription.user_id == user_id)) or 0


def subscribed_in(login_session_id: int) -> bool:
    """Whether this login session turned notifications on (this browser)."""
    return (
        db.session.scalar(
            select(PushSubscription.id)
            .where(PushSubscription.login_session_id == login_session_id)
            .limit(1)
        )
        is not None
    )


def subscriptions_by_user(user_ids: Iterable[int]) -> dict[int, list[int]]:
    """The subscription ids of each person: one read."""
    ids = sorted(set(user_ids))
    found: dict[int, list[int]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(PushSubscription.user_id, PushSubscription.id)
        .where(PushSubscription.user_id.in_(ids))
        .order_by(PushSubscription.id)
    )
    for user_id, subscription_id in rows:
        found.setdefault(user_id, []).append(subscription_id)
    return found


# --- the notification ---------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payload(title: str, body: str, url: str, tag: str = "") -> str:
    """The JSON the service worker shows; at most PAYLOAD_MAX bytes."""
    data = {"title": _clip(title, TITLE_MAX), "body": _clip(body, BODY_MAX), "url": url}
    if tag:
        data["tag"] = tag
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > PAYLOAD_MAX:
        raise ValueError("a push payload is larger than PAYLOAD_MAX")
    return text


def push_message(
    kind: str,
    subscription: int | Mapping[str, str],
    title: str,
    body: str,
    url: str,
    locale: str,
    tag: str = "",
) -> OutboxMessage:
    """One notification to one browser, not yet in the session (for `queue_all`).

    `subscription` is a person's `PushSubscription` id (read when it is
    sent), or the browser itself, {"endpoint", "p256dh", "auth"}, for a
    subscription notify does not keep (a buyer's, tied to an order and gone
    with it): kept in the row's `params` until it is sent."""
    if isinstance(subscription, int):
        recipient, target = f"{RECIPIENT_PREFIX}{subscription}", ""
    else:
        recipient = f"{RECIPIENT_PREFIX}{urlsplit(subscription['endpoint']).hostname}"
        target = json.dumps(
            {key: subscription[key] for key in ("endpoint", "p256dh", "auth")},
            separators=(",", ":"),
        )
    return OutboxMessage(
        kind=kind,
        channel=OutboxChannel.PUSH.value,
        recipient=recipient[:254],
        subject=_clip(title, TITLE_MAX),
        body_text=payload(title, body, url, tag),
        params=target,
        locale=locale,
    )


# --- delivery -----------------------------------------------------------------


@dataclass(frozen=True)
class PushNotification:
    recipient: str  # "push:<subscription id>", or "push:<host>" with `target`
    payload: str
    reference: str = ""
    target: Mapping[str, str] | None = None  # the browser, when not kept by notify


class PushSender:
    """Sends each notification with pywebpush, signed with the site's VAPID key."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        if not push_enabled(config):
            raise PermanentFailure("web push is off: VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY unset")
        self.vapid = Vapid.from_string(config["VAPID_PRIVATE_KEY"])
        self.subject = vapid_subject(config)
        self.rules = endpoint_rules(config)
        self.session = requests.Session()

    def send(self, message: PushNotification) -> None:
        subscription = None
        if message.target is not None:
            endpoint, p256dh, auth = (message.target[k] for k in ("endpoint", "p256dh", "auth"))
        else:
            subscription_id = int(message.recipient.removeprefix(RECIPIENT_PREFIX))
            subscription = db.session.get(PushSubscription, subscription_id)
            if subscription is None:
                raise PermanentFailure("the browser's subscription was removed")
            endpoint, p256dh, auth = subscription.endpoint, subscription.p256dh, subscription.auth
        # Checked again as it is sent: a name may resolve elsewhere by now.
        try:
            endpoint = checked_endpoint(endpoint, **self.rules).url
        except EndpointRefused as refused:
            if refused.reason == "unreachable":  # DNS may answer again later
                raise TemporaryFailure("the push service's name did not resolve") from None
            if subscription is not None:
                db.session.delete(subscription)
            raise PermanentFailure(f"the endpoint is refused ({refused.reason})") from None
        info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        try:
            webpush(
                info,
                message.payload,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.subject},
                ttl=TTL_SECONDS,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                requests_session=self.session,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            host = urlsplit(endpoint).hostname
            if status in (404, 410):
                if subscription is not None:
                    db.session.delete(subscription)
                raise PermanentFailure(
                    f"HTTP {status} from {host}: the subscription is gone"
                    + ("; deleted" if subscription is not None else "")
                ) from None
            raise TemporaryFailure(f"HTTP {status} from {host}") from None
        except requests.RequestException as exc:
            raise TemporaryFailure(f"{type(exc).__name__} talking to the push service") from None
        if subscription is not None:
            db.session.execute(
                update(PushSubscription)
                .where(PushSubscription.id == subscription.id)
                .values(last_success_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    def close(self) -> None:
        self.session.close()

"""Notification fixtures: an order with lines, a real SMTP server on 127.0.0.1,
and a session whose commits are real (for other threads and connections)."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete

from shop.extensions import db
from shop.notify import outbox
from shop.notify.models import OutboxMessage
from shop.notify.push import generate_vapid_keys
from shop.orders.models import Order
from tests.factories import BankAccountFactory, GroupFactory, OrderFactory
from tests.fakes.web_push import FakePushService
from tests.fakes.web_push import serve as serve_push
from tests.fakes.whatsapp_graph import FakeGraph
from tests.fakes.whatsapp_graph import serve as serve_graph
from tests.redis_server import free_port


@pytest.fixture(autouse=True)
def _links(app, monkeypatch):
    """Real links once the order pages are registered; a stand-in until then."""
    if "orders.track" in app.view_functions and "orders.manage_order" in app.view_functions:
        return

    def stub(endpoint: str, **values: Any) -> str:
        return f"http://etalase.test/{endpoint}/" + "/".join(str(v) for v in values.values())

    monkeypatch.setattr(outbox, "absolute_url", stub)


@pytest.fixture
def make_order():
    """An order of Rp50.000 to a group with a bank account, by a buyer with an
    e-mail address, in Indonesian; `group`, `lines` and any field may be given."""

    def _make(group=None, lines=None, **fields: Any) -> Order:
        if group is None:
            group = GroupFactory(
                name="Kelompok Dapur Ibu — Jambi",
                pickup_address="Jl. Kapten Pattimura No. 7\nKota Jambi",
            )
            BankAccountFactory(group=group, account_holder="Sri")
        values: dict[str, Any] = {
            "buyer_name": "Siti Nur’aini",
            "buyer_email": "siti@example.test",
            "address": "Jl. Sultan Thaha 12, Jambi",
            "locale": "id",
            "subtotal": 50000,
            "unique_code": 123,
            **fields,
        }
        return OrderFactory(
            group=group, lines=lines or [("Abon Lele Pedas", 25000, 2)], events=(), **values
        )

    return _make


class RecordingHandler:
    """Keeps what it accepts; answers `reply` to DATA instead when it is set."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.reply: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.reply:
            return self.reply
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in self.envelopes
        ]


@pytest.fixture
def smtp_server(app, monkeypatch) -> Iterator[RecordingHandler]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", str(controller.port))
    monkeypatch.setitem(app.config, "MAIL_FROM", "Etalase <pesanan@etalase.test>")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", "5")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    return free_port()


@pytest.fixture
def committed(app, monkeypatch) -> Iterator[None]:
    """db.session commits for real, so other threads' connections see the rows.

    The test's usual rolled-back transaction would hide them; the outbox rows
    made here are deleted afterwards.
    """
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def graph_server() -> Iterator[FakeGraph]:
    with serve_graph(FakeGraph()) as fake:
        yield fake


@pytest.fixture
def graph_api(app, graph_server, monkeypatch) -> FakeGraph:
    """WhatsApp through the Cloud API, pointed at the fake Graph API; short
    timeouts, so a stalled answer is a timeout quickly."""
    graph_server.reset()
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "cloud")
    monkeypatch.setitem(app.config, "WHATSAPP_API_URL", graph_server.api_url)
    monkeypatch.setitem(app.config, "WHATSAPP_PHONE_NUMBER_ID", graph_server.phone_number_id)
    monkeypatch.setitem(app.config, "WHATSAPP_TOKEN", graph_server.token)
    # The default templates; the reset code is approved in English too.
    templates = dict(app.config["WHATSAPP_TEMPLATES"])
    templates["reset_code"] = {**templates["reset_code"], "languages": {"en": "en"}}
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", templates)
    monkeypatch.setitem(app.config, "WHATSAPP_CONNECT_TIMEOUT", 2.0)
    monkeypatch.setitem(app.config, "WHATSAPP_READ_TIMEOUT", 0.5)
    return graph_server


@pytest.fixture(scope="session")
def push_server() -> Iterator[FakePushService]:
    with serve_push(FakePushService()) as fake:
        yield fake


@pytest.fixture
def push_service(app, push_server, monkeypatch) -> FakePushService:
    """Web push on, with a VAPID key pair of its own; browsers subscribe at
    the fake push service (`push_service.browser()`)."""
    push_server.reset()
    private, public = generate_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    monkeypatch.setitem(app.config, "VAPID_SUBJECT", "mailto:operator@etalase.test")
    push_server.vapid_public_key = public
    return push_server

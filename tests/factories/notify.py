"""Notify: messages waiting in the outbox, browsers that take notifications."""

from __future__ import annotations

import factory

from shop.notify.models import OutboxMessage, PushSubscription
from shop.notify.push import generate_vapid_keys
from tests.factories.accounts import LoginSessionFactory, UserFactory
from tests.factories.base import Base


class OutboxMessageFactory(Base):
    """An e-mail due now, not sent yet."""

    class Meta:
        model = OutboxMessage

    kind = "test"
    recipient = factory.Sequence(lambda n: f"penerima{n}@example.test")
    subject = "Halo"
    body_text = "Pesanan Anda sudah dikonfirmasi."


class PushSubscriptionFactory(Base):
    """A browser of a person's that takes notifications, with a real P-256
    public key (a browser's own is as good: tests that read what was sent
    make theirs with tests.fakes.web_push.FakeBrowser), turned on in a live
    login session of that person (`login_session` to give one)."""

    class Meta:
        model = PushSubscription

    class Params:
        user = factory.SubFactory(UserFactory)
        login_session = factory.SubFactory(
            LoginSessionFactory, user=factory.SelfAttribute("..user")
        )

    user_id = factory.SelfAttribute("user.id")
    login_session_id = factory.SelfAttribute("login_session.id")
    endpoint = factory.Sequence(lambda n: f"https://push.example.test/send/{n}")
    p256dh = factory.LazyFunction(lambda: generate_vapid_keys()[1])
    auth = "c2VjcmV0LWF1dGgtMTZiIQ"

"""What payments add to orders goes through shop.orders.hooks: connected
once when the app is made, a paid order's cancellation refused without its
refund hook, and a page's own names winning over the hooks' names."""

from __future__ import annotations

import pytest

from shop.core.hooks import connect
from shop.orders import hooks
from shop.payments import refunds
from shop.payments.manage import group_order_context
from shop.payments.views import track_context


def test_the_app_connects_the_payments_hooks_once(app):
    assert hooks.PAID_ORDER_CANCELLED.count(refunds.refund_closed_order) == 1
    assert hooks.TRACK_PAGE.count(track_context) == 1
    assert hooks.GROUP_ORDER_PAGE.count(group_order_context) == 1


def test_connect_adds_a_function_once():
    found: list = []
    connect(found, print)
    connect(found, print)
    assert found == [print]


def test_a_paid_order_is_not_cancelled_without_its_refund(monkeypatch):
    monkeypatch.setattr(hooks, "PAID_ORDER_CANCELLED", [])
    with pytest.raises(RuntimeError):
        hooks.paid_order_cancelled(object(), None)  # type: ignore[arg-type]


def test_the_pages_own_names_win():
    page = [lambda order: {"proofs": ["theirs"], "proof_form": "theirs"}]
    context = hooks.page_context(page, object(), proof_form="refused")  # type: ignore[arg-type]
    assert context == {"proofs": ["theirs"], "proof_form": "refused"}

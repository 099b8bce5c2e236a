"""Card payments: the one rupiah conversion, when card is offered, reading sessions."""

from __future__ import annotations

import pytest
import stripe

from shop.groups.ordering import card_enabled
from shop.payments.stripe_api import SessionFacts, to_stripe_amount
from tests.fakes.stripe_api import decode_form


@pytest.mark.parametrize(
    ("rupiah", "sent"),
    [(25_000, 2_500_000), (1, 100), (0, 0), (12_345_678, 1_234_567_800)],
)
def test_idr_is_sent_in_hundredths_because_stripe_does_not_treat_it_as_zero_decimal(rupiah, sent):
    assert to_stripe_amount(rupiah) == sent


@pytest.mark.parametrize("bad", [-1, 2.5, "25000", True, None])
def test_only_whole_non_negative_rupiah_are_converted(bad):
    with pytest.raises(ValueError):
        to_stripe_amount(bad)


@pytest.mark.parametrize(
    ("secret", "webhook", "enabled"),
    [
        ("", "", False),
        ("sk_test_1", "", False),
        ("", "whsec_1", False),
        ("sk_test_1", "whsec_1", True),
    ],
)
def test_card_is_offered_only_with_both_keys(app, monkeypatch, secret, webhook, enabled):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", secret)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", webhook)
    assert card_enabled() is enabled


def test_session_facts_read_a_stripe_object_and_a_plain_dict_alike():
    data = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": 2_500_000,
        "currency": "IDR",
        "client_reference_id": "ET-AAAAAA",
        "metadata": {"order_number": "ET-BBBBBB"},
        "payment_intent": "pi_test_1",
        "expires_at": 1,
        "url": None,
    }
    from_object = SessionFacts.of(stripe.checkout.Session.construct_from(data, "sk_test_1"))

    assert from_object == SessionFacts.of(data)
    assert from_object.order_number == "ET-BBBBBB"  # metadata wins over the reference
    assert from_object.currency == "idr"
    assert SessionFacts.of({**data, "metadata": {}}).order_number == "ET-AAAAAA"


def test_the_fake_reads_stripes_nested_form_keys():
    body = (
        (
            "mode=payment&line_items[0][quantity]=3&line_items[0][price_data][unit_amount]=2500000"
            "&line_items[1][quantity]=1&metadata[order_number]=ET-AAAAAA"
        )
        .replace("[", "%5B")
        .replace("]", "%5D")
    )

    assert decode_form(body) == {
        "mode": "payment",
        "line_items": [
            {"quantity": "3", "price_data": {"unit_amount": "2500000"}},
            {"quantity": "1"},
        ],
        "metadata": {"order_number": "ET-AAAAAA"},
    }

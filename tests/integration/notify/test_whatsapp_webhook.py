"""The Cloud API's status webhook: Meta's handshake, signed reports of
delivered/read/failed recorded on the message they are about."""

from __future__ import annotations

import json

import pytest

from shop.extensions import db
from shop.notify.delivery import deliver_due
from shop.notify.messaging import queue_whatsapp
from shop.notify.models import OutboxMessage, OutboxStatus

URL = "/whatsapp/webhook"
VERIFY_TOKEN = "kata-rahasia-langganan-7f3a"


@pytest.fixture
def webhook(app, graph_api, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
    monkeypatch.setitem(app.config, "WHATSAPP_APP_SECRET", graph_api.app_secret)
    return graph_api


@pytest.fixture
def sent(webhook) -> OutboxMessage:
    """A verification code that the fake Graph API accepted."""
    message = queue_whatsapp("verify_code", "+6281234567890", "verify_code", ["482913"], "id")
    db.session.commit()
    assert deliver_due() == (1, 0, 0)
    return reload(message)


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def post(client, body: bytes, headers: dict[str, str]):
    return client.post(URL, data=body, headers=headers)


def test_the_subscription_handshake_answers_metas_challenge(client, webhook):
    answer = client.get(
        URL,
        query_string={
            "hub.mode": "subscribe",
            "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == "1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_a_handshake_without_the_verify_token_is_refused(client, webhook, query):
    answer = client.get(URL, query_string=query)
    assert answer.status_code == 403
    assert "1" not in answer.get_data(as_text=True)


def test_delivered_then_read_is_recorded_on_the_message(client, webhook, sent):
    body, headers = webhook.signed_status(sent.provider_message_id, "delivered")
    assert post(client, body, headers).status_code == 200
    assert reload(sent).provider_status == "delivered"

    body, headers = webhook.signed_status(sent.provider_message_id, "read")
    assert post(client, body, headers).status_code == 200
    assert reload(sent).provider_status == "read"

    # A late or repeated report never moves it back.
    body, headers = webhook.signed_status(sent.provider_message_id, "delivered")
    assert post(client, body, headers).status_code == 200
    read = reload(sent)
    assert read.provider_status == "read"
    assert read.status is OutboxStatus.SENT


def test_a_failure_after_acceptance_marks_the_message_failed_with_metas_reason(
    client, webhook, sent
):
    body, headers = webhook.signed_status(
        sent.provider_message_id,
        "failed",
        errors=[
            {
                "code": 131026,
                "title": "Message undeliverable",
                "error_data": {"details": "Receiver is incapable of receiving this message"},
            }
        ],
    )
    assert post(client, body, headers).status_code == 200
    failed = reload(sent)
    assert failed.status is OutboxStatus.FAILED
    assert failed.provider_status == "failed"
    assert "131026" in failed.last_error
    assert "Message undeliverable" in failed.last_error


def test_a_bad_signature_changes_nothing(client, webhook, sent):
    body, headers = webhook.signed_status(sent.provider_message_id, "read")
    forged = body.replace(b'"read"', b'"failed"')
    assert post(client, forged, headers).status_code == 403
    assert post(client, body, {"Content-Type": "application/json"}).status_code == 403
    bad = {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}
    assert post(client, body, bad).status_code == 403
    unchanged = reload(sent)
    assert unchanged.provider_status == ""
    assert unchanged.status is OutboxStatus.SENT


def test_reports_about_other_messages_and_other_events_are_accepted_and_ignored(
    client, webhook, sent
):
    body, headers = webhook.signed_status("wamid.someone-elses", "read")
    assert post(client, body, headers).status_code == 200
    message = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {"messages": [{"from": "6281234567890", "text": {"body": "ok"}}]},
                    }
                ]
            },
            "not an object",
        ],
    }
    raw = json.dumps(message).encode()
    signed = webhook.sign(raw)
    assert post(client, raw, signed).status_code == 200
    assert reload(sent).provider_status == ""


def test_a_signed_body_that_is_not_json_is_a_400(client, webhook):
    raw = b"not json"
    assert post(client, raw, webhook.sign(raw)).status_code == 400


def test_without_its_settings_the_webhook_is_not_there(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_VERIFY_TOKEN", "")
    monkeypatch.setitem(app.config, "WHATSAPP_APP_SECRET", "")
    assert client.get(URL, query_string={"hub.verify_token": ""}).status_code == 404
    assert client.post(URL, data=b"{}").status_code == 404

"""WhatsApp through the outbox: the real Cloud API client against a local fake
Graph API, retries, permanent errors, the log backend, and nothing lost or
sent twice."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.jobs import run_in_process_jobs
from shop.notify.cli import notify_cli
from shop.notify.delivery import BACKOFF, MAX_ATTEMPTS, deliver_due
from shop.notify.messaging import queue_whatsapp, whatsapp_enabled
from shop.notify.models import OutboxMessage, OutboxStatus
from tests.factories import UserFactory
from tests.fakes.http import serve_wsgi

PHONE = "+6281234567890"


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def queue_code(phone: str = PHONE, code: str = "482913", locale: str = "id") -> OutboxMessage:
    message = queue_whatsapp("verify_code", phone, "verify_code", [code], locale)
    assert message is not None
    return message


def test_a_code_reaches_the_cloud_api_as_an_approved_template(graph_api):
    message = queue_code()
    db.session.commit()

    assert deliver_due() == (1, 0, 0)

    [request] = graph_api.received
    assert request.path == f"/v21.0/{graph_api.phone_number_id}/messages"
    assert request.headers["Authorization"] == f"Bearer {graph_api.token}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "etalase_verify_code",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": "482913"}],
                },
            ],
        },
    }
    sent = reload(message)
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 1
    assert sent.provider_message_id.startswith("wamid.")
    assert sent.last_error == ""


def test_a_sent_code_is_masked_in_the_outbox(graph_api):
    message = queue_code(code="482913")
    db.session.commit()
    assert deliver_due() == (1, 0, 0)
    assert graph_api.messages[0]["template"]["components"][0]["parameters"][0]["text"] == "482913"
    sent = reload(message)
    assert "482913" not in sent.body_text + sent.subject + sent.params
    assert "••••••" in sent.body_text
    assert json.loads(sent.params) == ["••••••"]


def test_a_code_waiting_for_a_retry_keeps_it(graph_api):
    message = queue_code(code="482913")
    db.session.commit()
    graph_api.fail(1, status=500)
    assert deliver_due() == (0, 0, 1)
    assert json.loads(reload(message).params) == ["482913"]


def test_the_row_keeps_the_readable_words_and_the_template(graph_api):
    message = queue_whatsapp(
        "reset_code", PHONE, "reset_code", ["730114"], "en", context={"minutes": 15}
    )
    assert message.channel == "whatsapp"
    assert message.recipient == PHONE
    assert message.template == "reset_code"
    assert json.loads(message.params) == ["730114"]
    assert message.locale == "en"
    assert "730114" in message.body_text
    assert "15 minutes" in message.body_text
    assert "password" in message.body_text

    db.session.commit()
    assert deliver_due() == (1, 0, 0)
    # "en" has its own approved translation of this template.
    assert graph_api.messages[0]["template"]["language"] == {"code": "en"}


def test_indonesian_is_the_language_of_a_template_without_translations(graph_api):
    queue_code(locale="en")
    db.session.commit()
    assert deliver_due() == (1, 0, 0)
    assert graph_api.messages[0]["template"]["language"] == {"code": "id"}


def test_parameters_are_put_on_one_line_as_meta_requires(graph_api, app):
    templates = dict(app.config["WHATSAPP_TEMPLATES"])
    templates["verify_code"] = {"name": "etalase_verify_code", "copy_code_button": True}
    app.config["WHATSAPP_TEMPLATES"] = templates
    queue_code(code="48\n29\t13      7")
    db.session.commit()
    assert deliver_due() == (1, 0, 0)
    assert graph_api.messages[0]["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "48 29 13 7"}
    ]


def test_server_errors_timeouts_and_rate_limits_are_retried_then_delivered(graph_api, caplog):
    message = queue_code()
    db.session.commit()
    now = utcnow()

    graph_api.fail(1, status=500, code=2, message="Service temporarily unavailable")
    assert deliver_due(now=now) == (0, 0, 1)
    first = reload(message)
    assert first.status is OutboxStatus.PENDING
    assert "HTTP 500" in first.last_error and "Service temporarily unavailable" in first.last_error
    assert first.next_attempt_at == now + BACKOFF[0]

    # Not due before its time.
    assert deliver_due(now=now + BACKOFF[0] / 2) == (0, 0, 0)

    now += BACKOFF[0]
    graph_api.fail(1, status=429, code=130429, message="Rate limit hit")
    assert deliver_due(now=now) == (0, 0, 1)
    assert "130429" in reload(message).last_error

    now += BACKOFF[1]
    graph_api.stall(1)
    with caplog.at_level(logging.DEBUG):
        assert deliver_due(now=now) == (0, 0, 1)
    graph_api.release()
    timed_out = reload(message)
    assert "no answer from the WhatsApp Cloud API" in timed_out.last_error

    now += BACKOFF[2]
    assert deliver_due(now=now) == (1, 0, 0)
    delivered = reload(message)
    assert delivered.status is OutboxStatus.SENT
    assert delivered.attempts == 4
    assert delivered.last_error == ""
    assert graph_api.token not in caplog.text


def test_an_unreachable_api_is_retried(graph_api, app, closed_port):
    app.config["WHATSAPP_API_URL"] = f"http://127.0.0.1:{closed_port}/v21.0"
    message = queue_code()
    db.session.commit()
    assert deliver_due() == (0, 0, 1)
    assert "cannot reach the WhatsApp Cloud API" in reload(message).last_error


def test_a_template_meta_does_not_know_fails_at_once_with_the_reason(graph_api, app):
    templates = dict(app.config["WHATSAPP_TEMPLATES"])
    templates["verify_code"] = {"name": "etalase_verfy_code", "language": "id"}
    app.config["WHATSAPP_TEMPLATES"] = templates
    message = queue_code()
    db.session.commit()

    assert deliver_due() == (0, 1, 0)

    failed = reload(message)
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == 1
    assert "132001" in failed.last_error
    assert "etalase_verfy_code" in failed.last_error
    assert deliver_due(now=utcnow() + BACKOFF[-1]) == (0, 0, 0)


def test_a_refused_request_ends_failed_and_the_next_message_still_goes(graph_api):
    bad = queue_code(phone="+6281111111111")
    good = queue_code(phone="+6282222222222")
    db.session.commit()
    graph_api.fail(1, status=400, code=131026, message="Message Undeliverable.")

    assert deliver_due() == (1, 1, 0)

    assert reload(bad).status is OutboxStatus.FAILED
    assert "131026" in reload(bad).last_error
    assert reload(good).status is OutboxStatus.SENT
    assert [m["to"] for m in graph_api.messages] == ["6282222222222"]


def test_a_refused_token_is_retried_and_goes_out_once_it_is_replaced(graph_api, app, caplog):
    wrong = "EAAGwrong" + "x" * 40
    app.config["WHATSAPP_TOKEN"] = wrong
    message = queue_code()
    db.session.commit()
    now = utcnow()

    with caplog.at_level(logging.INFO):
        assert deliver_due(now=now) == (0, 0, 1)
    waiting = reload(message)
    assert waiting.status is OutboxStatus.PENDING
    assert "HTTP 401" in waiting.last_error and "190" in waiting.last_error
    assert "set a new WHATSAPP_TOKEN" in caplog.text
    assert wrong not in waiting.last_error
    assert wrong not in caplog.text

    app.config["WHATSAPP_TOKEN"] = graph_api.token
    assert deliver_due(now=now + BACKOFF[0]) == (1, 0, 0)
    assert reload(message).status is OutboxStatus.SENT


def test_after_the_last_attempt_the_message_is_failed_and_the_cli_sends_it_again(graph_api, app):
    message = queue_code()
    db.session.commit()
    graph_api.fail(MAX_ATTEMPTS, status=503, code=133004, message="Server unavailable")
    now = utcnow()
    for wait in (*BACKOFF, None):
        deliver_due(now=now)
        if wait is not None:
            now += wait
    failed = reload(message)
    assert failed.status is OutboxStatus.FAILED
    assert failed.attempts == MAX_ATTEMPTS

    runner = app.test_cli_runner()
    listed = runner.invoke(notify_cli, ["list"])
    assert f"#{message.id} failed whatsapp verify_code to {PHONE}" in listed.output
    assert "133004" in listed.output
    assert runner.invoke(notify_cli, ["retry", str(message.id)]).exit_code == 0
    assert runner.invoke(notify_cli, ["deliver"]).output.strip() == "Sent 1, to retry 0, failed 0."
    assert reload(message).status is OutboxStatus.SENT


def test_the_change_that_queued_a_message_is_kept_when_delivery_fails(graph_api):
    user = UserFactory(phone="+6285711112222")
    user.name = "Bu Sri (nomor diganti)"
    queue_code(phone=user.phone)
    graph_api.fail(1, status=500)
    db.session.commit()

    # What runs after the request's answer: delivery, which fails here.
    run_in_process_jobs()

    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Bu Sri (nomor diganti)"
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == user.phone)
    )
    assert message.status is OutboxStatus.PENDING
    assert "HTTP 500" in message.last_error
    assert len(graph_api.received) == 1


def test_a_rolled_back_change_sends_nothing(graph_api):
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    queue_code()
    db.session.rollback()
    run_in_process_jobs()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before
    assert deliver_due() == (0, 0, 0)
    assert graph_api.received == []


def test_two_workers_never_send_the_same_whatsapp_message(committed, graph_api, app):
    phones = [f"+628571000{i:04d}" for i in range(16)]
    for phone in phones:
        queue_code(phone=phone)
    db.session.commit()

    def worker() -> None:
        with app.app_context():
            deliver_due()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(m["to"] for m in graph_api.messages) == sorted(p[1:] for p in phones)
    assert len(graph_api.received) == 16
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert len({row.provider_message_id for row in rows}) == 16


def test_the_log_backend_logs_the_words(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    message = queue_code(locale="en")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="shop.notify.whatsapp"):
        assert deliver_due() == (1, 0, 0)
    assert PHONE in caplog.text
    assert "Your Etalase verification code: 482913." in caplog.text
    assert reload(message).status is OutboxStatus.SENT


def test_with_the_channel_off_nothing_is_queued(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "")
    assert not whatsapp_enabled()
    assert queue_whatsapp("verify_code", PHONE, "verify_code", ["1"], "id") is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_message_queued_before_the_channel_was_switched_off_waits(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    message = queue_code()
    db.session.commit()
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "")
    assert deliver_due() == (0, 0, 1)
    assert "WhatsApp is off" in reload(message).last_error


def test_missing_cloud_settings_are_recorded_on_the_message(graph_api, app):
    app.config["WHATSAPP_TOKEN"] = ""
    message = queue_code()
    db.session.commit()
    assert deliver_due() == (0, 0, 1)
    assert "WHATSAPP_TOKEN" in reload(message).last_error
    assert graph_api.received == []


@pytest.mark.parametrize(
    ("phone", "template", "params"),
    [
        ("081234567890", "verify_code", ["1"]),
        ("+62 812 3456 7890", "verify_code", ["1"]),
        (PHONE, "no_such_purpose", ["1"]),
        (PHONE, "verify_code", [" "]),
    ],
)
def test_programming_errors_are_refused_when_queued(app, monkeypatch, phone, template, params):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    with pytest.raises(ValueError):
        queue_whatsapp("verify_code", phone, template, params, "id")


def test_an_empty_number_queues_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "log")
    assert queue_whatsapp("verify_code", "", "verify_code", ["1"], "id") is None
    assert queue_whatsapp("verify_code", None, "verify_code", ["1"], "id") is None


def test_the_operator_sends_a_test_message_and_sees_metas_answer(graph_api, app):
    runner = app.test_cli_runner()
    result = runner.invoke(notify_cli, ["whatsapp-test", "0812-3456-7890"])
    assert result.exit_code == 0, result.output
    assert f"to {PHONE}: sent" in result.output
    assert "Meta's message id: wamid." in result.output
    assert graph_api.messages[0]["to"] == "6281234567890"

    graph_api.fail(1, status=400, code=131026, message="Message Undeliverable.")
    result = runner.invoke(notify_cli, ["whatsapp-test", "+6281234567890"])
    assert result.exit_code == 1
    assert "failed" in result.output and "131026" in result.output

    result = runner.invoke(notify_cli, ["whatsapp-test", "halo"])
    assert result.exit_code != 0 and "not a phone number" in result.output


def test_the_test_command_says_when_whatsapp_is_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_BACKEND", "")
    result = app.test_cli_runner().invoke(notify_cli, ["whatsapp-test", "081234567890"])
    assert result.exit_code != 0
    assert "WhatsApp is off" in result.output


def test_a_proxy_error_page_is_retried_with_its_status(graph_api, app):
    def bad_gateway(environ, start_response):
        start_response("502 Bad Gateway", [("Content-Type", "text/html")])
        return [b"<html><body><h1>502 Bad Gateway</h1>\n</body></html>"]

    message = queue_code()
    db.session.commit()
    with serve_wsgi(bad_gateway) as url:
        app.config["WHATSAPP_API_URL"] = f"{url}/v21.0"
        assert deliver_due() == (0, 0, 1)
    error = reload(message).last_error
    assert "HTTP 502: <html><body><h1>502 Bad Gateway</h1> </body></html>" in error

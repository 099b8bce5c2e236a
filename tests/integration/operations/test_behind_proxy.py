"""Behind a reverse proxy (PROXY_COUNT=1) limits key on the real client: one
person's wrong passwords never lock anybody else out of logging in."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests.conftest import make_live_app


@pytest.mark.no_db_transaction
def test_one_clients_wrong_passwords_do_not_limit_another(tmp_path_factory):
    # The per-account delay (tests/functional/accounts/test_throttle.py) is
    # lifted here: this is about the per-address limit only.
    app = make_live_app(
        tmp_path_factory,
        "proxy",
        PROXY_COUNT=1,
        LOGIN_RATE_LIMIT="10 per minute",
        LOGIN_FREE_FAILURES=1000,
    )
    with app.app_context():
        from tests.factories import PASSWORD, UserFactory

        UserFactory(phone="+6285700001111")
        db.session.commit()

    def login(client, address, password):
        # nginx appends the client's address to X-Forwarded-For; the app's own
        # peer is always the proxy (127.0.0.1).
        client.get("/masuk", headers={"X-Forwarded-For": address})
        return client.post(
            "/masuk",
            data={"login": "085700001111", "password": password},
            headers={"X-Forwarded-For": address},
        ).status_code

    attacker, neighbour = app.test_client(), app.test_client()
    codes = [login(attacker, "203.0.113.7", "salah-sekali-1") for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    # Someone else, through the same proxy, logs in at once.
    assert login(neighbour, "198.51.100.23", PASSWORD) == 302
    # A spoofed header in front of the real one does not reset the attacker's count.
    assert login(attacker, "10.9.9.9, 203.0.113.7", "salah-sekali-1") == 429

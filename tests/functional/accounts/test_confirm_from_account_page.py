"""'Confirm now' on the account page sends the code, then asks for it: the
code page, which says a code was sent, is never the first thing opened."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.accounts.recovery_models import AccountCode
from shop.extensions import db
from tests.factories import UserFactory
from tests.functional.accounts.recovery_support import (  # noqa: F401  (fixtures)
    _english,
    _recovery_limits,
    last_code,
    whatsapp_on,
)


@pytest.mark.usefixtures("whatsapp_on")
def test_confirm_now_sends_the_code_before_asking_for_it(client, login_as):
    user = UserFactory(phone="+6281255556666")
    db.session.commit()
    login_as(user)

    page = client.get("/akun").get_data(as_text=True)
    assert '<form method="post" action="/akun/verifikasi/kirim-ulang">' in page
    assert 'href="/akun/verifikasi"' not in page
    assert db.session.scalars(select(AccountCode)).all() == []

    answer = client.post("/akun/verifikasi/kirim-ulang")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/akun/verifikasi")
    code = last_code("verify_code", "+6281255556666")
    assert client.post("/akun/verifikasi", data={"code": code}).status_code == 303
    assert user.phone_verified_at is not None

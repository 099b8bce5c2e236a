"""`flask coordinators add` holds a new account's password to the same rules
as sign-up (shop.accounts.passwords): common, personal or keyboard passwords
are refused with the reason, and nothing is created."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.coordinators.models import Coordinator
from shop.extensions import db
from tests.factories import UserFactory

STRONG = "kopi tubruk di bawah pohon sawo"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["coordinators", *args], input=input)


def nothing_created() -> bool:
    db.session.expire_all()
    return (
        db.session.scalar(select(User).where(User.phone == "+6281355556666")) is None
        and db.session.scalar(select(db.func.count()).select_from(Coordinator)) == 0
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("rahasia-123", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("ratna081355556666", "too easy to guess"),
        ("pendek", "at least 8 characters"),
    ],
)
def test_a_weak_password_for_a_new_account_is_refused(app, password, reason):
    args = ["add", "--login", "0813-5555-6666", "--name", "Ratna Sari", "--password", password]
    result = run(app, *args)
    assert result.exit_code != 0 and reason in result.output
    assert nothing_created()


def test_a_weak_password_typed_at_the_prompt_is_refused(app):
    result = run(
        app,
        "add",
        "--login",
        "081355556666",
        "--name",
        "Ratna Sari",
        input="12345678abc\n12345678abc\n",
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert nothing_created()


def test_a_strong_password_makes_the_account(app):
    args = ["add", "--login", "081355556666", "--name", "Ratna Sari", "--password", STRONG]
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "+6281355556666"))
    assert user.check_password(STRONG)


def test_an_existing_account_keeps_its_password_and_needs_none(app):
    UserFactory(phone="+6281355556666")
    result = run(app, "add", "--login", "081355556666", "--password", "rahasia-123")
    assert result.exit_code == 0, result.output

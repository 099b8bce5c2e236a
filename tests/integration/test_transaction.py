"""The one transaction idiom (shop/transaction.py): what a view's service call
wrote is committed when it succeeds, undone when it is refused or fails, and
kept with the refusal only where the refusal counted something (a wrong code:
guessing must not undo its own count)."""

import pytest
from sqlalchemy import select

from shop.accounts.models import User
from shop.errors import CountedRefusal, DomainError
from shop.extensions import db
from shop.transaction import commit_or_flash, commit_or_raise, commit_or_show
from tests.factories import UserFactory


def _rename(user_id: int, name: str, error: Exception | None = None):
    def action():
        db.session.get(User, user_id).name = name
        db.session.flush()
        if error is not None:
            raise error
        return name

    return action


def _name(user_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.name).where(User.id == user_id))


@pytest.fixture
def member(app_ctx):
    user = UserFactory(name="Bu Sri")
    db.session.commit()
    return user.id


def test_a_service_that_succeeds_is_committed(member):
    assert commit_or_raise(_rename(member, "Bu Ani")) == "Bu Ani"
    db.session.rollback()
    assert _name(member) == "Bu Ani"


@pytest.mark.parametrize("error", [DomainError("refused"), RuntimeError("broken")])
def test_a_refused_or_failing_service_changes_nothing(member, error):
    with pytest.raises(type(error)):
        commit_or_raise(_rename(member, "Bu Ani", error))
    assert _name(member) == "Bu Sri"


def test_a_counted_refusal_keeps_what_it_counted(member):
    with pytest.raises(CountedRefusal):
        commit_or_raise(_rename(member, "Bu Ani", CountedRefusal("wrong code", field="name")))
    db.session.rollback()
    assert _name(member) == "Bu Ani"


def test_a_form_shows_the_refusal_on_its_field(member):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class NameForm(FlaskForm):
        name = StringField()

    form = NameForm(meta={"csrf": False})
    refusal = DomainError("Nama sudah dipakai", field="name")
    assert commit_or_show(form, _rename(member, "Bu Ani", refusal)) is None
    assert form.name.errors == ["Nama sudah dipakai"]
    assert _name(member) == "Bu Sri"


def test_a_button_flashes_the_refusal_and_changes_nothing(member):
    from flask import session

    assert not commit_or_flash(_rename(member, "Bu Ani", DomainError("Tidak boleh")), "Tersimpan")
    assert session["_flashes"] == [("error", "Tidak boleh")]
    assert _name(member) == "Bu Sri"
    assert commit_or_flash(_rename(member, "Bu Ani"), "Tersimpan")
    assert session["_flashes"][-1] == ("success", "Tersimpan")
    assert _name(member) == "Bu Ani"

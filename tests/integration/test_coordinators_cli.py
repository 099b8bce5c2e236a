"""`flask coordinators add|list|remove`: the operator creates coordinators and their scope."""

from __future__ import annotations

from sqlalchemy import select

from shop.accounts.models import User
from shop.coordinators.models import Coordinator
from shop.extensions import db
from shop.groups.models import Programme
from tests.factories import UserFactory


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["coordinators", *args], input=input)


def coordinator_of(login_phone: str) -> Coordinator | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Coordinator).join(Coordinator.user).where(User.phone == login_phone)
    )


def test_add_creates_account_with_scope_and_it_can_log_in(app, client):
    result = run(
        app,
        "add",
        "--login",
        "0813-1111-2222",
        "--name",
        "Bu Rina",
        "--password",
        "koordinator-1",
        "--programme",
        "uppka",
        "--region",
        "15",
        "--region",
        "32.73",
        "--organisation",
        "BKKBN Jambi",
    )
    assert result.exit_code == 0, result.output
    assert "Created account and made Bu Rina" in result.output
    assert "programmes uppka" in result.output and "JAMBI (15)" in result.output.upper()

    coordinator = coordinator_of("+6281311112222")
    assert coordinator.organisation == "BKKBN Jambi" and not coordinator.is_operator
    assert [p.programme for p in coordinator.programmes] == [Programme.UPPKA]
    assert sorted(((r.province_code, r.regency_code) for r in coordinator.regions), key=str) == [
        ("15", None),
        (None, "32.73"),
    ]
    response = client.post("/masuk", data={"login": "081311112222", "password": "koordinator-1"})
    assert response.status_code == 302
    assert client.get("/koordinator/").status_code == 200


def test_add_existing_person_keeps_password_and_replaces_scope(app):
    user = UserFactory(phone="+6281322223333")
    old_hash = user.password_hash
    assert run(app, "add", "--login", "081322223333", "--programme", "lapas").exit_code == 0
    again = run(app, "add", "--login", "081322223333", "--operator")
    assert again.exit_code == 0, again.output
    assert "Made" in again.output and "operator" in again.output

    coordinator = coordinator_of("+6281322223333")
    assert coordinator.is_operator and coordinator.programmes == []
    assert coordinator.user.password_hash == old_hash
    assert db.session.scalar(select(db.func.count()).select_from(Coordinator)) == 1


def test_add_refuses_unknown_region_and_bad_login_without_changing_anything(app):
    bad_region = run(
        app,
        "add",
        "--login",
        "081333334444",
        "--name",
        "X",
        "--password",
        "bukit-kopi-7-rinjani",
        "--region",
        "99.99",
    )
    assert bad_region.exit_code != 0 and "99.99 is not a province" in bad_region.output
    assert db.session.scalar(select(User).where(User.phone == "+6281333334444")) is None

    bad_login = run(app, "add", "--login", "not a phone", "--name", "X", "--password", "x" * 9)
    assert bad_login.exit_code != 0 and "valid WhatsApp number or email" in bad_login.output

    short = run(app, "add", "--login", "081333334444", "--name", "X", "--password", "short")
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    assert db.session.scalar(select(db.func.count()).select_from(Coordinator)) == 0


def test_add_asks_for_the_password_of_a_new_account(app):
    result = run(
        app,
        "add",
        "--login",
        "rina@example.org",
        "--name",
        "Rina",
        input="sawo-matang-di-pekarangan\nsawo-matang-di-pekarangan\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "rina@example.org"))
    assert user.check_password("sawo-matang-di-pekarangan")


def test_list_and_remove(app):
    assert "No coordinators yet" in run(app, "list").output
    run(
        app,
        "add",
        "--login",
        "081344445555",
        "--name",
        "Pak Budi",
        "--password",
        "bukit-kopi-7-rinjani",
        "--programme",
        "jps-tkm",
    )
    listing = run(app, "list").output
    assert "+6281344445555" in listing and "Pak Budi" in listing and "jps-tkm" in listing

    removed = run(app, "remove", "--login", "081344445555")
    assert removed.exit_code == 0 and "no longer a coordinator" in removed.output
    assert coordinator_of("+6281344445555") is None
    assert db.session.scalar(select(User).where(User.phone == "+6281344445555")) is not None
    again = run(app, "remove", "--login", "081344445555")
    assert again.exit_code != 0 and "Nobody with this login is a coordinator" in again.output

"""Sessions end on the server: a replayed cookie of an ended session is a
logged-out visitor on every private page, whichever cookie is replayed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts import sessions
from shop.accounts.models import LoginSession
from shop.accounts.recovery_models import AccountCode, CodePurpose
from shop.accounts.services import end_all_sessions
from shop.db import utcnow
from shop.extensions import db
from tests.factories import (
    PASSWORD,
    AccountCodeFactory,
    CoordinatorFactory,
    MembershipFactory,
    UserFactory,
)

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
SESSION, REMEMBER = "session", "remember_token"


@pytest.fixture
def leader():
    """A ketua who is also a coordinator: every kind of private page is hers."""
    membership = MembershipFactory(user=UserFactory(name="Ratna Sari"))
    CoordinatorFactory(user=membership.user, is_operator=True, organisation="LKKNU")
    db.session.commit()
    return membership


def private_pages(membership) -> list[str]:
    slug = membership.group.slug
    return ["/akun", f"/kelola/{slug}/pesanan", "/kelola", "/koordinator/"]


def log_in(app, user, *, remember=True, agent=ANDROID_CHROME):
    browser = app.test_client()
    response = browser.post(
        "/masuk",
        data={"login": user.phone, "password": PASSWORD, "remember": "y" if remember else ""},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def replay(app, browser, cookie_name: str):
    """A fresh browser holding only one of the cookies of `browser`."""
    cookie = browser.get_cookie(cookie_name)
    assert cookie is not None, f"no {cookie_name} cookie to replay"
    thief = app.test_client()
    thief.set_cookie(cookie_name, cookie.value)
    return thief


def assert_logged_out(browser, pages):
    for page in pages:
        response = browser.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/masuk"), page


def assert_logged_in(browser, pages):
    for page in pages:
        response = browser.get(page, follow_redirects=True)
        assert response.status_code == 200, page
        assert "/masuk" not in response.request.path, page


def test_both_cookies_open_the_private_pages_while_the_session_lives(app, leader):
    browser = log_in(app, leader.user)
    for name in (SESSION, REMEMBER):
        assert_logged_in(replay(app, browser, name), private_pages(leader))


@pytest.mark.parametrize("cookie_name", [SESSION, REMEMBER])
def test_cookies_of_a_logged_out_session_open_nothing(app, leader, cookie_name):
    browser = log_in(app, leader.user)
    thief = replay(app, browser, cookie_name)
    browser.post("/keluar")
    assert_logged_out(thief, private_pages(leader))
    assert_logged_out(browser, private_pages(leader))


@pytest.mark.parametrize("cookie_name", [SESSION, REMEMBER])
def test_log_out_on_all_devices_ends_every_browser(app, leader, cookie_name):
    phone = log_in(app, leader.user)
    laptop = log_in(app, leader.user, agent="Mozilla/5.0 (Windows NT 10.0) Firefox/133.0")
    thief = replay(app, phone, cookie_name)

    response = laptop.post("/akun/keluar-semua", follow_redirects=True)

    assert response.request.path == "/masuk"
    assert "all devices" in response.get_data(as_text=True) or "semua perangkat" in (
        response.get_data(as_text=True)
    )
    for browser in (phone, laptop, thief):
        assert_logged_out(browser, private_pages(leader))
    assert (
        db.session.scalar(
            select(func.count()).where(
                LoginSession.user_id == leader.user_id, LoginSession.ended_at.is_(None)
            )
        )
        == 0
    )


@pytest.mark.parametrize("cookie_name", [SESSION, REMEMBER])
def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, leader, cookie_name):
    phone = log_in(app, leader.user)
    laptop = log_in(app, leader.user)
    thief = replay(app, phone, cookie_name)

    changed = laptop.post(
        "/akun/sandi",
        data={
            "current": PASSWORD,
            "password": "kerupuk lele rawapasung 2024",
            "confirm": "kerupuk lele rawapasung 2024",
        },
    )

    assert changed.status_code == 302
    assert_logged_out(thief, private_pages(leader))
    assert_logged_out(phone, private_pages(leader))
    assert_logged_in(laptop, private_pages(leader))
    # The remember cookie given with the new session works on its own.
    assert_logged_in(replay(app, laptop, REMEMBER), ["/akun"])


def test_the_remember_cookie_alone_is_refused_once_the_session_expired(app, leader):
    browser = log_in(app, leader.user)
    thief = replay(app, browser, REMEMBER)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == leader.user_id))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_logged_out(thief, ["/akun"])


def test_a_forged_or_unknown_session_id_is_a_visitor(app, leader):
    browser = app.test_client()
    for forged in (f"{leader.user_id}:", f"{leader.user_id}:guess", "x:y", f"{leader.user_id}"):
        with browser.session_transaction() as cookie_session:
            cookie_session["_user_id"] = forged
        assert_logged_out(browser, ["/akun"])


def test_a_stale_cookie_is_cleared_on_the_next_visit(app, leader):
    browser = log_in(app, leader.user)
    thief = replay(app, browser, REMEMBER)
    browser.post("/keluar")
    response = thief.get("/akun")
    assert response.status_code == 302
    assert thief.get_cookie(REMEMBER) is None


def test_end_all_sessions_ends_every_row_of_the_person_only(app, leader):
    other = UserFactory()
    db.session.commit()
    for _ in range(3):
        log_in(app, leader.user)
    log_in(app, other)
    end_all_sessions(leader.user)
    db.session.commit()
    live = db.session.execute(
        select(LoginSession.user_id, func.count())
        .where(LoginSession.ended_at.is_(None))
        .group_by(LoginSession.user_id)
    ).all()
    assert live == [(other.id, 1)]


def test_the_account_page_lists_the_live_sessions(app, leader):
    log_in(app, leader.user, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1")
    browser = log_in(app, leader.user)
    ended = log_in(app, leader.user, agent="Mozilla/5.0 (Windows NT 10.0) Firefox/133.0")
    ended.post("/keluar")

    page = browser.get("/akun?hl=en")
    text = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "Ratna Sari" in text
    assert "Chrome · Android" in text and "Safari · iPhone" in text
    assert "Firefox · Windows" not in text
    assert text.count("this device") == 1
    assert 'action="/akun/keluar-semua"' in text
    assert 'href="/akun/sandi"' in text
    # The footer of every page leads to it.
    assert 'href="/akun"' in browser.get("/katalog").get_data(as_text=True)


def test_the_account_page_shows_jakarta_time(app, leader):
    browser = log_in(app, leader.user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == leader.user_id))
    row.last_seen_at = utcnow().replace(year=2026, month=12, day=4, hour=17, minute=5)
    db.session.commit()
    assert "5 Des 2026, 00.05" in browser.get("/akun").get_data(as_text=True)


def test_a_page_view_writes_last_seen_at_most_hourly(app, leader, count_queries):
    browser = log_in(app, leader.user)
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == leader.user_id))
    seen = row.last_seen_at
    browser.get("/akun")
    db.session.refresh(row)
    assert row.last_seen_at == seen

    row.last_seen_at = seen - timedelta(hours=2)
    db.session.commit()
    browser.get("/akun")
    db.session.refresh(row)
    assert row.last_seen_at > seen - timedelta(minutes=1)


def test_the_user_and_the_session_are_loaded_in_one_statement(app, count_queries):
    member = UserFactory()
    user_id = member.id
    token = sessions.start_session(member)
    db.session.commit()
    db.session.expunge_all()
    with app.test_request_context(), count_queries() as queries:
        user = sessions.load(f"{user_id}:{token}")
        assert user.coordinator is None and user.login_session.live(utcnow())
    assert queries.count == 1
    with app.test_request_context(), count_queries() as queries:
        assert sessions.load(f"{user_id}:not-{token}") is None
    assert queries.count == 1


def test_the_sweep_deletes_ended_and_expired_sessions(app, leader):
    log_in(app, leader.user)
    browser = log_in(app, leader.user)
    expired = log_in(app, leader.user)
    browser.post("/keluar")
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == leader.user_id).order_by(LoginSession.id)
    ).all()
    long_ago = utcnow() - timedelta(days=2)
    rows[1].ended_at = long_ago
    rows[2].expires_at = long_ago
    db.session.commit()

    assert sessions.sweep() == 2
    left = db.session.scalars(select(LoginSession.id).where(LoginSession.user_id == leader.user_id))
    assert list(left) == [rows[0].id]
    assert expired is not None


def test_the_sweep_deletes_codes_and_links_dead_for_a_day(app):
    """The same periodic task deletes one-time codes and links used, revoked or
    expired more than a day ago; live ones and those that died lately stay."""
    user = UserFactory()
    now = utcnow()
    long_ago, lately = now - timedelta(days=2), now - timedelta(hours=1)

    def code(purpose=CodePurpose.RESET_EMAIL, **times) -> AccountCode:
        return AccountCodeFactory(
            user=user,
            purpose=purpose,
            secret_hash="0" * 64,
            created_at=times.pop("created_at", long_ago - timedelta(hours=1)),
            expires_at=times.pop("expires_at", now + timedelta(hours=1)),
            **times,
        )

    kept = [
        code(created_at=now),
        code(used_at=lately),
        code(revoked_at=lately),
        code(expires_at=lately),
        code(CodePurpose.RESET_COORDINATOR, expires_at=now + timedelta(days=3)),
    ]
    code(used_at=long_ago)
    code(CodePurpose.VERIFY_PHONE, revoked_at=long_ago)
    code(CodePurpose.RESET_PHONE, expires_at=long_ago)
    db.session.commit()
    kept_ids = [row.id for row in kept]

    assert sessions.sweep() == 3
    left = db.session.scalars(select(AccountCode.id).order_by(AccountCode.id))
    assert list(left) == kept_ids


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (ANDROID_CHROME, "Chrome · Android"),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-A135F) SamsungBrowser/23.0 Chrome/115.0",
            "Samsung Internet · Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1",
            "Safari · iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge · Windows",
        ),
        ("curl/8.5.0", ""),
        ("", ""),
    ],
)
def test_device_labels(agent, label):
    assert sessions.device_label(agent) == label

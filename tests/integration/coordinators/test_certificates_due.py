"""`flask coordinators certificates-due`: one email per expiring certificate
to its group, once, however often cron runs it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.catalogue.models import CertificateKind, ProductStatus
from shop.coordinators.compliance.services import notify_expiring_certificates
from shop.core.clock import jakarta_today
from shop.extensions import db
from shop.notify.models import OutboxMessage
from tests.factories import GroupFactory, MembershipFactory, UserFactory, certified


def group_with_member(email="ketua@example.test"):
    group = GroupFactory(name="Kelompok Abon Jaya")
    MembershipFactory(group=group, user=UserFactory(email=email))
    return group


def certificate(group, days, kind=CertificateKind.PIRT, number="2063309010123-27", **fields):
    check = certified(days, kind=kind, number=number, group=group, **fields)
    db.session.commit()
    return check


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "certificate_expiring")
            .order_by(OutboxMessage.id)
        )
    )


def run(app):
    return app.test_cli_runner().invoke(args=["coordinators", "certificates-due"])


def test_run_twice_sends_one_email_per_certificate(app, app_ctx):
    group = group_with_member()
    check = certificate(group, 12)
    first = run(app)
    assert first.exit_code == 0, first.output
    assert "1 expiring certificate(s)" in first.output
    second = run(app)
    assert second.exit_code == 0 and "0 expiring certificate(s)" in second.output

    sent = messages()
    assert len(sent) == 1
    assert sent[0].recipient == "ketua@example.test"
    assert check.product.name in sent[0].subject and "PIRT" in sent[0].subject
    assert "2063309010123-27" in sent[0].body_text
    assert f"/kelola/{group.slug}/produk/{check.product_id}" in sent[0].body_text
    db.session.refresh(check)
    assert check.expiry_notified_at is not None


def test_only_certificates_due_within_30_days_still_on_the_product(app, app_ctx):
    group = group_with_member()
    due = [certificate(group, 30), certificate(group, 0), certificate(group, -2)]
    certificate(group, 31)
    certificate(group, None)
    changed = certificate(group, 5)
    changed.product.pirt_number = "9999999999999-99"
    certificate(group, 5, status=ProductStatus.ARCHIVED)
    db.session.commit()

    assert notify_expiring_certificates() == 3
    db.session.commit()
    sent = messages()
    assert len(sent) == 3
    names = {check.product.name for check in due}
    assert {next(n for n in names if n in m.subject) for m in sent} == names
    # The expired one says so (the group reads the site's default language).
    expired = next(m for m in sent if due[2].product.name in m.subject)
    assert "has expired" in expired.subject or "kedaluwarsa" in expired.subject


def test_every_member_with_an_email_hears_once(app, app_ctx):
    group = group_with_member("satu@example.test")
    MembershipFactory(group=group, user=UserFactory(email="dua@example.test"))
    MembershipFactory(group=group, user=UserFactory(email=None))
    certificate(group, 7, CertificateKind.HALAL, "ID33110000123450824")
    assert notify_expiring_certificates() == 1
    assert sorted(m.recipient for m in messages()) == ["dua@example.test", "satu@example.test"]
    assert notify_expiring_certificates() == 0
    assert len(messages()) == 2


def test_checking_again_with_a_new_date_arms_the_reminder_again(app, app_ctx, login_as, client):
    from shop.coordinators.compliance.services import check_certificate
    from tests.factories import CoordinatorFactory

    group = group_with_member()
    check = certificate(group, 3)
    notify_expiring_certificates()
    coordinator = CoordinatorFactory(is_operator=True)
    check_certificate(
        check.product,
        CertificateKind.PIRT,
        jakarta_today() + timedelta(days=20),
        by=coordinator.user,
    )
    db.session.commit()
    assert notify_expiring_certificates() == 1
    assert len(messages()) == 2


def test_cli_date_rules_with_a_given_day(app, app_ctx):
    """`today` is a parameter: what the cron run of another day would do."""
    group = group_with_member()
    certificate(group, 45)
    assert notify_expiring_certificates(jakarta_today()) == 0
    assert notify_expiring_certificates(jakarta_today() + timedelta(days=15)) == 1

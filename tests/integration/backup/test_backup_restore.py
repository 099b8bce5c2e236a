"""`flask backup create` → wipe → `flask backup restore` on a real site, on the suite's engine.

The site is the demo (groups, products with drawn photos, orders with lines
and tracking tokens, coordinators' audit entries, consignment) plus a transfer
proof a buyer sends from the tracking page. It lives in a database of its own
(the commands commit), loaded once per module: loading takes about ten seconds.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import url_for
from PIL import Image as PILImage
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from shop.catalogue.models import Product, ProductStatus
from shop.extensions import cache, db
from shop.groups.models import PaymentMethod
from shop.orders.models import Order, OrderStatus, PaymentStatus
from shop.payments.models import PaymentProof
from tests.conftest import make_live_app, make_test_app
from tests.factories import UserFactory
from tests.integration.backup.helpers import revision, stored_files, table_rows, wipe

pytestmark = pytest.mark.no_db_transaction

MIGRATIONS = str(Path(__file__).resolve().parents[3] / "migrations")
MEDIA_URL = re.compile(r"/media/[^\"'\s,?]+")


def jpeg() -> bytes:
    image = PILImage.new("RGB", (480, 640), (200, 120, 40))
    image.paste((20, 20, 20), (0, 0, 120, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def build_site(app) -> dict:
    """The demo loaded through its command, and a transfer proof sent through the
    tracking page; returns the addresses a buyer keeps (tracking link, product page)."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        order = db.session.scalars(
            select(Order)
            .where(
                Order.payment_method == PaymentMethod.TRANSFER,
                Order.status == OrderStatus.PLACED,
                Order.payment_status == PaymentStatus.UNPAID,
            )
            .order_by(Order.id)
        ).first()
        product = db.session.scalars(
            select(Product)
            .where(Product.status == ProductStatus.PUBLISHED, Product.photos.any())
            .order_by(Product.id)
        ).first()
        with app.test_request_context():
            track = url_for("orders.track", number=order.number, token=order.tracking_token)
            page = url_for(
                "catalogue.product", group_slug=product.group.slug, product_slug=product.slug
            )
    client = app.test_client()
    sent = client.post(f"{track}/bukti", data={"proof": (io.BytesIO(jpeg()), "transfer.jpg")})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    with app.app_context():
        proof_id = db.session.scalar(
            select(PaymentProof.id).where(PaymentProof.order_id == order.id)
        )
    return {"track": track, "product": page, "proof": f"{track}/bukti/{proof_id}"}


def what_a_visitor_sees(app, site: dict) -> dict:
    """What the buyer's old links show: the tracking page (its order number), the
    proof's bytes, and every photo on the product page with its bytes. Pages are
    compared by content, not byte for byte: each carries a fresh CSRF token."""
    with app.app_context():
        cache.clear()
    client = app.test_client()
    pages = {}
    for name in ("track", "proof", "product"):
        response = client.get(site[name])
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.get_data()
    number = site["track"].split("/")[2]
    assert number.encode() in pages["track"]
    photos = sorted(set(MEDIA_URL.findall(pages["product"].decode())))
    assert photos, "the product page shows no photo"
    seen = {"proof": pages["proof"]}
    for url in photos:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.get_data()
    return seen


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "backup")
    facts = build_site(app)
    yield app, facts
    with app.app_context():
        db.engine.dispose()


def test_backup_wipe_restore(site, tmp_path):
    app, facts = site
    runner = app.test_cli_runner()
    rows, files = table_rows(app), stored_files(app)
    seen = what_a_visitor_sees(app, facts)
    head = revision(app)
    assert rows["order_line"] and rows["audit_entry"] and rows["consignment"]
    assert rows["payment_proof"] and any(path.startswith("private/") for path in files)

    archive = tmp_path / "site.tar.gz"
    created = runner.invoke(args=["backup", "create", "--output", str(archive)])
    assert created.exit_code == 0, created.output
    assert "Backed up" in created.output and archive.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site.tar.gz"]

    wipe(app)
    restored = runner.invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output

    assert table_rows(app) == rows
    assert stored_files(app) == files
    assert revision(app) == head
    assert what_a_visitor_sees(app, facts) == seen
    with app.app_context():
        order_ids = [row[0] for row in rows["order"]]
        found = db.session.scalars(select(Product).where(Product.id == rows["product"][0][0]))
        assert (
            found.one().search_text
            == rows["product"][0][list(db.metadata.tables["product"].c.keys()).index("search_text")]
        )
        # New rows continue after the restored ids (PostgreSQL's sequences were reset).
        user = UserFactory(name="Pembeli Baru", phone="+6285799999999")
        db.session.commit()
        assert user.id > max(row[0] for row in rows["user"])
        db.session.delete(user)
        db.session.commit()
        assert db.session.scalar(select(func.max(Order.id))) == max(order_ids)

    upgraded = runner.invoke(args=["db", "upgrade", "--directory", MIGRATIONS])
    assert upgraded.exit_code == 0, upgraded.output
    assert revision(app) == head

    again = runner.invoke(args=["backup", "restore", str(archive)])
    assert again.exit_code != 0
    assert "not empty" in again.output and "Nothing was restored" in again.output
    assert table_rows(app) == rows
    assert stored_files(app) == files


@pytest.mark.postgresql_only
def test_move_from_sqlite_to_postgresql(tmp_path_factory, tmp_path):
    """An operator moves a SQLite site to PostgreSQL: backup there, restore here,
    into a database already migrated to the head (as a deploy script leaves it)."""
    folder = tmp_path_factory.mktemp("backupsqlite")
    source = make_test_app(
        tmp_path_factory,
        "backupsqlite",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'site.db'}",
        SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool},
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    facts = build_site(source)
    rows, files = table_rows(source), stored_files(source)
    seen = what_a_visitor_sees(source, facts)
    archive = tmp_path / "sqlite-site.tar.gz"
    created = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert created.exit_code == 0, created.output

    target = make_live_app(tmp_path_factory, "backupmove")
    assert make_url(str(target.config["SQLALCHEMY_DATABASE_URI"])).get_backend_name() == (
        "postgresql"
    )
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "from the sqlite backup" in restored.output
    assert table_rows(target) == rows
    assert stored_files(target) == files
    assert what_a_visitor_sees(target, facts) == seen
    with target.app_context():
        found, _ = _search(target, "abon")
        assert found
        db.engine.dispose()
    with source.app_context():
        db.engine.dispose()


def _search(app, words: str):
    from shop.catalogue.queries import CatalogueFilters, catalogue_page

    with app.test_request_context():
        page, _sort = catalogue_page(CatalogueFilters(q=words), 1, 50)
        return [product.name for product in page.items], page.total

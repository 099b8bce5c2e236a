"""Jobs read what they show in a transaction of their own that ends before
the slow work: while a share image is drawn, another writer (a checkout)
does not wait for it, even on SQLite, even at the end of a form's POST."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import create_engine, text

from shop.extensions import db
from shop.sharing import jobs as sharing_jobs
from tests.conftest import make_live_app
from tests.uploads import store_ready


def jpeg() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (700, 500), (30, 140, 90)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.no_db_transaction
def test_another_writer_does_not_wait_while_share_images_are_drawn(tmp_path_factory, monkeypatch):
    app = make_live_app(tmp_path_factory, "drawlock")
    with app.app_context():
        from tests.factories import ProductFactory, ProductPhotoFactory, VariantFactory

        image = store_ready(jpeg())
        product = ProductFactory()
        VariantFactory(product=product)
        ProductPhotoFactory(product=product, image=image, alt_text="")
        db.session.commit()
        product_id = product.id
        url = str(db.engine.url)

    other = create_engine(url, connect_args={"timeout": 0.2} if url.startswith("sqlite") else {})
    writes: list[bool] = []
    real_stored_path = sharing_jobs.stored_path

    def drawing(card):
        # In the middle of the job's slow part, someone else writes.
        with other.begin() as conn:
            conn.execute(text("UPDATE variant SET stock = stock WHERE id > 0"))
        writes.append(True)
        return real_stored_path(card)

    monkeypatch.setattr(sharing_jobs, "stored_path", drawing)
    # As at the end of a form's POST, where a transaction begins with the write lock.
    with app.test_request_context(method="POST"):
        drawn = sharing_jobs.prerender_product(product_id)

    other.dispose()
    assert drawn == 2 and writes == [True, True]  # one card per language

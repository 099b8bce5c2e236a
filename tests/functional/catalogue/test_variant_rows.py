"""A product edit posted by something other than our page (no row ids, odd
ids) gives the form back or saves what was posted; it is never a 500."""

import pytest

from shop.extensions import db
from tests.factories import MembershipFactory, ProductFactory, VariantFactory
from tests.functional.catalogue.test_manage_products import PRODUCT

RELOAD = "Muat ulang halaman."


def _edit(client, login_as, **rows):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    old_id = VariantFactory(product=product, label="100 g", price=20000, position=0).id
    login_as(membership.user)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}", data={**PRODUCT, **rows}
    )
    db.session.expire_all()
    return response, product, old_id


def test_rows_without_ids_are_new_rows_not_matched_by_position(client, login_as):
    response, product, old_id = _edit(client, login_as)
    assert response.status_code == 302
    assert [(v.label, v.price) for v in product.variants] == [("100 g", 25000), ("250 g", 55000)]
    assert old_id not in [v.id for v in product.variants]


@pytest.mark.parametrize("odd", ["²", "١٢", "abc", "-1", "1.0", "9" * 40, " 1 2 "])
def test_an_odd_variant_id_gives_the_form_back_with_a_message(client, login_as, odd):
    response, product, old_id = _edit(client, login_as, **{"variants-0-id": odd})
    assert response.status_code == 200
    assert RELOAD in response.get_data(as_text=True)
    assert [(v.id, v.price) for v in product.variants] == [(old_id, 20000)]


def test_the_rows_own_id_as_posted_by_the_page_still_edits_it(client, login_as):
    membership = MembershipFactory()
    product = ProductFactory(group=membership.group)
    old = VariantFactory(product=product, label="100 g", price=20000, position=0)
    login_as(membership.user)
    page = client.get(f"/kelola/{membership.group.slug}/produk/{product.id}")
    assert f'name="variants-0-id" type="hidden" value="{old.id}"' in page.get_data(as_text=True)
    response = client.post(
        f"/kelola/{membership.group.slug}/produk/{product.id}",
        data={**PRODUCT, "variants-0-id": f" {old.id} "},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(v.id, v.price) for v in product.variants][0] == (old.id, 25000)

"""Catalogue: products, their variants, photos and checked certificates."""

from __future__ import annotations

from datetime import timedelta

import factory

from shop.catalogue.models import (
    Category,
    CertificateKind,
    Product,
    ProductCertificate,
    ProductPhoto,
    ProductStatus,
    Variant,
)
from shop.core.clock import jakarta_today
from shop.extensions import db
from tests.factories.base import Base
from tests.factories.groups import GroupFactory
from tests.factories.media import ImageFactory


class ProductFactory(Base):
    class Meta:
        model = Product

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"Abon Ikan Lele {n}")
    slug = factory.Sequence(lambda n: f"abon-ikan-lele-{n}")
    category = Category.FOOD
    description = "Abon lele gurih tanpa pengawet."
    status = ProductStatus.PUBLISHED


class VariantFactory(Base):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    label = "100 g"
    price = 25000
    stock = 10
    min_order_qty = 1


class ProductPhotoFactory(Base):
    """A photo of a product: pass the stored `image=` (an image row with no
    files behind it unless given)."""

    class Meta:
        model = ProductPhoto

    product = factory.SubFactory(ProductFactory)
    image = factory.SubFactory(ImageFactory)


class ProductCertificateFactory(Base):
    """A coordinator's check of a product's permit number (the one the product
    carries unless given), expiring in `days` (never when None)."""

    class Meta:
        model = ProductCertificate

    class Params:
        days = None

    product = factory.SubFactory(ProductFactory)
    kind = CertificateKind.PIRT
    number = factory.LazyAttribute(lambda o: getattr(o.product, o.kind.product_field))
    expires_on = factory.LazyAttribute(
        lambda o: None if o.days is None else jakarta_today() + timedelta(days=o.days)
    )


def certified(days, *, kind=CertificateKind.PIRT, number="P-1", **product_fields):
    """A product carrying permit `number` and a check of it expiring in `days`."""
    product = ProductFactory(**{kind.product_field: number}, **product_fields)
    return ProductCertificateFactory(product=product, kind=kind, days=days)


def listed_product(name=None, group=None, *, price=25000, stock=10, variants=None, **fields):
    """A product as the catalogue lists it, flushed with its derived columns
    filled: one variant of `price` with `stock` (or `variants`, a list of
    VariantFactory keyword dicts), of `group` (a new one unless given)."""
    from shop.catalogue.services import refresh_derived

    if name is not None:
        fields["name"] = name
    product = ProductFactory(group=group or GroupFactory(), **fields)
    for values in variants or [{"price": price, "stock": stock}]:
        VariantFactory(product=product, **values)
    refresh_derived(product)
    return product


def on_sale(group: str, product: str, *, price: int, stock: int) -> Variant:
    """A new group's product with one variant, published through the
    catalogue's services (as on the site: derived columns filled), committed."""
    from shop.catalogue.services import refresh_derived, set_status

    made = ProductFactory(group=GroupFactory(name=group), name=product, status=ProductStatus.DRAFT)
    variant = VariantFactory(product=made, price=price, stock=stock)
    set_status(made, ProductStatus.PUBLISHED)
    refresh_derived(made)
    db.session.commit()
    return variant

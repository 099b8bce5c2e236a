from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.codes import SHORT_CODE_ALPHABET, random_code
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.groups.models import Group
from shop.media.models import Image

# The /s/<code> short link of a product (see shop.marketing.codes).
PRODUCT_CODE_LENGTH = 6


def new_product_code() -> str:
    return random_code(SHORT_CODE_ALPHABET, PRODUCT_CODE_LENGTH)


class Category(enum.StrEnum):
    SNACKS = "makanan-ringan"
    FOOD = "makanan"
    DRINKS = "minuman"
    SPICES = "bumbu-sambal"
    CAKES = "kue"
    CRAFTS = "kerajinan"
    KNITTING = "rajutan"
    CLOTHING = "pakaian-batik"
    FARM = "hasil-tani"
    HOUSEHOLD = "rumah-tangga"
    SERVICES = "jasa"
    OTHER = "lainnya"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.SNACKS: _l("Snacks and crackers"),
    Category.FOOD: _l("Food and floss"),
    Category.DRINKS: _l("Drinks"),
    Category.SPICES: _l("Spices and sambal"),
    Category.CAKES: _l("Cakes and cookies"),
    Category.CRAFTS: _l("Crafts"),
    Category.KNITTING: _l("Knitting and sewing"),
    Category.CLOTHING: _l("Clothing and batik"),
    Category.FARM: _l("Farm produce"),
    Category.HOUSEHOLD: _l("Household goods"),
    Category.SERVICES: _l("Services"),
    Category.OTHER: _l("Other"),
}


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self):
        return {
            ProductStatus.DRAFT: _l("Draft"),
            ProductStatus.PUBLISHED: _l("Published"),
            ProductStatus.ARCHIVED: _l("Archived"),
        }[self]


class PackagingType(enum.StrEnum):
    STANDING_POUCH = "standing-pouch"
    PLASTIC_BAG = "plastik"
    JAR = "toples"
    BOTTLE = "botol"
    BOX = "kotak"
    CAN = "kaleng"
    PAPER = "kertas"
    WOVEN = "anyaman"
    NONE = "tanpa-kemasan"

    @property
    def label(self):
        return PACKAGING_LABELS[self]


PACKAGING_LABELS = {
    PackagingType.STANDING_POUCH: _l("Standing pouch"),
    PackagingType.PLASTIC_BAG: _l("Plastic bag"),
    PackagingType.JAR: _l("Jar"),
    PackagingType.BOTTLE: _l("Bottle"),
    PackagingType.BOX: _l("Box"),
    PackagingType.CAN: _l("Tin"),
    PackagingType.PAPER: _l("Paper wrap"),
    PackagingType.WOVEN: _l("Woven basket"),
    PackagingType.NONE: _l("Unpackaged"),
}


class NetUnit(enum.StrEnum):
    GRAM = "g"
    KILOGRAM = "kg"
    MILLILITRE = "ml"
    LITRE = "l"
    PIECE = "pcs"

    @property
    def label(self):
        return {
            NetUnit.GRAM: _l("g"),
            NetUnit.KILOGRAM: _l("kg"),
            NetUnit.MILLILITRE: _l("ml"),
            NetUnit.LITRE: _l("l"),
            NetUnit.PIECE: _l("pcs"),
        }[self]


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("group_id", "slug", name="uq_product_group_slug"),
        Index("ix_product_public", "status", "published_at"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days >= 0", name="shelf_life"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(90))
    # The /s/<code> short link; create_product picks a free one, the default
    # covers rows made elsewhere (bulk loads, test factories).
    short_code: Mapped[str] = mapped_column(
        String(12), unique=True, index=True, default=new_product_code
    )
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[Category] = enum_column(Category, length=30, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    catalogue_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ProductStatus] = enum_column(ProductStatus, default=ProductStatus.DRAFT)

    packaging_type: Mapped[PackagingType | None] = enum_column(PackagingType, length=30)
    net_content: Mapped[int | None]
    net_unit: Mapped[NetUnit | None] = enum_column(NetUnit, length=10)
    length_cm: Mapped[int | None]
    width_cm: Mapped[int | None]
    height_cm: Mapped[int | None]
    shelf_life_days: Mapped[int | None]
    storage_instructions: Mapped[str] = mapped_column(Text, default="")
    ingredients: Mapped[str] = mapped_column(Text, default="")
    allergens: Mapped[str] = mapped_column(String(300), default="")
    pirt_number: Mapped[str] = mapped_column(String(40), default="")
    halal_number: Mapped[str] = mapped_column(String(60), default="")
    bpom_number: Mapped[str] = mapped_column(String(40), default="")

    # Derived from the variants by the service that saves them, so the
    # catalogue can filter and sort by price in one indexed query.
    price_min: Mapped[Rupiah | None] = mapped_column(index=True)
    price_max: Mapped[Rupiah | None]
    in_stock: Mapped[bool] = mapped_column(default=False)
    # Normalised (spelling variants folded) name, group, category and
    # description; what full-text search indexes.
    search_text: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    # Moderation: a coordinator hid the product from the public site with a
    # reason the group sees; the group fixes it and asks for review.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    review_requested_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship()
    # Positions follow the order of these lists (ordering_list): an append,
    # insert, pop or remove renumbers them; after assigning a whole list,
    # call reorder().
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="Variant.position",
        collection_class=ordering_list("position"),
    )
    photos: Mapped[list[ProductPhoto]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductPhoto.position",
        collection_class=ordering_list("position"),
    )

    certificates: Mapped[list[ProductCertificate]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductCertificate.kind"
    )

    @property
    def is_public(self) -> bool:
        return (
            self.status is ProductStatus.PUBLISHED
            and self.hidden_at is None
            and self.group.is_public
        )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def cover_photo(self) -> ProductPhoto | None:
        return self.photos[0] if self.photos else None

    @property
    def dimensions(self) -> tuple[int, int, int] | None:
        if self.length_cm and self.width_cm and self.height_cm:
            return (self.length_cm, self.width_cm, self.height_cm)
        return None


class Variant(Base):
    __tablename__ = "variant"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_nonnegative"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_nonnegative"),
        CheckConstraint("min_order_qty >= 1", name="min_order_qty"),
        CheckConstraint("lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(60))
    price: Mapped[Rupiah]
    # None means made to order: no stock is tracked, the group makes it within
    # lead_time_days.
    stock: Mapped[int | None]
    lead_time_days: Mapped[int | None]
    min_order_qty: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def made_to_order(self) -> bool:
        return self.stock is None

    @property
    def available(self) -> bool:
        return self.made_to_order or (self.stock or 0) >= self.min_order_qty


class ProductPhoto(Base):
    __tablename__ = "product_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    image_id: Mapped[int] = mapped_column(ForeignKey("image.id"), index=True)
    alt_text: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship(lazy="joined", innerjoin=True)


class CertificateKind(enum.StrEnum):
    PIRT = "pirt"
    HALAL = "halal"
    BPOM = "bpom"

    @property
    def label(self):
        return {
            CertificateKind.PIRT: _l("PIRT"),
            CertificateKind.HALAL: _l("Halal"),
            CertificateKind.BPOM: _l("BPOM"),
        }[self]

    @property
    def product_field(self) -> str:
        return f"{self.value}_number"


class ProductCertificate(Base):
    """A coordinator's check of one of a product's numbers (PIRT, halal, BPOM).

    The badge shows while `number` still equals the number on the product
    (the group editing it takes the badge away) and `expires_on` has not
    passed (an expired certificate loses it by itself).
    """

    __tablename__ = "product_certificate"
    __table_args__ = (UniqueConstraint("product_id", "kind", name="uq_product_certificate_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    kind: Mapped[CertificateKind] = enum_column(CertificateKind, length=10)
    number: Mapped[str] = mapped_column(String(60))
    expires_on: Mapped[date | None] = mapped_column(index=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # When the group was told the certificate is about to expire (once).
    expiry_notified_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(back_populates="certificates")

    def is_valid(self, today: date) -> bool:
        current = getattr(self.product, self.kind.product_field)
        return self.number == current and (self.expires_on is None or self.expires_on >= today)

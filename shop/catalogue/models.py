from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.codes import SHORT_CODE_ALPHABET, random_code
from shop.core.enums import LabelledEnum
from shop.core.short_codes import PRODUCT_CODE_LENGTH
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.groups.models import Group, Programme
from shop.media.models import Image


def new_product_code() -> str:
    """A random /s/<code> short link for a product (see shop.core.short_codes)."""
    return random_code(SHORT_CODE_ALPHABET, PRODUCT_CODE_LENGTH)


class Category(LabelledEnum):
    SNACKS = "makanan-ringan", _l("Snacks and crackers")
    FOOD = "makanan", _l("Food and floss")
    DRINKS = "minuman", _l("Drinks")
    SPICES = "bumbu-sambal", _l("Spices and sambal")
    CAKES = "kue", _l("Cakes and cookies")
    CRAFTS = "kerajinan", _l("Crafts")
    KNITTING = "rajutan", _l("Knitting and sewing")
    CLOTHING = "pakaian-batik", _l("Clothing and batik")
    FARM = "hasil-tani", _l("Farm produce")
    HOUSEHOLD = "rumah-tangga", _l("Household goods")
    SERVICES = "jasa", _l("Services")
    OTHER = "lainnya", _l("Other")


class ProductStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    ARCHIVED = "archived", _l("Archived")


class PackagingType(LabelledEnum):
    STANDING_POUCH = "standing-pouch", _l("Standing pouch")
    PLASTIC_BAG = "plastik", _l("Plastic bag")
    JAR = "toples", _l("Jar")
    BOTTLE = "botol", _l("Bottle")
    BOX = "kotak", _l("Box")
    CAN = "kaleng", _l("Tin")
    PAPER = "kertas", _l("Paper wrap")
    WOVEN = "anyaman", _l("Woven basket")
    NONE = "tanpa-kemasan", _l("Unpackaged")


class NetUnit(LabelledEnum):
    GRAM = "g", _l("g")
    KILOGRAM = "kg", _l("kg")
    MILLILITRE = "ml", _l("ml")
    LITRE = "l", _l("l")
    PIECE = "pcs", _l("pcs")


class ShelfLifeUnit(LabelledEnum):
    """The unit a group gave the shelf life in; the days are stored in any
    case (consignment counts them), the unit says how to show them back."""

    DAY = "hari", _l("days")
    WEEK = "minggu", _l("weeks")
    MONTH = "bulan", _l("months")

    @property
    def days(self) -> int:
        # A month counts 30 days: the shorter side of a calendar month, so
        # goods are never shown as keeping longer than the group meant.
        return {"hari": 1, "minggu": 7, "bulan": 30}[self.value]


def listing_index(name: str, *columns) -> Index:
    """An index of listed products only (partial): each public list's filter
    and sort walk one of them, in order, and stop after a page."""
    return Index(name, *columns, sqlite_where=text("listed = 1"), postgresql_where=text("listed"))


# The public lists' orders (shop.catalogue.queries.SORTS), each alone and
# within a category, and the newest first within a region or a programme.
LISTING_INDEXES = (
    listing_index("ix_listing_newest", "published_at", "id"),
    listing_index("ix_listing_price_asc", "price_min", "id"),
    listing_index("ix_listing_price_desc", "price_max", "id"),
    listing_index("ix_listing_name", "name", "id"),
    listing_index("ix_listing_category_newest", "category", "published_at", "id"),
    listing_index("ix_listing_category_price_asc", "category", "price_min", "id"),
    listing_index("ix_listing_category_price_desc", "category", "price_max", "id"),
    listing_index("ix_listing_category_name", "category", "name", "id"),
    listing_index("ix_listing_province_newest", "province_code", "published_at", "id"),
    listing_index("ix_listing_regency_newest", "regency_code", "published_at", "id"),
    listing_index("ix_listing_programme_newest", "programme", "published_at", "id"),
    listing_index("ix_listing_group_newest", "group_id", "published_at", "id"),
)


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("group_id", "slug", name="uq_product_group_slug"),
        Index("ix_product_public", "status", "published_at"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days >= 0", name="shelf_life"),
        *LISTING_INDEXES,
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
    # None for days (products saved before units existed).
    shelf_life_unit: Mapped[ShelfLifeUnit | None] = enum_column(ShelfLifeUnit, length=10)
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
    # The listing (shop.catalogue.listing keeps it): whether anyone may see
    # the product (published, not hidden, its group active) and the group's
    # programme and region, so a public list reads this table alone.
    listed: Mapped[bool] = mapped_column(default=False, server_default=false())
    programme: Mapped[Programme | None] = enum_column(Programme)
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5))
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
    # The open pre-order round the product is in (shop.rounds keeps it; a
    # plain integer: catalogue knows nothing of rounds), so its pages know
    # without another statement whether there is a round to show.
    preorder_round_id: Mapped[int | None] = mapped_column(index=True)

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
    def shelf_life_as_entered(self) -> tuple[int, ShelfLifeUnit] | None:
        """The shelf life in the unit it was given in (14 days entered as
        2 weeks: (2, WEEK)), in days when the days do not divide into it."""
        days = self.shelf_life_days
        if not days:
            return None
        unit = self.shelf_life_unit or ShelfLifeUnit.DAY
        if days % unit.days:
            unit = ShelfLifeUnit.DAY
        return days // unit.days, unit

    def shelf_life_text(self) -> str:
        """The shelf life in words, "2 minggu" / "2 weeks"; empty when not given."""
        if self.shelf_life_as_entered is None:
            return ""
        amount, unit = self.shelf_life_as_entered
        if unit is ShelfLifeUnit.MONTH:
            return ngettext("%(num)d month", "%(num)d months", amount)
        if unit is ShelfLifeUnit.WEEK:
            return ngettext("%(num)d week", "%(num)d weeks", amount)
        return ngettext("%(num)d day", "%(num)d days", amount)

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


class CertificateKind(LabelledEnum):
    PIRT = "pirt", _l("PIRT")
    HALAL = "halal", _l("Halal")
    BPOM = "bpom", _l("BPOM")

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

"""Writes for products: create, edit, variants, photos and publication status."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from shop.catalogue.models import (
    Category,
    NetUnit,
    PackagingType,
    Product,
    ProductPhoto,
    ProductStatus,
    ShelfLifeUnit,
    Variant,
)
from shop.core.cache import mark_public_change
from shop.core.short_codes import PRODUCT_CODE_LENGTH, unique_code
from shop.core.text import clean_line, clean_multiline, slugify, unique_slug
from shop.db import utcnow
from shop.errors import DomainError
from shop.extensions import db
from shop.groups.models import Group
from shop.jobs import enqueue_after_commit
from shop.media.images import refused_file
from shop.media.services import store_image

MAX_PHOTOS = 8
MAX_VARIANTS = 10


@dataclass
class ProductData:
    name: str
    category: str
    description: str = ""
    catalogue_only: bool = False
    packaging_type: str | None = None
    net_content: int | None = None
    net_unit: str | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    shelf_life_days: int | None = None
    shelf_life_unit: str | None = None  # a ShelfLifeUnit value; None: days
    storage_instructions: str = ""
    ingredients: str = ""
    allergens: str = ""
    pirt_number: str = ""
    halal_number: str = ""
    bpom_number: str = ""


@dataclass
class VariantData:
    label: str
    price: int
    stock: int | None = None  # None: made to order
    lead_time_days: int | None = None
    min_order_qty: int = 1
    id: int | None = None
    remove: bool = False


@dataclass
class PhotoUpload:
    file: object
    alt_text: str = ""
    name: str = ""  # the file's name as sent, to say which one was refused


def _enum(enum_cls, value, field, message):
    if value in (None, ""):
        return None
    try:
        return enum_cls(value)
    except ValueError:
        raise DomainError(message, field=field) from None


def _apply_data(product: Product, data: ProductData) -> None:
    product.name = clean_line(data.name, 120)
    if len(product.name) < 3:
        raise DomainError(_l("The product name is too short."), field="name")
    product.category = _enum(Category, data.category, "category", _l("Choose a category."))
    if product.category is None:
        raise DomainError(_l("Choose a category."), field="category")
    product.description = clean_multiline(data.description, 5000)
    product.catalogue_only = bool(data.catalogue_only)
    product.packaging_type = _enum(
        PackagingType, data.packaging_type, "packaging_type", _l("Choose a packaging type.")
    )
    product.net_unit = _enum(NetUnit, data.net_unit, "net_unit", _l("Choose a unit."))
    if data.net_content and product.net_unit is None:
        raise DomainError(_l("Choose the unit of the net content."), field="net_unit")
    for name in ("net_content", "length_cm", "width_cm", "height_cm", "shelf_life_days"):
        value = getattr(data, name)
        if value is not None and value < 0:
            raise DomainError(_l("The number cannot be negative."), field=name)
        setattr(product, name, value)
    product.shelf_life_unit = (
        _enum(ShelfLifeUnit, data.shelf_life_unit, "shelf_life_unit", _l("Choose a unit."))
        if product.shelf_life_days
        else None
    )
    product.storage_instructions = clean_multiline(data.storage_instructions, 500)
    product.ingredients = clean_multiline(data.ingredients, 1000)
    product.allergens = clean_line(data.allergens, 300)
    product.pirt_number = clean_line(data.pirt_number, 40)
    product.halal_number = clean_line(data.halal_number, 60)
    product.bpom_number = clean_line(data.bpom_number, 40)


def _apply_variants(product: Product, rows: list[VariantData]) -> None:
    """Update rows that carry the id of one of this product's variants, add
    the others, delete the ones marked for removal. At least one stays."""
    by_id = {v.id: v for v in product.variants}
    keep: list[Variant] = []
    for row in rows:
        variant = by_id.get(row.id) if row.id is not None else None
        if row.id is not None and variant is None:
            raise DomainError(_l("A variant of another product was sent. Reload the page."))
        if row.remove:
            continue
        label = clean_line(row.label, 60)
        if not label:
            raise DomainError(_l("Name the variant, e.g. 100 g."), field="variants")
        if row.price is None or row.price < 0:
            raise DomainError(_l("Give the price in rupiah."), field="variants")
        if row.stock is not None and row.stock < 0:
            raise DomainError(_l("Stock cannot be negative."), field="variants")
        if row.min_order_qty < 1:
            raise DomainError(_l("The minimum order must be at least 1."), field="variants")
        if variant is None:
            variant = Variant(product=product)
        variant.label = label
        variant.price = int(row.price)
        variant.stock = row.stock
        variant.lead_time_days = row.lead_time_days if row.stock is None else None
        variant.min_order_qty = row.min_order_qty
        keep.append(variant)
    if not keep:
        raise DomainError(_l("Add at least one variant with its price."), field="variants")
    if len(keep) > MAX_VARIANTS:
        raise DomainError(_l("A product can have at most 10 variants."), field="variants")
    labels = [v.label.lower() for v in keep]
    if len(set(labels)) != len(labels):
        raise DomainError(_l("Two variants have the same name."), field="variants")
    product.variants = keep
    product.variants.reorder()


def refresh_derived(product: Product) -> None:
    """Recompute what listings filter and sort on, and the search index entry."""
    from shop.catalogue import search

    prices = [v.price for v in product.variants]
    product.price_min = min(prices) if prices else None
    product.price_max = max(prices) if prices else None
    product.in_stock = (not product.catalogue_only) and any(
        v.stock is not None and v.stock >= v.min_order_qty for v in product.variants
    )
    product.search_text = search.index_text(product)
    db.session.flush()
    search.reindex_products([product.id])


def _slug_taken(group: Group):
    def taken(slug: str) -> bool:
        return (
            db.session.scalar(
                select(func.count()).where(Product.group_id == group.id, Product.slug == slug)
            )
            > 0
        )

    return taken


def _product_code_taken(code: str) -> bool:
    return db.session.scalar(select(func.count()).where(Product.short_code == code)) > 0


def create_product(
    group: Group,
    data: ProductData,
    variants: list[VariantData],
    photos: list[PhotoUpload] = (),
    *,
    publish: bool = False,
) -> Product:
    """A new product starts as a draft, or is published at once (`publish`);
    nothing is saved if any part is refused (a bad photo, publishing without
    a variant), because the caller rolls back on DomainError."""
    product = Product(group=group, slug="", status=ProductStatus.DRAFT)
    _apply_data(product, data)
    product.slug = unique_slug(slugify(product.name), _slug_taken(group))
    product.short_code = unique_code(PRODUCT_CODE_LENGTH, _product_code_taken)
    db.session.add(product)
    _apply_variants(product, variants)
    add_photos(product, photos)
    refresh_derived(product)
    if publish:
        set_status(product, ProductStatus.PUBLISHED)
    return product


def update_product(
    product: Product,
    data: ProductData,
    variants: list[VariantData],
    photos: list[PhotoUpload] = (),
) -> Product:
    _apply_data(product, data)
    _apply_variants(product, variants)
    add_photos(product, photos)
    refresh_derived(product)
    if product.status is ProductStatus.PUBLISHED:
        mark_public_change()
        _share_image_follows(product)
    return product


def _share_image_follows(product: Product) -> None:
    """Its share image may have changed (name, price): drawn by a job after the commit."""
    db.session.flush()
    enqueue_after_commit("shop.sharing.jobs.prerender_product", product.id)


def set_status(product: Product, status: ProductStatus) -> Product:
    if status is ProductStatus.PUBLISHED and not product.variants:
        raise DomainError(_l("Add at least one variant with its price before publishing."))
    if status is ProductStatus.PUBLISHED and product.published_at is None:
        product.published_at = utcnow()
    product.status = status
    db.session.flush()
    mark_public_change()
    if status is ProductStatus.PUBLISHED:
        _share_image_follows(product)
    return product


def _check_room(product: Product, adding: int) -> None:
    """At most MAX_PHOTOS, the product's own counted: checked before any is stored."""
    have = len(product.photos)
    if have + adding <= MAX_PHOTOS:
        return
    if have >= MAX_PHOTOS:
        message = _l(
            "A product can have at most 8 photos, and this one has 8. "
            "Remove one on its photos page first."
        )
    elif have:
        message = _l(
            "A product can have at most 8 photos. It has %(num)d already: "
            "choose at most %(room)d more.",
            num=have,
            room=MAX_PHOTOS - have,
        )
    else:
        message = _l("A product can have at most 8 photos.")
    raise DomainError(message, field="photo")


def add_photos(product: Product, uploads: list[PhotoUpload]) -> list[ProductPhoto]:
    """Add photos chosen together, in their order (the first of a product
    without photos is its cover). All or nothing: the room for all of them
    is checked first, and a refused file (not a photo, too big, over the
    group's daily quota, storage down) raises with its name, so the caller's
    rollback drops the others' rows and files (shop.media.ledger)."""
    uploads = list(uploads)
    _check_room(product, len(uploads))
    added = []
    for upload in uploads:
        try:
            added.append(add_photo(product, upload))
        except DomainError as refused:
            if upload.name and len(uploads) > 1:
                refused.message = refused_file(upload.name, refused.message)
            raise
    return added


def add_photo(product: Product, upload: PhotoUpload) -> ProductPhoto:
    _check_room(product, 1)
    image = store_image(upload.file, field="photo")
    photo = ProductPhoto(image=image, alt_text=clean_line(upload.alt_text, 200) or product.name)
    product.photos.append(photo)
    db.session.flush()
    if product.status is ProductStatus.PUBLISHED:
        mark_public_change()
    return photo


def _photo_of(product: Product, photo_id: int) -> ProductPhoto:
    for photo in product.photos:
        if photo.id == photo_id:
            return photo
    raise DomainError(_l("That photo does not belong to this product."))


def _photos_changed(product: Product) -> None:
    db.session.flush()
    if product.status is ProductStatus.PUBLISHED:
        mark_public_change()


def move_photo(product: Product, photo_id: int, offset: int) -> None:
    """Move a photo up (-1) or down (+1); the first photo is the cover.
    The positions follow the list (ordering_list)."""
    photos = product.photos
    photo = _photo_of(product, photo_id)
    index = photos.index(photo)
    target = min(max(index + offset, 0), len(photos) - 1)
    photos.insert(target, photos.pop(index))
    _photos_changed(product)


def remove_photo(product: Product, photo_id: int) -> None:
    product.photos.remove(_photo_of(product, photo_id))
    _photos_changed(product)


def set_photo_alt(product: Product, photo_id: int, alt_text: str) -> None:
    photo = _photo_of(product, photo_id)
    photo.alt_text = clean_line(alt_text, 200) or product.name
    db.session.flush()
    if product.status is ProductStatus.PUBLISHED:
        mark_public_change()


def request_review(product: Product) -> Product:
    """The group fixed a product a coordinator hid and asks for it to be
    looked at again. The product stays hidden until a coordinator restores
    it; asking twice keeps the first request's place in the queue."""
    if not product.is_hidden:
        raise DomainError(_l("This product is not hidden, so there is nothing to review."))
    if product.review_requested_at is not None:
        raise DomainError(_l("You have already asked for review. A coordinator will look at it."))
    product.review_requested_at = utcnow()
    db.session.flush()
    return product

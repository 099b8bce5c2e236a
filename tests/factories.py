"""One factory per model, grouped by domain. Sessions are bound lazily."""

from __future__ import annotations

import itertools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from shop.accounts.models import User
from shop.catalogue.models import Category, Product, ProductStatus, Variant
from shop.consignment.models import Outlet
from shop.coordinators.models import Coordinator, CoordinatorProgramme, CoordinatorRegion
from shop.extensions import db
from shop.groups.models import DeliveryMethod, Group, Membership, PaymentMethod, Programme, Role
from shop.orders.models import Checkout, Order, OrderEvent, OrderStatus, PaymentStatus

PASSWORD = "rahasia-123"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


# accounts
class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Anggota {n}")
    # +62857…: never one of the demo logins (+62812000000…).
    phone = factory.Sequence(lambda n: f"+62857{n:08d}")
    email = None
    password_hash = factory.LazyFunction(lambda: _hashed(PASSWORD))


_HASH_CACHE: dict[str, str] = {}


def _hashed(password: str) -> str:
    if password not in _HASH_CACHE:
        from werkzeug.security import generate_password_hash

        _HASH_CACHE[password] = generate_password_hash(password)
    return _HASH_CACHE[password]


# groups
class GroupFactory(Base):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Kelompok Lele Makmur {n}")
    slug = factory.Sequence(lambda n: f"kelompok-lele-makmur-{n}")
    programme = Programme.UPPKA
    province_code = "15"
    regency_code = "15.05"
    district_code = "15.05.01"
    story = "Kelompok ibu-ibu pengolah ikan lele."
    whatsapp = "+6281234567890"
    member_count = 12


class MembershipFactory(Base):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEADER


# catalogue
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


# coordinators
class CoordinatorFactory(Base):
    """A coordinator; `programmes=[Programme.UPPKA]` and `regions=["15", "15.71"]`
    (province or regency codes) narrow the scope, `is_operator=True` lifts it."""

    class Meta:
        model = Coordinator

    user = factory.SubFactory(UserFactory, name=factory.Sequence(lambda n: f"Koordinator {n}"))
    is_operator = False
    organisation = "BKKBN Provinsi Jambi"

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        for programme in extracted or ():
            obj.programmes.append(CoordinatorProgramme(programme=programme))

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        for code in extracted or ():
            field = "province_code" if "." not in code else "regency_code"
            obj.regions.append(CoordinatorRegion(**{field: code}))
        db.session.flush()


# consignment
class OutletFactory(Base):
    class Meta:
        model = Outlet

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"Warung Bu Sari {n}")
    owner_name = "Bu Sari"
    whatsapp = "+6281298765432"
    province_code = "15"
    regency_code = "15.05"
    district_code = "15.05.01"
    address = "Jl. Pasar No. 3"


_order_numbers = itertools.count(1)


def transfer_order(
    *,
    payment: PaymentMethod = PaymentMethod.TRANSFER,
    status: OrderStatus = OrderStatus.PLACED,
    payment_status: PaymentStatus = PaymentStatus.UNPAID,
    delivery: DeliveryMethod = DeliveryMethod.PICKUP,
    shipping_fee: int | None = 0,
) -> Order:
    """An order of Rp50.000 from a new group, placed and (by default) waiting
    for a bank transfer: what a buyer sends a receipt for."""
    n = next(_order_numbers)
    order = Order(
        checkout=Checkout(token=f"order-tok-{n}", key=f"order-key-{n}"),
        number=f"ET-F{n:05d}",
        tracking_token=f"order-track-{n}",
        group=GroupFactory(),
        buyer_name="Siti Nur’aini",
        buyer_phone="+6281311112222",
        delivery_method=delivery,
        payment_method=payment,
        status=status,
        payment_status=payment_status,
        subtotal=50000,
        shipping_fee=shipping_fee,
        unique_code=123 if payment is PaymentMethod.TRANSFER else 0,
    )
    order.events.append(OrderEvent(kind="placed"))
    db.session.add(order)
    db.session.flush()
    return order

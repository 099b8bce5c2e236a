"""One factory per model the tests build, grouped by domain (one module
each); everything is importable from `tests.factories`. Sessions are bound
lazily, so a factory writes into the test's rolled-back transaction."""

from tests.factories.accounts import UserFactory
from tests.factories.base import PASSWORD
from tests.factories.catalogue import (
    ProductCertificateFactory,
    ProductFactory,
    ProductPhotoFactory,
    VariantFactory,
    certified,
    listed_product,
    on_sale,
)
from tests.factories.consignment import OutletFactory
from tests.factories.coordinators import (
    CoordinatorFactory,
    ExhibitionFactory,
    FeaturedGroupFactory,
)
from tests.factories.groups import (
    BankAccountFactory,
    GroupDocumentFactory,
    GroupFactory,
    MembershipFactory,
)
from tests.factories.media import PDF, DocumentFactory, stored_pdf
from tests.factories.orders import (
    CheckoutFactory,
    OrderFactory,
    make_order,
    order_line,
    transfer_order,
)

__all__ = [
    "PASSWORD",
    "PDF",
    "BankAccountFactory",
    "CheckoutFactory",
    "CoordinatorFactory",
    "DocumentFactory",
    "ExhibitionFactory",
    "FeaturedGroupFactory",
    "GroupDocumentFactory",
    "GroupFactory",
    "MembershipFactory",
    "OrderFactory",
    "OutletFactory",
    "ProductCertificateFactory",
    "ProductFactory",
    "ProductPhotoFactory",
    "UserFactory",
    "VariantFactory",
    "certified",
    "listed_product",
    "make_order",
    "on_sale",
    "order_line",
    "stored_pdf",
    "transfer_order",
]

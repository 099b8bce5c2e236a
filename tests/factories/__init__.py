"""One factory per mapped model, grouped by domain (one module each);
everything is importable from `tests.factories`. Sessions are bound lazily,
so a factory writes into the test's rolled-back transaction.
tests/integration/test_factories.py fails when a model has no factory here."""

from tests.factories.accounts import (
    AccountCodeFactory,
    LoginFailureFactory,
    LoginSessionFactory,
    UserFactory,
)
from tests.factories.audit import AuditEntryFactory
from tests.factories.base import PASSWORD
from tests.factories.bulk import (
    BulkInvitationFactory,
    BulkOfferFactory,
    BulkRequestFactory,
    ContactCodeFactory,
    GroupCapacityFactory,
)
from tests.factories.catalogue import (
    ProductCertificateFactory,
    ProductFactory,
    ProductPhotoFactory,
    VariantFactory,
    certified,
    listed_product,
    on_sale,
)
from tests.factories.consignment import (
    ConsignmentFactory,
    ConsignmentLineFactory,
    OutletFactory,
    VisitFactory,
    VisitLineFactory,
)
from tests.factories.coordinators import (
    CoordinatorFactory,
    CoordinatorProgrammeFactory,
    CoordinatorRegionFactory,
)
from tests.factories.curation import (
    ExhibitionFactory,
    ExhibitionGroupFactory,
    ExhibitionProductFactory,
    FeaturedGroupFactory,
)
from tests.factories.exports import ExportFactory
from tests.factories.grants import GrantFactory, GrantItemFactory, GrantItemPhotoFactory
from tests.factories.groups import (
    BankAccountFactory,
    GroupDocumentFactory,
    GroupFactory,
    InvitationFactory,
    MemberAlertsFactory,
    MembershipFactory,
)
from tests.factories.media import PDF, DocumentFactory, ImageFactory, stored_pdf
from tests.factories.notify import OutboxMessageFactory, PushSubscriptionFactory
from tests.factories.orders import (
    CheckoutFactory,
    OrderEventFactory,
    OrderFactory,
    OrderLineFactory,
    OrderPushSubscriptionFactory,
    make_order,
    order_line,
    transfer_order,
)
from tests.factories.payments import (
    PaymentProofFactory,
    ProcessedStripeEventFactory,
    RefundFactory,
)
from tests.factories.regions import DistrictFactory, ProvinceFactory, RegencyFactory
from tests.factories.rounds import RoundFactory, RoundItemFactory
from tests.factories.visits import FollowUpFactory, MonevVisitFactory, MonevVisitPhotoFactory

__all__ = [
    "FollowUpFactory",
    "MonevVisitFactory",
    "MonevVisitPhotoFactory",
    "GrantFactory",
    "GrantItemFactory",
    "GrantItemPhotoFactory",
    "PASSWORD",
    "PDF",
    "AccountCodeFactory",
    "AuditEntryFactory",
    "BankAccountFactory",
    "BulkInvitationFactory",
    "BulkOfferFactory",
    "BulkRequestFactory",
    "ContactCodeFactory",
    "GroupCapacityFactory",
    "CheckoutFactory",
    "ConsignmentFactory",
    "ConsignmentLineFactory",
    "CoordinatorFactory",
    "CoordinatorProgrammeFactory",
    "CoordinatorRegionFactory",
    "DistrictFactory",
    "DocumentFactory",
    "ExhibitionFactory",
    "ExhibitionGroupFactory",
    "ExhibitionProductFactory",
    "ExportFactory",
    "FeaturedGroupFactory",
    "GroupDocumentFactory",
    "GroupFactory",
    "ImageFactory",
    "InvitationFactory",
    "LoginFailureFactory",
    "LoginSessionFactory",
    "MemberAlertsFactory",
    "MembershipFactory",
    "OrderEventFactory",
    "OrderPushSubscriptionFactory",
    "OrderFactory",
    "OrderLineFactory",
    "OutboxMessageFactory",
    "PushSubscriptionFactory",
    "OutletFactory",
    "PaymentProofFactory",
    "ProcessedStripeEventFactory",
    "ProductCertificateFactory",
    "ProductFactory",
    "ProductPhotoFactory",
    "ProvinceFactory",
    "RefundFactory",
    "RegencyFactory",
    "RoundFactory",
    "RoundItemFactory",
    "UserFactory",
    "VariantFactory",
    "VisitFactory",
    "VisitLineFactory",
    "certified",
    "listed_product",
    "make_order",
    "on_sale",
    "order_line",
    "stored_pdf",
    "transfer_order",
]

"""Every model, imported in one place so the metadata (and Alembic) sees them all."""

from shop.accounts.models import User
from shop.accounts.recovery_models import AccountCode
from shop.audit.models import AuditEntry
from shop.bulk.models import BulkInvitation, BulkOffer, BulkRequest, ContactCode, GroupCapacity
from shop.catalogue.models import Product, ProductCertificate, ProductPhoto, Variant
from shop.consignment.models import Consignment, ConsignmentLine, Outlet, Visit, VisitLine
from shop.coordinators.models import Coordinator, CoordinatorProgramme, CoordinatorRegion
from shop.curation.models import Exhibition, ExhibitionGroup, ExhibitionProduct, FeaturedGroup
from shop.exports.models import Export
from shop.grants.models import Grant, GrantItem, GrantItemPhoto
from shop.groups.models import (
    BankAccount,
    Group,
    GroupDocument,
    Invitation,
    MemberAlerts,
    Membership,
)
from shop.media.models import Document, Image
from shop.monitoring.models import built_months, dirty_months, month_figures
from shop.notify.models import OutboxMessage, PushSubscription
from shop.orders.models import Checkout, Order, OrderEvent, OrderLine, OrderPushSubscription
from shop.payments.models import PaymentProof, ProcessedStripeEvent
from shop.regions.models import District, Province, Regency
from shop.rounds.models import Round, RoundItem
from shop.visits.models import FollowUp, MonevVisit, MonevVisitPhoto

__all__ = [
    "BulkInvitation",
    "BulkOffer",
    "BulkRequest",
    "ContactCode",
    "GroupCapacity",
    "AccountCode",
    "Consignment",
    "ConsignmentLine",
    "Outlet",
    "Visit",
    "VisitLine",
    "AuditEntry",
    "Coordinator",
    "CoordinatorProgramme",
    "CoordinatorRegion",
    "Exhibition",
    "ExhibitionGroup",
    "ExhibitionProduct",
    "FeaturedGroup",
    "GroupDocument",
    "Grant",
    "GrantItem",
    "GrantItemPhoto",
    "ProductCertificate",
    "BankAccount",
    "Checkout",
    "Document",
    "Export",
    "FollowUp",
    "MonevVisit",
    "MonevVisitPhoto",
    "Order",
    "OrderEvent",
    "OrderPushSubscription",
    "OrderLine",
    "OutboxMessage",
    "PushSubscription",
    "PaymentProof",
    "ProcessedStripeEvent",
    "District",
    "Group",
    "Image",
    "Invitation",
    "MemberAlerts",
    "Membership",
    "Product",
    "ProductPhoto",
    "Province",
    "Regency",
    "Round",
    "RoundItem",
    "User",
    "Variant",
    "built_months",
    "dirty_months",
    "month_figures",
]

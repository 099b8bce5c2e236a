"""Every model, imported in one place so the metadata (and Alembic) sees them all."""

from shop.accounts.models import User
from shop.catalogue.models import Product, ProductPhoto, Variant
from shop.groups.models import BankAccount, Group, Invitation, Membership
from shop.media.models import Image
from shop.regions.models import District, Province, Regency

__all__ = [
    "BankAccount",
    "District",
    "Group",
    "Image",
    "Invitation",
    "Membership",
    "Product",
    "ProductPhoto",
    "Province",
    "Regency",
    "User",
    "Variant",
]

"""The shapes of the demo records, and certificate numbers in their real formats."""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import ProductData, VariantData
from shop.groups.services import GroupProfile

# Region codes are the real Kemendagri codes of the vendored region tables. Everything
# else is made up: the people, phone numbers (+62 812-0000-00xx), bank accounts and
# certificate numbers. Certificate numbers follow the real formats so the packaging
# table looks right, with serials in a 99xx range that marks them as demo; the one
# product with a BPOM registration instead of a P-IRT has ``MD`` + 12 digits.


def pirt(packaging: int, food_type: int, regency: str, product: int, producer: int) -> str:
    """A P-IRT number that expires in 2029, e.g. ``7023309019901-29``.

    BPOM regulation 22/2018: 15 digits, ``KJJPPRRNNIIII-YY`` — packaging code K (1 glass,
    2 plastic, 3 paper/carton, 4 tin, 7 composite such as a foil pouch), food type JJ
    (01 dried meat, 02 dried fish, 06 flour products such as kerupuk and kue kering, and
    so on), province and regency PPRR, the product's number NN, the producer's number
    IIII in that regency, and the last two digits of the year it expires.
    """
    return f"{packaging}{food_type:02d}{regency.replace('.', '')}{product:02d}{producer:04d}-29"


def halal(province: str, serial: int, issued: str = "0824") -> str:
    """Shaped like a BPJPH halal number: ``ID``, province, ``110000``, serial, issue MMYY."""
    return f"ID{province}110000{serial:05d}{issued}"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    phone: str


@dataclass(frozen=True)
class DemoProduct:
    data: ProductData
    variants: tuple[VariantData, ...]
    status: ProductStatus = ProductStatus.PUBLISHED
    photos: int = 1


@dataclass(frozen=True)
class DemoGroup:
    profile: GroupProfile
    leader: str
    members: tuple[str, ...] = ()
    bank_accounts: tuple[tuple[str, str], ...] = ()
    # The text of the group's static QRIS sticker (saved as the group would, confirmed).
    qris: str = ""
    invitation: bool = False
    products: tuple[DemoProduct, ...] = ()

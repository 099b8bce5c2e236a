"""Loads the demo people, groups and products through the real services.

Everything goes through the same services a person's clicks go through, so slugs,
search text, price ranges and stored images come out exactly as for real users.
The loader only flushes: the caller commits once at the end (or rolls back), so
the demo data is there completely or not at all. Pictures are drawn first, on a
few threads, then handed to the services as JPEG bytes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import zip_longest

from sqlalchemy import func, select

from shop.accounts.models import User
from shop.accounts.services import register_user
from shop.catalogue.models import Product, ProductStatus
from shop.catalogue.services import PhotoUpload, create_product, set_status
from shop.db import utcnow
from shop.demo import pictures
from shop.demo.bulk import load_bulk
from shop.demo.consignment import load_consignment
from shop.demo.coordination import load_coordination
from shop.demo.data import DEMO_PASSWORD, GROUPS, PEOPLE, DemoGroup, DemoProduct
from shop.demo.grants import load_grants
from shop.demo.rounds import load_round
from shop.extensions import db
from shop.groups.models import Group, Membership, Role
from shop.groups.services import add_bank_account, create_group, create_invitation, save_qris
from shop.regions.models import Province, Regency

# More threads than cores still helps: much of the drawing holds the GIL, and the
# resizing and JPEG encoding that does not can overlap with it.
DRAWING_THREADS = 4
PACKAGING_WORDS = {
    "standing-pouch": "kemasan standing pouch ber-zip",
    "plastik": "kantong plastik bening berlabel kertas",
    "toples": "toples bertutup",
    "botol": "botol",
    "kotak": "kotak kemasan",
    "kaleng": "kaleng",
    "kertas": "bungkus kertas cokelat diikat tali",
}
PROGRAMME_WORDS = {
    "jps-tkm": "JPS TKM",
    "uppka": "UPPKA",
    "up2k-pkk": "UP2K PKK",
    "koperasi": "Koperasi",
    "lapas": "Binaan Lapas",
    "lainnya": "Kelompok usaha",
}


@dataclass
class LoadReport:
    """What a load created, and how long the drawing took."""

    users: int = 0
    groups: int = 0
    products: int = 0
    photos: int = 0
    pictures_drawn: int = 0
    drawing_seconds: float = 0.0
    coordinators: int = 0
    orders: int = 0
    outlets: int = 0
    visits: int = 0
    grants: int = 0
    bulk_offers: int = 0


def existing_demo_accounts() -> int:
    """How many of the demo phone numbers already have an account."""
    phones = [person.phone for person in PEOPLE]
    return db.session.scalar(select(func.count()).select_from(User).where(User.phone.in_(phones)))


def _shots(group: DemoGroup, product: DemoProduct) -> list[pictures.Shot]:
    data = product.data
    detail = ""
    if data.net_content and data.net_unit and data.net_unit != "pcs":
        detail = f"Netto {data.net_content} {data.net_unit}"
    return [
        pictures.Shot(
            data.name, group.profile.name, data.packaging_type, data.category, detail, view
        )
        for view in range(product.photos)
    ]


def _alt_text(shot: pictures.Shot) -> str:
    """Describes the drawing itself, as alt text should."""
    if shot.view == 1:
        return f"Ilustrasi {shot.title} disajikan di atas piring"
    wrapping = PACKAGING_WORDS.get(shot.packaging or "")
    if wrapping and shot.category not in pictures.CATEGORY_DRAWERS:
        return f"Ilustrasi {shot.title} dalam {wrapping}, berlabel {shot.maker}"
    return f"Ilustrasi {shot.title} buatan {shot.maker}"


def _cover_subtitle(group: DemoGroup) -> str:
    profile = group.profile
    regency = db.session.get(Regency, profile.regency_code)
    province = db.session.get(Province, profile.province_code)
    place = ", ".join(r.name for r in (regency, province) if r is not None)
    return f"{PROGRAMME_WORDS[profile.programme]} · {place}"


@dataclass
class _Pictures:
    """The drawn JPEGs: by group index, and by (group, product) index with alt texts."""

    logos: list[bytes]
    covers: list[bytes]
    products: dict[tuple[int, int], list[tuple[bytes, str]]]


def _draw_all(report: LoadReport) -> _Pictures:
    """Every picture of the demo, drawn in parallel."""
    started = time.perf_counter()
    subtitles = [_cover_subtitle(group) for group in GROUPS]
    shots = {
        (g, p): _shots(group, product)
        for g, group in enumerate(GROUPS)
        for p, product in enumerate(group.products)
    }
    flat = [shot for group_shots in shots.values() for shot in group_shots]
    names = [group.profile.name for group in GROUPS]
    with ThreadPoolExecutor(max_workers=DRAWING_THREADS) as pool:
        # map() submits every job at once; the results are collected in order.
        logos = pool.map(pictures.group_logo, names)
        covers = pool.map(pictures.group_cover, names, subtitles)
        photos = pool.map(pictures.product_photo, flat)
        drawn = _Pictures(list(logos), list(covers), {})
        photo_bytes = iter(list(photos))
    for key, group_shots in shots.items():
        drawn.products[key] = [(next(photo_bytes), _alt_text(shot)) for shot in group_shots]
    report.pictures_drawn = len(GROUPS) * 2 + len(flat)
    report.drawing_seconds = time.perf_counter() - started
    return drawn


def _create_product(group: Group, product: DemoProduct, photos: list[tuple[bytes, str]]) -> Product:
    created = create_product(
        group,
        product.data,
        list(product.variants),
        [PhotoUpload(file=image, alt_text=alt) for image, alt in photos],
    )
    if product.status is not ProductStatus.DRAFT:
        set_status(created, ProductStatus.PUBLISHED)
    if product.status is ProductStatus.ARCHIVED:
        set_status(created, ProductStatus.ARCHIVED)
    return created


def load_demo() -> LoadReport:
    """Create the demo data in the current transaction; the caller commits."""
    report = LoadReport()
    drawn = _draw_all(report)
    users = {
        person.key: register_user(person.name, ("phone", person.phone), DEMO_PASSWORD)
        for person in PEOPLE
    }
    report.users = len(users)
    groups: list[Group] = []
    for index, demo in enumerate(GROUPS):
        leader = users[demo.leader]
        group = create_group(leader, demo.profile, drawn.logos[index], drawn.covers[index])
        # The demo's numbers are made up and never get a code back: taken as
        # verified, so the demo shows the group's order alerts.
        group.whatsapp_verified_at = utcnow() if group.whatsapp else None
        for bank_name, number in demo.bank_accounts:
            add_bank_account(group, bank_name, number, demo.profile.name)
        if demo.qris:
            save_qris(group, demo.qris, leader)
        for key in demo.members:
            db.session.add(Membership(group=group, user=users[key], role=Role.MEMBER))
        if demo.invitation:
            create_invitation(group, leader)
        groups.append(group)
    db.session.flush()
    report.groups = len(groups)
    # Round-robin over the groups, so the newest products on the home page mix groups.
    rounds = zip_longest(*(range(len(demo.products)) for demo in GROUPS))
    for row in rounds:
        for g, p in enumerate(row):
            if p is None:
                continue
            photos = drawn.products[(g, p)]
            _create_product(groups[g], GROUPS[g].products[p], photos)
            report.products += 1
            report.photos += len(photos)
    made = load_coordination(users, groups)
    report.coordinators, report.orders = made["coordinators"], made["orders"]
    # After the orders: what they left in stock is what goes to the outlets.
    consigned = load_consignment(groups)
    report.outlets, report.visits = consigned["outlets"], consigned["visits"]
    report.grants = load_grants(groups)["grants"]
    leaders = {group.id: users[demo.leader] for group, demo in zip(groups, GROUPS, strict=True)}
    report.bulk_offers = load_bulk(groups, leaders)
    # Last: a round taking orders now, with its own few orders.
    load_round(groups)
    return report

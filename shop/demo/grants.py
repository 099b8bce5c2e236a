"""The grants of the demo: several funding years, sources and programmes,
with the equipment each bought and a drawn photo of it. Recorded through
`shop.grants.services` by the coordinators who would record them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from shop.coordinators.models import Coordinator
from shop.core.clock import jakarta_today
from shop.demo.pictures.canvas import LOGO_SIZE, PALETTES, Canvas, shade
from shop.extensions import db
from shop.grants import services
from shop.grants.models import GrantSource
from shop.grants.services import GrantDetails, ItemDetails
from shop.groups.models import Group


@dataclass(frozen=True)
class DemoGrant:
    group: str
    programme: str
    years_ago: int
    month: int
    day: int
    amount: int
    source: GrantSource
    note: str
    # (name, quantity, cost of the whole quantity)
    items: tuple[tuple[str, int, int], ...]


GRANTS = (
    DemoGrant(
        "Kelompok Mina Sejahtera",
        "JPS TKM Kabupaten Demak",
        1,
        9,
        20,
        40_000_000,
        GrantSource.APBN,
        "SK Kepala Dinas Tenaga Kerja No. 560/417",
        (
            ("Spinner peniris minyak", 1, 12_500_000),
            ("Freezer 200 liter", 1, 8_750_000),
            ("Vacuum sealer", 2, 9_000_000),
            ("Kompor gas dua tungku", 3, 4_500_000),
        ),
    ),
    DemoGrant(
        "Dapur Sasak Cakranegara",
        "JPS TKM Kota Mataram",
        0,
        5,
        6,
        40_000_000,
        GrantSource.APBN,
        "",
        (("Oven gas", 1, 14_000_000), ("Mixer roti", 1, 6_500_000)),
    ),
    DemoGrant(
        "UPPKA Sekar Melati",
        "Bantuan UPPKA BKKBN",
        2,
        8,
        12,
        15_000_000,
        GrantSource.APBN,
        "",
        (("Mesin penggiling bumbu", 1, 7_250_000), ("Timbangan digital", 2, 1_800_000)),
    ),
    DemoGrant(
        "UPPKA Sekar Melati",
        "Penguatan UPPKA Provinsi Jambi",
        0,
        3,
        4,
        10_000_000,
        GrantSource.APBD,
        "",
        (("Etalase kaca", 1, 3_900_000),),
    ),
    DemoGrant(
        "Koperasi Wanita UP2K PKK Mojoroto",
        "CSR Bank Jatim untuk UMKM",
        1,
        2,
        15,
        25_000_000,
        GrantSource.CSR,
        "",
        (("Mesin jahit portable", 4, 11_600_000),),
    ),
)


def equipment_photo(name: str, caption: str) -> bytes:
    """A 600×600 JPEG: the equipment as a labelled box on a bench."""
    rng = random.Random(f"equipment|{name}")
    top, bottom, _, accent = rng.choice(PALETTES)
    canvas = Canvas(LOGO_SIZE)
    canvas.backdrop((100, top, bottom))
    canvas.draw.rectangle(canvas.box((0, 72, 100, 100)), fill=shade(bottom, -0.35))
    canvas.draw.rounded_rectangle(canvas.box((18, 22, 82, 76)), canvas.unit(3), fill=accent)
    canvas.draw.rounded_rectangle(
        canvas.box((26, 30, 74, 52)), canvas.unit(2), fill=shade(accent, 0.55)
    )
    canvas.text_block([(name, 5, True), (caption, 3, False)], (50, 64), 60, (255, 255, 255))
    return canvas.finish()


def load_grants(groups: list[Group], today: date | None = None) -> dict[str, int]:
    """Every demo grant and its equipment; counts of what was made."""
    today = today or jakarta_today()
    by_name = {group.name: group for group in groups}
    operator = db.session.scalar(select(Coordinator).where(Coordinator.is_operator)).user
    made = {"grants": 0, "items": 0}
    for demo in GRANTS:
        year = today.year - demo.years_ago
        received = min(date(year, demo.month, demo.day), today)
        grant = services.add_grant(
            by_name[demo.group],
            GrantDetails(demo.programme, year, demo.amount, demo.source, received, demo.note),
            by=operator,
        )
        made["grants"] += 1
        for name, quantity, cost in demo.items:
            photo = equipment_photo(name, f"{demo.programme} {year}")
            services.add_item(grant, ItemDetails(name, quantity, cost), [photo], by=operator)
            made["items"] += 1
    db.session.flush()
    return made

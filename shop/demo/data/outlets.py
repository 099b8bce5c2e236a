"""Where two demo groups leave goods on consignment (titip jual), and what
happened there over the last two months.

Days are counted back from the day the demo is loaded. The story the data
tells on the day of loading: Warung Bu Tum is due a visit (the last one was
ten days ago, the group comes weekly) and owes part of what sold; the
canteen in Jambi still holds cookie boxes past their shelf life (others came
back expired and were written off); the shop in Boyolali town paid in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.consignment.services import OutletData


@dataclass(frozen=True)
class DemoGoods:
    """One line of a nota titip: product, variant, quantity and the agreed price."""

    product: str
    variant: str
    quantity: int
    unit_price: int


@dataclass(frozen=True)
class DemoCount:
    """What happened at a visit to the goods of one line of drop-off `drop_off`."""

    drop_off: int
    product: str
    variant: str
    sold: int = 0
    restocked: int = 0
    written_off: int = 0


@dataclass(frozen=True)
class DemoDropOff:
    days_ago: int
    goods: tuple[DemoGoods, ...]
    note: str = ""


@dataclass(frozen=True)
class DemoVisit:
    days_ago: int
    counts: tuple[DemoCount, ...]
    money: int
    note: str = ""


@dataclass(frozen=True)
class DemoOutlet:
    group: str
    data: OutletData
    drop_offs: tuple[DemoDropOff, ...]
    visits: tuple[DemoVisit, ...]


MINA = "Kelompok Mina Sejahtera"
KARYA = "Karya Mandiri Lapas Jambi"
ABON = "Abon Ikan Lele"
KERUPUK = "Kerupuk Lele"
KERIPIK = "Keripik Kulit Lele"
STIK = "Stik Lele"
COOKIES = "Snack Box Cookies Cokelat"
NASTAR = "Nastar Nanas"
TOPI = "Topi Rajut Bayi"

OUTLETS: tuple[DemoOutlet, ...] = (
    DemoOutlet(
        group=MINA,
        data=OutletData(
            name="Warung Bu Tum",
            owner_name="Bu Tumini",
            whatsapp="+6281229104417",
            province_code="33",
            regency_code="33.09",
            district_code="33.09.08",
            address="Jl. Raya Sawit–Tegalrejo No. 12, depan SD Negeri 2 Tegalrejo",
            visit_every_days=7,
        ),
        drop_offs=(
            DemoDropOff(
                45,
                (
                    DemoGoods(ABON, "Original 100 g", 6, 32000),
                    DemoGoods(KERUPUK, "Mentah 250 g", 15, 16000),
                    DemoGoods(STIK, "Toples 200 g", 4, 18000),
                ),
                note="Ditaruh di rak depan dekat kasir.",
            ),
            DemoDropOff(24, (DemoGoods(ABON, "Original 100 g", 5, 32000),)),
        ),
        visits=(
            DemoVisit(
                38,
                (
                    DemoCount(0, ABON, "Original 100 g", sold=3),
                    DemoCount(0, KERUPUK, "Mentah 250 g", sold=6),
                ),
                money=150000,
                note="Bu Tum bayar sebagian, sisanya minggu depan.",
            ),
            DemoVisit(
                24,
                (
                    DemoCount(0, ABON, "Original 100 g", sold=2),
                    DemoCount(0, KERUPUK, "Mentah 250 g", sold=5),
                    DemoCount(0, STIK, "Toples 200 g", sold=2, restocked=2),
                ),
                money=200000,
                note="Dua toples stik ditarik, masih bagus, dijual lagi online.",
            ),
            DemoVisit(
                10,
                (
                    DemoCount(0, ABON, "Original 100 g", sold=1),
                    DemoCount(1, ABON, "Original 100 g", sold=2),
                    DemoCount(0, KERUPUK, "Mentah 250 g", sold=3),
                ),
                money=60000,
            ),
        ),
    ),
    DemoOutlet(
        group=MINA,
        data=OutletData(
            name="Toko Oleh-oleh Sumber Rejeki",
            owner_name="Pak Hartono",
            whatsapp="+6281393257710",
            province_code="33",
            regency_code="33.09",
            district_code="33.09.05",
            address="Jl. Pandanaran No. 87, Boyolali",
            visit_every_days=14,
        ),
        drop_offs=(
            DemoDropOff(
                20,
                (
                    DemoGoods(KERIPIK, "Original 75 g", 10, 13500),
                    DemoGoods(ABON, "Original 250 g", 3, 75000),
                ),
            ),
        ),
        visits=(
            DemoVisit(
                6,
                (
                    DemoCount(0, KERIPIK, "Original 75 g", sold=4),
                    DemoCount(0, ABON, "Original 250 g", sold=1),
                ),
                money=129000,
                note="Lunas.",
            ),
        ),
    ),
    DemoOutlet(
        group=KARYA,
        data=OutletData(
            name="Kantin Bu Yati",
            owner_name="Bu Suryati",
            whatsapp="+6281366418025",
            province_code="15",
            regency_code="15.71",
            district_code="15.71.01",
            address="Jl. Jend. Sudirman, samping Kantor Kelurahan Telanaipura, Jambi",
            visit_every_days=14,
        ),
        drop_offs=(
            DemoDropOff(
                50,
                (
                    DemoGoods(COOKIES, "Kotak isi 10", 20, 22000),
                    DemoGoods(NASTAR, "Toples 250 g", 4, 45000),
                    DemoGoods(TOPI, "0–6 bulan", 3, 32000),
                ),
            ),
        ),
        visits=(
            DemoVisit(
                36,
                (
                    DemoCount(0, COOKIES, "Kotak isi 10", sold=12),
                    DemoCount(0, NASTAR, "Toples 250 g", sold=1),
                ),
                money=200000,
            ),
            DemoVisit(
                16,
                (
                    DemoCount(0, COOKIES, "Kotak isi 10", written_off=5),
                    DemoCount(0, NASTAR, "Toples 250 g", sold=1),
                    DemoCount(0, TOPI, "0–6 bulan", sold=1),
                ),
                money=50000,
                note="Lima kotak cookies sudah lewat tanggal, dibuang.",
            ),
        ),
    ),
)

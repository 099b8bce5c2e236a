"""The demo coordinators, what they have already done, and the demo's exhibitions.

Dates are relative to the day the demo is loaded, so a running exhibition is
running and an expiring certificate is expiring whenever someone loads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCoordinator:
    person: str
    organisation: str
    programmes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    operator: bool = False


COORDINATORS: tuple[DemoCoordinator, ...] = (
    # Sees the UPPKA groups of Jambi: UPPKA Sekar Melati waits in her queue.
    DemoCoordinator("yuliana", "BKKBN Provinsi Jambi", programmes=("uppka",), regions=("15",)),
    # JPS TKM groups everywhere (Disnaker): Mina Sejahtera and Dapur Sasak.
    DemoCoordinator("wayan", "Disnaker, program JPS TKM", programmes=("jps-tkm",)),
    DemoCoordinator("hendra", "Operator Etalase", operator=True),
)

# Checked by the operator when the demo loads, in this order.
VERIFIED_GROUPS = (
    "Kelompok Mina Sejahtera",
    "Koperasi Wanita UP2K PKK Mojoroto",
    "Karya Mandiri Lapas Jambi",
    "Koperasi Pengrajin Purun Banua",
    "Dapur Sasak Cakranegara",
)
CHANGES_REQUESTED = {
    "Kelompok Usaha Ibu Rappocini": (
        "Mohon unggah SK pembentukan kelompok dari kelurahan dan foto kegiatan "
        "produksi. Nomor WhatsApp di profil juga belum bisa dihubungi."
    ),
}

# (group, product, kind, days until expiry or None): checked certificates.
CERTIFICATES = (
    ("Kelompok Mina Sejahtera", "Abon Ikan Lele", "pirt", 400),
    ("Kelompok Mina Sejahtera", "Abon Ikan Lele", "halal", 900),
    ("Kelompok Mina Sejahtera", "Kerupuk Lele", "pirt", 18),
    ("Dapur Sasak Cakranegara", "Abon Sapi Original", "pirt", 300),
    ("Koperasi Wanita UP2K PKK Mojoroto", "Sambal Pecel Kediri", "bpom", 200),
)

# Featured on the home page from the load day, in this order, open-ended.
FEATURED = (
    "Kelompok Mina Sejahtera",
    "Karya Mandiri Lapas Jambi",
    "Koperasi Wanita UP2K PKK Mojoroto",
)

# A product hidden by a coordinator, with the reason the group sees.
HIDDEN = (
    "Kelompok Usaha Ibu Rappocini",
    "Laundry Kiloan",
    "Jasa laundry belum bisa dipesan lewat Etalase: mohon jelaskan wilayah antar-jemput "
    "dan harga per kilogram di deskripsi, lalu minta ditinjau ulang.",
)


@dataclass(frozen=True)
class DemoExhibition:
    title: str
    description: str
    starts_in_days: int
    ends_in_days: int
    groups: tuple[str, ...]
    products: tuple[tuple[str, str], ...]
    published: bool = True


EXHIBITIONS: tuple[DemoExhibition, ...] = (
    DemoExhibition(
        title="Pameran Virtual Hari Ibu 2026",
        description=(
            "Produk olahan dan kerajinan buatan kelompok usaha perempuan dari Jambi, "
            "Kediri dan Lombok, untuk merayakan Hari Ibu 22 Desember.\n\n"
            "Pesan langsung ke kelompoknya: setiap pesanan sampai ke kelompok pembuatnya."
        ),
        starts_in_days=-3,
        ends_in_days=30,
        groups=(
            "Kelompok Mina Sejahtera",
            "Koperasi Wanita UP2K PKK Mojoroto",
            "Dapur Sasak Cakranegara",
        ),
        products=(
            ("Kelompok Mina Sejahtera", "Abon Ikan Lele"),
            ("Kelompok Mina Sejahtera", "Kerupuk Lele"),
            ("Koperasi Wanita UP2K PKK Mojoroto", "Sambal Pecel Kediri"),
            ("Koperasi Wanita UP2K PKK Mojoroto", "Kemeja Batik Cap Kediri"),
            ("Dapur Sasak Cakranegara", "Abon Sapi Pedas Khas Lombok"),
            ("Karya Mandiri Lapas Jambi", "Tas Rajut Selempang"),
        ),
    ),
    DemoExhibition(
        title="Pameran Karya Warga Binaan Lapas 2026",
        description=(
            "Rajutan dan kue kering buatan warga binaan Lapas Jambi dalam program "
            "pelatihan kemandirian."
        ),
        starts_in_days=-75,
        ends_in_days=-45,
        groups=("Karya Mandiri Lapas Jambi",),
        products=(
            ("Karya Mandiri Lapas Jambi", "Tas Rajut Selempang"),
            ("Karya Mandiri Lapas Jambi", "Nastar Nanas"),
        ),
    ),
)

# The monitoring visit the JPS TKM coordinator paid Mina Sejahtera, days
# before the demo loads: three recommendations, one done by the ketua, one
# overdue and one still open. (text, due in days from the load day, done).
MONEV_VISIT_GROUP = "Kelompok Mina Sejahtera"
MONEV_VISIT_BY = "wayan"
MONEV_VISIT_DAYS_AGO = 20
MONEV_VISIT_MET = "Bu Sari (ketua), Bu Tini (bendahara), dua anggota bagian produksi"
MONEV_FINDINGS = {
    "production": (
        "Produksi abon lele sekitar 25 kg per minggu dari 4 kolam sendiri. Dapur bersih, "
        "tetapi bahan baku disimpan di lantai."
    ),
    "packaging": "Standing pouch sudah berlabel; nomor PIRT belum tercetak di kemasan 250 g.",
    "marketing": "Penjualan ke warung sekitar dan lewat Etalase; belum ada katalog cetak.",
    "finance": "Buku kas ada dan rapi sampai bulan lalu; keuntungan belum dipisah dari modal.",
    "equipment": (
        "Spinner peniris minyak dan sealer dari bantuan JPS TKM dipakai setiap hari, "
        "keadaan baik. Kompor kedua rusak."
    ),
}
MONEV_FOLLOW_UPS = (
    ("Pisahkan keuntungan dari modal di buku kas", -10, True),
    ("Cetak nomor PIRT pada label kemasan 250 g", -5, False),
    ("Buat rak untuk bahan baku agar tidak di lantai", 10, False),
)

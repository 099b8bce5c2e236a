"""Dapur Sasak Cakranegara, Mataram (JPS TKM): abon and dendeng sapi, kerupuk kulit."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct, halal, pirt
from shop.groups.services import GroupProfile

DAPUR_SASAK = DemoGroup(
    profile=GroupProfile(
        name="Dapur Sasak Cakranegara",
        programme="jps-tkm",
        province_code="52",
        regency_code="52.71",
        district_code="52.71.03",
        story=(
            "Dapur Sasak adalah kelompok dua puluh warga Cakranegara, Mataram, yang "
            "kehilangan pekerjaan di masa pandemi. Lewat program JPS TKM Kementerian "
            "Ketenagakerjaan tahun 2021 kami mendapat mesin suwir, spinner dan alat press.\n\n"
            "Kami memakai daging sapi segar dari pasar Cakranegara dan bumbu khas Lombok "
            "yang pedasnya nendang. Abon kami sudah jadi oleh-oleh wisatawan di toko-toko "
            "sekitar Mataram."
        ),
        founded_year=2021,
        member_count=20,
        whatsapp="+6281200000006",
        pickup_address="Dapur produksi Dapur Sasak, dekat Pasar Cakranegara, Kota Mataram.",
        offers_local_delivery=True,
        offers_courier=True,
    ),
    leader="baiq",
    bank_accounts=(("Bank NTB Syariah", "0527199060"),),
    products=(
        DemoProduct(
            ProductData(
                name="Abon Sapi Original",
                category="makanan",
                description=(
                    "Abon sapi suwir halus, manis gurih dengan gula aren dan ketumbar. "
                    "Diolah tanpa pengawet, ditiriskan dengan spinner supaya kering."
                ),
                packaging_type="standing-pouch",
                net_content=100,
                net_unit="g",
                length_cm=13,
                width_cm=4,
                height_cm=20,
                shelf_life_days=180,
                storage_instructions="Simpan di tempat kering dan sejuk, tutup rapat zip.",
                ingredients=(
                    "Daging sapi, bawang merah, bawang putih, gula aren, ketumbar, lengkuas, "
                    "serai, garam, minyak kelapa."
                ),
                pirt_number=pirt(7, 1, "52.71", 1, 9906),
                halal_number=halal("52", 99061),
            ),
            (
                VariantData("100 g", 45000, stock=30),
                VariantData("250 g", 105000, stock=12),
            ),
            photos=2,
        ),
        DemoProduct(
            ProductData(
                name="Abon Sapi Pedas Khas Lombok",
                category="makanan",
                description=(
                    "Abon sapi dengan cabai rawit dan bumbu ala Lombok yang pedasnya "
                    "nendang. Teman nasi hangat yang bikin nambah."
                ),
                packaging_type="standing-pouch",
                net_content=100,
                net_unit="g",
                length_cm=13,
                width_cm=4,
                height_cm=20,
                shelf_life_days=180,
                storage_instructions="Simpan di tempat kering dan sejuk, tutup rapat zip.",
                ingredients=(
                    "Daging sapi, cabai rawit, bawang merah, bawang putih, gula aren, terasi, "
                    "garam, minyak kelapa."
                ),
                allergens="Udang (terasi)",
                pirt_number=pirt(7, 1, "52.71", 2, 9906),
                halal_number=halal("52", 99062),
            ),
            (
                VariantData("100 g", 47000, stock=20),
                VariantData("250 g", 110000, stock=8),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Dendeng Sapi Manis",
                category="makanan",
                description=(
                    "Dendeng sapi iris tipis berbumbu manis, dijemur lalu dikemas vakum. "
                    "Tinggal goreng sebentar."
                ),
                packaging_type="plastik",
                net_content=250,
                net_unit="g",
                length_cm=18,
                width_cm=2,
                height_cm=25,
                shelf_life_days=120,
                storage_instructions="Simpan di tempat sejuk; setelah dibuka simpan di kulkas.",
                ingredients="Daging sapi, gula merah, ketumbar, bawang putih, garam.",
                pirt_number=pirt(2, 1, "52.71", 3, 9906),
                halal_number=halal("52", 99063),
            ),
            (VariantData("250 g", 95000, stock=8),),
        ),
        DemoProduct(
            ProductData(
                name="Kerupuk Kulit Sapi",
                category="makanan-ringan",
                description="Kerupuk rambak kulit sapi yang renyah dan gurih, siap makan.",
                packaging_type="plastik",
                net_content=100,
                net_unit="g",
                length_cm=20,
                width_cm=6,
                height_cm=30,
                shelf_life_days=90,
                storage_instructions="Simpan di tempat kering, tutup rapat setelah dibuka.",
                ingredients="Kulit sapi, bawang putih, garam, minyak goreng.",
                pirt_number=pirt(2, 1, "52.71", 4, 9906),
                halal_number=halal("52", 99064),
            ),
            (VariantData("100 g", 20000, stock=25),),
        ),
    ),
)

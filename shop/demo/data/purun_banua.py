"""Koperasi Pengrajin Purun Banua, Hulu Sungai Utara: purun woven into bags, mats, hats."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct
from shop.groups.services import GroupProfile

PURUN_BANUA = DemoGroup(
    profile=GroupProfile(
        name="Koperasi Pengrajin Purun Banua",
        programme="koperasi",
        province_code="63",
        regency_code="63.08",
        district_code="63.08.06",
        story=(
            "Purun tumbuh di rawa-rawa Hulu Sungai Utara. Anggota koperasi kami memanennya, "
            "menjemur, menumbuk sampai pipih, mewarnai, lalu menganyamnya menjadi tas, "
            "tikar, topi dan bakul.\n\n"
            "Dulu anyaman dijual ke pengepul dengan harga murah. Sejak 2011 kami menjual "
            "bersama lewat koperasi di Amuntai, dan kini pembeli bisa memesan langsung."
        ),
        founded_year=2011,
        member_count=35,
        whatsapp="+6281200000005",
        pickup_address="Gudang koperasi, Jalan Negara (samping langgar), Amuntai Utara.",
        offers_courier=True,
    ),
    leader="masliana",
    bank_accounts=(("Bank Kalsel", "0630899050"), ("BSI", "7630899050")),
    products=(
        DemoProduct(
            ProductData(
                name="Tas Anyaman Purun",
                category="kerajinan",
                description=(
                    "Tas jinjing anyaman purun dengan motif garis berwarna, kuat untuk "
                    "belanja ke pasar. Ringan, bisa dilipat, dan makin lama makin lentur."
                ),
                packaging_type="anyaman",
                net_content=1,
                net_unit="pcs",
                length_cm=35,
                width_cm=12,
                height_cm=30,
            ),
            (
                VariantData("Kecil", 45000, stock=20),
                VariantData("Sedang", 65000, stock=12),
                VariantData("Besar", 95000, stock=6),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Tikar Purun Motif",
                category="kerajinan",
                description=(
                    "Tikar purun anyaman rapat dengan motif pucuk rebung. Karena ukurannya "
                    "besar dan ongkos kirimnya beragam, tikar hanya kami tampilkan di "
                    "katalog: tanyakan lewat WhatsApp untuk ukuran dan ongkir."
                ),
                catalogue_only=True,
                packaging_type="anyaman",
                net_content=1,
                net_unit="pcs",
            ),
            (
                VariantData("1 × 2 m", 120000, lead_time_days=7),
                VariantData("2 × 3 m", 220000, lead_time_days=14),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Topi Purun Caping",
                category="kerajinan",
                description="Caping lebar dari purun untuk ke sawah, ke kebun atau ke pantai.",
                packaging_type="anyaman",
                net_content=1,
                net_unit="pcs",
                length_cm=45,
                width_cm=45,
                height_cm=15,
            ),
            (VariantData("Diameter 45 cm", 35000, stock=25),),
        ),
        DemoProduct(
            ProductData(
                name="Bakul Purun Set Isi 3",
                category="rumah-tangga",
                description=(
                    "Tiga bakul bertingkat untuk menyimpan bumbu dapur, buah atau "
                    "perlengkapan jahit. Bisa saling dimasukkan supaya hemat tempat."
                ),
                packaging_type="anyaman",
                net_content=3,
                net_unit="pcs",
                length_cm=30,
                width_cm=30,
                height_cm=20,
            ),
            (VariantData("Set 3 ukuran", 55000, stock=10),),
        ),
    ),
)

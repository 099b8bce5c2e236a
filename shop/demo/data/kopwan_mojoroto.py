"""Koperasi Wanita UP2K PKK Mojoroto, Kediri: sambal pecel, jahe instan, batik, getuk."""

from __future__ import annotations

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct, halal, pirt
from shop.groups.services import GroupProfile

KOPWAN_MOJOROTO = DemoGroup(
    profile=GroupProfile(
        name="Koperasi Wanita UP2K PKK Mojoroto",
        programme="up2k-pkk",
        province_code="35",
        regency_code="35.71",
        district_code="35.71.01",
        story=(
            "Kami berawal dari kelompok UP2K PKK di Kecamatan Mojoroto, Kota Kediri: "
            "ibu-ibu kader PKK yang membuat sambal pecel untuk tetangga dan membatik di "
            "rumah. Tahun 2019 kami resmi menjadi koperasi wanita, sehingga bisa mengurus "
            "izin edar BPOM dan masuk ke toko oleh-oleh.\n\n"
            "Sambal pecel kami racik dari kacang tanah sangrai, gula merah dan kencur. "
            "Batik cap dan batik tulis dikerjakan anggota di rumah masing-masing."
        ),
        founded_year=2014,
        member_count=40,
        whatsapp="+6281200000003",
        pickup_address=(
            "Sekretariat koperasi, Kelurahan Bandar Kidul, Kecamatan Mojoroto, Kota Kediri. "
            "Senin–Sabtu pukul 08.00–15.00."
        ),
        offers_local_delivery=True,
        offers_courier=True,
    ),
    leader="endang",
    bank_accounts=(("Bank Jatim", "0351099030"), ("BNI", "3571099030")),
    products=(
        DemoProduct(
            ProductData(
                name="Sambal Pecel Kediri",
                category="bumbu-sambal",
                description=(
                    "Bumbu pecel khas Kediri dengan kacang tanah sangrai, gula merah dan "
                    "kencur yang harum. Cukup seduh dengan air panas, aduk, siram ke sayur "
                    "rebus. Satu bungkus 250 g untuk sekitar 10 porsi."
                ),
                packaging_type="standing-pouch",
                net_content=250,
                net_unit="g",
                length_cm=14,
                width_cm=4,
                height_cm=21,
                shelf_life_days=180,
                storage_instructions=(
                    "Simpan di tempat kering dan sejuk. Setelah dibuka tutup rapat; di "
                    "kulkas tahan hingga tiga bulan."
                ),
                ingredients=(
                    "Kacang tanah, gula merah, cabai, bawang putih, kencur, daun jeruk, "
                    "asam jawa, garam."
                ),
                allergens="Kacang tanah",
                halal_number=halal("35", 99031),
                bpom_number="MD 251713099031",
            ),
            (
                VariantData("Sedang 250 g", 18000, stock=60),
                VariantData("Sedang 500 g", 33000, stock=30),
                VariantData("Pedas 250 g", 19000, stock=25),
            ),
            photos=2,
        ),
        DemoProduct(
            ProductData(
                name="Jahe Merah Instan",
                category="minuman",
                description=(
                    "Serbuk jahe merah dengan serai dan kayu manis, tinggal seduh air panas. "
                    "Menghangatkan badan di musim hujan."
                ),
                packaging_type="toples",
                net_content=250,
                net_unit="g",
                length_cm=9,
                width_cm=9,
                height_cm=12,
                shelf_life_days=365,
                storage_instructions="Tutup rapat setelah dipakai; gunakan sendok kering.",
                ingredients="Jahe merah, gula pasir, serai, kayu manis.",
                pirt_number=pirt(2, 13, "35.71", 1, 9903),
                halal_number=halal("35", 99032),
            ),
            (VariantData("Toples 250 g", 30000, stock=24),),
        ),
        DemoProduct(
            ProductData(
                name="Kemeja Batik Cap Kediri",
                category="pakaian-batik",
                description=(
                    "Kemeja lengan pendek dari katun primisima, batik cap motif kawung "
                    "warna sogan. Dijahit rapi oleh anggota koperasi. Ukuran XL dibuat "
                    "sesuai pesanan.\n\n"
                    "Lingkar dada: S 100 cm, M 106 cm, L 112 cm, XL 118 cm."
                ),
                packaging_type="plastik",
                net_content=1,
                net_unit="pcs",
                length_cm=30,
                width_cm=24,
                height_cm=3,
            ),
            (
                VariantData("S", 135000, stock=2),
                VariantData("M", 135000, stock=5),
                VariantData("L", 140000, stock=4),
                VariantData("XL", 150000, lead_time_days=10),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Kain Batik Tulis Kediri",
                category="pakaian-batik",
                description=(
                    "Kain batik tulis 2 × 1,15 m, dicanting tangan dengan pewarna alam. "
                    "Setiap lembar berbeda; dikerjakan sekitar tiga minggu setelah pesanan "
                    "masuk."
                ),
                packaging_type="kotak",
                net_content=1,
                net_unit="pcs",
                length_cm=32,
                width_cm=24,
                height_cm=4,
            ),
            (VariantData("2 × 1,15 m", 250000, lead_time_days=21),),
        ),
        DemoProduct(
            ProductData(
                name="Getuk Pisang Kediri",
                category="makanan",
                description=(
                    "Getuk pisang raja dibungkus daun pisang, dikukus pagi hari. Hanya kami "
                    "buat saat bulan puasa, jadi sekarang diarsipkan dulu."
                ),
                packaging_type="plastik",
                net_content=5,
                net_unit="pcs",
                length_cm=20,
                width_cm=12,
                height_cm=5,
                shelf_life_days=3,
                storage_instructions="Simpan di suhu ruang, habiskan dalam tiga hari.",
                ingredients="Pisang raja, daun pisang.",
            ),
            (VariantData("Isi 5", 20000, lead_time_days=1),),
            status=ProductStatus.ARCHIVED,
        ),
    ),
)

"""UPPKA Sekar Melati, Muaro Jambi: keripik pisang, lempok durian, kue and kerupuk."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct, halal, pirt
from shop.groups.services import GroupProfile

SEKAR_MELATI = DemoGroup(
    profile=GroupProfile(
        name="UPPKA Sekar Melati",
        programme="uppka",
        province_code="15",
        regency_code="15.05",
        district_code="15.05.01",
        story=(
            "UPPKA Sekar Melati adalah kelompok ibu-ibu akseptor KB di Kecamatan Jambi Luar "
            "Kota, Muaro Jambi, yang dibina Perwakilan BKKBN Provinsi Jambi sejak 2016.\n\n"
            "Setiap Selasa dan Jumat kami berkumpul di rumah produksi: menggoreng keripik "
            "dari pisang kepok kebun anggota, memanggang kue bangkit, dan mengaduk lempok "
            "ketika musim durian tiba. Hasil penjualan diputar untuk modal, sebagian masuk "
            "tabungan kelompok untuk biaya sekolah anak."
        ),
        founded_year=2016,
        member_count=15,
        whatsapp="+6281200000002",
        pickup_address=(
            "Rumah produksi UPPKA Sekar Melati, Desa Pijoan (samping masjid), Kecamatan "
            "Jambi Luar Kota, Muaro Jambi."
        ),
        offers_local_delivery=True,
    ),
    leader="rahma",
    members=("aisyah",),
    bank_accounts=(("Bank Jambi", "1505099020"), ("BRI", "150501009902507")),
    products=(
        DemoProduct(
            ProductData(
                name="Keripik Pisang Manis",
                category="makanan-ringan",
                description=(
                    "Pisang kepok dari kebun anggota diiris tipis memanjang, digoreng lalu "
                    "dibalut gula karamel tipis. Manisnya pas, renyahnya tahan lama.\n\n"
                    "Favorit untuk oleh-oleh khas Jambi."
                ),
                packaging_type="standing-pouch",
                net_content=200,
                net_unit="g",
                length_cm=14,
                width_cm=5,
                height_cm=22,
                shelf_life_days=120,
                storage_instructions="Simpan di tempat kering dan sejuk, tutup rapat zip.",
                ingredients="Pisang kepok, gula pasir, minyak kelapa sawit, garam.",
                allergens="Diolah di dapur yang juga mengolah kacang tanah",
                pirt_number=pirt(7, 14, "15.05", 1, 9902),
                halal_number=halal("15", 99021),
            ),
            (
                VariantData("200 g", 17000, stock=40),
                VariantData("500 g", 38000, stock=15),
            ),
            photos=2,
        ),
        DemoProduct(
            ProductData(
                name="Lempok Durian Jambi",
                category="makanan",
                description=(
                    "Lempok dari daging durian lokal dan gula, diaduk di atas tungku hingga "
                    "pekat dan legit. Dibuat hanya selama musim durian, stok terbatas."
                ),
                packaging_type="kotak",
                net_content=250,
                net_unit="g",
                length_cm=15,
                width_cm=8,
                height_cm=4,
                shelf_life_days=90,
                storage_instructions=("Simpan di tempat sejuk. Setelah dibuka simpan di kulkas."),
                ingredients="Daging buah durian, gula pasir.",
                pirt_number=pirt(3, 14, "15.05", 2, 9902),
                halal_number=halal("15", 99022),
            ),
            (VariantData("Kotak 250 g", 45000, stock=8),),
        ),
        DemoProduct(
            ProductData(
                name="Kue Bangkit Jambi",
                category="kue",
                description=(
                    "Kue bangkit sagu dan santan yang lumer di mulut, dicetak bunga dan "
                    "dipanggang dengan daun pandan. Pesanan toples besar untuk Lebaran kami "
                    "terima sampai dua minggu sebelum hari raya."
                ),
                packaging_type="toples",
                net_content=300,
                net_unit="g",
                length_cm=12,
                width_cm=12,
                height_cm=12,
                shelf_life_days=60,
                storage_instructions="Simpan dalam toples tertutup rapat, jauh dari lembap.",
                ingredients="Tepung sagu, santan kelapa, gula pasir, kuning telur, daun pandan.",
                allergens="Telur",
                pirt_number=pirt(2, 6, "15.05", 3, 9902),
                halal_number=halal("15", 99023),
            ),
            (
                VariantData("Toples 300 g", 55000, stock=10),
                VariantData("Toples 500 g", 85000, lead_time_days=3),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Kerupuk Ikan Patin",
                category="makanan-ringan",
                description=(
                    "Kerupuk dari ikan patin Sungai Batanghari, gurih dan tidak amis. "
                    "Dijual mentah, tinggal goreng."
                ),
                packaging_type="plastik",
                net_content=250,
                net_unit="g",
                length_cm=20,
                width_cm=4,
                height_cm=28,
                shelf_life_days=365,
                storage_instructions="Simpan di tempat kering. Goreng dalam minyak panas.",
                ingredients="Tepung tapioka, daging ikan patin, bawang putih, garam, gula.",
                allergens="Ikan",
                pirt_number=pirt(2, 2, "15.05", 4, 9902),
                halal_number=halal("15", 99024),
            ),
            (VariantData("250 g", 25000, stock=20),),
        ),
    ),
)

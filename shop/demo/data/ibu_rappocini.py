"""Kelompok Usaha Ibu Rappocini, Makassar: nasi kotak, kue tradisional, laundry."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct
from shop.groups.services import GroupProfile

IBU_RAPPOCINI = DemoGroup(
    profile=GroupProfile(
        name="Kelompok Usaha Ibu Rappocini",
        programme="lainnya",
        province_code="73",
        regency_code="73.71",
        district_code="73.71.13",
        story=(
            "Kami delapan ibu rumah tangga di Rappocini, Makassar, yang dibina pendamping "
            "kelurahan sejak 2022. Pagi hari kami memasak pesanan nasi kotak dan kue "
            "tradisional Bugis-Makassar untuk arisan, pengajian dan rapat kantor; siang hari "
            "mesin cuci dan setrika kami pakai untuk laundry kiloan tetangga dan anak kos."
        ),
        founded_year=2022,
        member_count=8,
        whatsapp="+6281200000007",
        pickup_address=(
            "Rumah Bu Andi, Kecamatan Rappocini, Makassar (pagar hijau, ada papan "
            "'Catering & Laundry')."
        ),
        offers_local_delivery=True,
    ),
    leader="andi",
    bank_accounts=(("Bank Sulselbar", "0737199070"),),
    products=(
        DemoProduct(
            ProductData(
                name="Nasi Kotak Ayam Bakar",
                category="makanan",
                description=(
                    "Nasi putih, ayam bakar bumbu kecap, sayur, sambal dan kerupuk. Paket "
                    "lengkap ditambah kue dan buah. Minimal 20 kotak, pesan paling lambat "
                    "sehari sebelumnya; kami antar di sekitar Makassar."
                ),
                packaging_type="kotak",
                net_content=1,
                net_unit="pcs",
                length_cm=20,
                width_cm=20,
                height_cm=6,
                storage_instructions="Sebaiknya disantap dalam empat jam setelah diantar.",
                ingredients=(
                    "Nasi putih, ayam, kecap manis, bawang merah, bawang putih, sayuran, "
                    "cabai, kerupuk."
                ),
                allergens="Kedelai (kecap), gandum (kerupuk)",
            ),
            (
                VariantData("Paket reguler", 30000, lead_time_days=1, min_order_qty=20),
                VariantData("Paket lengkap", 40000, lead_time_days=1, min_order_qty=20),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Snack Box Kue Tradisional",
                category="kue",
                description=(
                    "Kue tradisional Makassar dalam kotak: barongko, jalangkote dan kue "
                    "lapis, dibuat pagi hari sebelum diantar. Minimal 25 kotak."
                ),
                packaging_type="kotak",
                net_content=3,
                net_unit="pcs",
                length_cm=12,
                width_cm=12,
                height_cm=5,
                shelf_life_days=1,
                storage_instructions="Simpan di suhu ruang, habiskan di hari yang sama.",
                ingredients=(
                    "Pisang, telur, santan, gula, tepung terigu, tepung beras, sayuran, "
                    "daging ayam."
                ),
                allergens="Gandum (gluten), telur, susu",
            ),
            (
                VariantData("Isi 3 kue", 15000, lead_time_days=1, min_order_qty=25),
                VariantData("Isi 4 kue + air mineral", 20000, lead_time_days=1, min_order_qty=25),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Laundry Kiloan",
                category="jasa",
                description=(
                    "Cuci, kering, setrika dan lipat rapi dengan pewangi. Pakaian dijemput "
                    "dan diantar gratis di Kecamatan Rappocini. Paket ekspres selesai "
                    "dalam enam jam."
                ),
                packaging_type="tanpa-kemasan",
            ),
            (
                VariantData("Cuci setrika 3 kg", 24000, lead_time_days=2),
                VariantData("Cuci setrika 5 kg", 38000, lead_time_days=2),
                VariantData("Ekspres 3 kg", 36000, lead_time_days=0),
            ),
        ),
    ),
)

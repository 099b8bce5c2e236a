"""Karya Mandiri Lapas Jambi: knitting and kue kering by the prison's trainees."""

from __future__ import annotations

from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct, halal, pirt
from shop.groups.services import GroupProfile

KARYA_MANDIRI = DemoGroup(
    profile=GroupProfile(
        name="Karya Mandiri Lapas Jambi",
        programme="lapas",
        province_code="15",
        regency_code="15.71",
        district_code="15.71.02",
        story=(
            "Karya Mandiri adalah kelompok pelatihan kerja warga binaan di Lapas Jambi. Di "
            "bengkel kerja, warga binaan belajar merajut tas, topi dan syal bersama "
            "instruktur, dan memanggang kue kering di dapur pelatihan yang sudah memiliki "
            "sertifikat P-IRT.\n\n"
            "Setiap pesanan dikerjakan warga binaan dan diperiksa petugas sebelum dikirim. "
            "Sebagian hasil penjualan menjadi premi dan tabungan mereka untuk bekal saat "
            "bebas nanti."
        ),
        founded_year=2019,
        member_count=14,
        whatsapp="+6281200000004",
        pickup_address=(
            "Ruang pamer hasil karya warga binaan, Lapas Jambi. Senin–Jumat pukul "
            "09.00–14.00; sebutkan nomor pesanan kepada petugas."
        ),
        accepts_cash=False,
        offers_courier=True,
    ),
    leader="dewi",
    members=("aisyah",),
    bank_accounts=(("BRI", "157101009904508"),),
    products=(
        DemoProduct(
            ProductData(
                name="Tas Rajut Selempang",
                category="rajutan",
                description=(
                    "Tas selempang rajutan tangan dari benang katun susu, dengan tali "
                    "panjang yang bisa diatur dan lapisan kain di dalam. Ukuran kecil "
                    "tersedia; sedang dan besar dirajut sesuai pesanan, warna boleh pilih."
                ),
                packaging_type="plastik",
                net_content=1,
                net_unit="pcs",
                length_cm=25,
                width_cm=8,
                height_cm=22,
            ),
            (
                VariantData("Kecil (18 × 15 cm)", 85000, stock=4),
                VariantData("Sedang (24 × 20 cm)", 120000, lead_time_days=10),
                VariantData("Besar (30 × 25 cm)", 165000, lead_time_days=14),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Topi Rajut Bayi",
                category="rajutan",
                description=(
                    "Topi kupluk bayi dengan pompom, dari benang akrilik lembut yang tidak "
                    "gatal. Hadiah kelahiran yang manis."
                ),
                packaging_type="plastik",
                net_content=1,
                net_unit="pcs",
                length_cm=18,
                width_cm=16,
                height_cm=4,
            ),
            (
                VariantData("0–6 bulan", 35000, stock=8),
                VariantData("6–12 bulan", 38000, stock=6),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Syal Rajut",
                category="rajutan",
                description=(
                    "Syal rajut panjang 160 cm dengan rumbai, pola belah ketupat. Dirajut "
                    "setelah pesanan masuk; tulis warna pilihan di catatan pesanan."
                ),
                packaging_type="plastik",
                net_content=1,
                net_unit="pcs",
                length_cm=25,
                width_cm=20,
                height_cm=5,
            ),
            (VariantData("160 × 20 cm", 65000, lead_time_days=7),),
        ),
        DemoProduct(
            ProductData(
                name="Nastar Nanas",
                category="kue",
                description=(
                    "Nastar lembut dengan selai nanas masak sendiri, wangi mentega dan "
                    "kayu manis. Toples 250 g siap kirim; toples 500 g dipanggang sesuai "
                    "pesanan."
                ),
                packaging_type="toples",
                net_content=250,
                net_unit="g",
                length_cm=12,
                width_cm=12,
                height_cm=11,
                shelf_life_days=60,
                storage_instructions="Simpan dalam toples tertutup rapat di suhu ruang.",
                ingredients=(
                    "Tepung terigu, mentega, margarin, kuning telur, susu bubuk, gula halus, "
                    "selai nanas (nanas, gula, kayu manis, cengkih)."
                ),
                allergens="Gandum (gluten), telur, susu",
                pirt_number=pirt(2, 6, "15.71", 1, 9904),
                halal_number=halal("15", 99041),
            ),
            (
                VariantData("Toples 250 g", 48000, stock=10),
                VariantData("Toples 500 g", 85000, lead_time_days=3),
            ),
            photos=2,
        ),
        DemoProduct(
            ProductData(
                name="Snack Box Cookies Cokelat",
                category="kue",
                description=(
                    "Kotak berisi 10 keping cookies cokelat chip, cocok untuk rapat, "
                    "pengajian dan acara sekolah. Minimal 10 kotak per pesanan, dipanggang "
                    "dua hari sebelum acara."
                ),
                packaging_type="kotak",
                net_content=10,
                net_unit="pcs",
                length_cm=15,
                width_cm=10,
                height_cm=5,
                shelf_life_days=30,
                storage_instructions="Simpan di tempat kering, jauh dari sinar matahari.",
                ingredients=(
                    "Tepung terigu, mentega, gula palem, telur, cokelat chip, susu bubuk, "
                    "baking soda."
                ),
                allergens="Gandum (gluten), telur, susu, kedelai (lesitin)",
                pirt_number=pirt(3, 6, "15.71", 2, 9904),
                halal_number=halal("15", 99042),
            ),
            (VariantData("Kotak isi 10", 25000, lead_time_days=2, min_order_qty=10),),
        ),
    ),
)

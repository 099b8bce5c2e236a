"""Kelompok Mina Sejahtera, Boyolali (JPS TKM): abon, kerupuk and snacks of lele."""

from __future__ import annotations

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import ProductData, VariantData
from shop.demo.data.base import DemoGroup, DemoProduct, halal, pirt
from shop.groups.qris import static_payload
from shop.groups.services import GroupProfile

MINA_SEJAHTERA = DemoGroup(
    profile=GroupProfile(
        name="Kelompok Mina Sejahtera",
        programme="jps-tkm",
        province_code="33",
        regency_code="33.09",
        district_code="33.09.08",
        story=(
            "Kami dua puluh warga Desa Tegalrejo, Kecamatan Sawit, Boyolali, kampung yang "
            "dikenal orang sebagai kampung lele. Tahun 2021 kelompok kami menerima bantuan "
            "peralatan dari program JPS TKM Kementerian Ketenagakerjaan: mesin suwir abon, "
            "spinner peniris minyak, sealer dan kompor besar.\n\n"
            "Lele kami ambil dari kolam anggota sendiri, dipanen pagi dan diolah hari itu "
            "juga. Dulu abon dan kerupuk kami hanya dititip di warung sekitar; sekarang "
            "sudah dikirim sampai Solo, Semarang dan Jakarta."
        ),
        founded_year=2021,
        member_count=20,
        whatsapp="+6281200000001",
        pickup_address=(
            "Rumah produksi Bu Sri, RT 02/RW 05 Desa Tegalrejo, Kecamatan Sawit, Boyolali. "
            "Buka setiap hari pukul 08.00–16.00."
        ),
        offers_local_delivery=True,
        offers_courier=True,
        whatsapp_orders=True,
    ),
    leader="sri",
    members=("joko",),
    bank_accounts=(("BRI", "330901009901530"), ("Bank Jateng", "2090099010")),
    # The QRIS sticker BRI gave the group: buyers may pay by QRIS with the amount filled in.
    qris=static_payload(
        name="KLP MINA SEJAHTERA",
        city="BOYOLALI",
        nmid="ID1021107654321",
        pan="936000020330901530",
        mcc="5499",
        postal_code="57374",
    ),
    invitation=True,
    products=(
        DemoProduct(
            ProductData(
                name="Abon Ikan Lele",
                category="makanan",
                description=(
                    "Abon dari daging lele segar kolam anggota, disuwir halus lalu dimasak "
                    "pelan dengan bumbu bawang, ketumbar dan gula kelapa sampai kering dan "
                    "gurih. Tanpa pengawet dan tanpa MSG.\n\n"
                    "Enak untuk teman nasi hangat, isian roti, atau bekal anak sekolah. "
                    "Tersedia rasa original dan pedas."
                ),
                packaging_type="standing-pouch",
                net_content=100,
                net_unit="g",
                length_cm=13,
                width_cm=4,
                height_cm=20,
                shelf_life_days=180,
                storage_instructions=(
                    "Simpan di tempat kering dan sejuk, jauh dari sinar matahari. Tutup rapat "
                    "zip setelah dibuka dan habiskan dalam dua minggu."
                ),
                ingredients=(
                    "Daging ikan lele, bawang merah, bawang putih, gula kelapa, ketumbar, "
                    "lengkuas, serai, daun salam, garam, minyak kelapa sawit."
                ),
                allergens="Ikan",
                pirt_number=pirt(7, 2, "33.09", 1, 9901),
                halal_number=halal("33", 99011),
            ),
            (
                VariantData("Original 100 g", 35000, stock=24),
                VariantData("Original 250 g", 80000, stock=10),
                VariantData("Pedas 100 g", 37000, stock=0),
            ),
            photos=2,
        ),
        DemoProduct(
            ProductData(
                name="Kerupuk Lele",
                category="makanan-ringan",
                description=(
                    "Kerupuk dari adonan tapioka dan daging lele giling, dijemur di bawah "
                    "matahari Boyolali. Mengembang besar dan renyah, rasa ikannya terasa.\n\n"
                    "Beli yang mentah untuk digoreng sendiri di rumah, atau yang sudah matang "
                    "untuk langsung disantap (kami goreng sesuai pesanan)."
                ),
                packaging_type="plastik",
                net_content=250,
                net_unit="g",
                length_cm=20,
                width_cm=4,
                height_cm=28,
                shelf_life_days=365,
                storage_instructions=(
                    "Simpan mentah di tempat kering. Goreng dalam minyak panas api sedang; "
                    "jemur sebentar bila kerupuk terasa lembap. Kerupuk matang habiskan "
                    "dalam seminggu."
                ),
                ingredients=(
                    "Tepung tapioka, daging ikan lele, telur, bawang putih, garam, gula pasir."
                ),
                allergens="Ikan, telur",
                pirt_number=pirt(2, 2, "33.09", 2, 9901),
                halal_number=halal("33", 99012),
            ),
            (
                VariantData("Mentah 250 g", 18000, stock=40),
                VariantData("Mentah 500 g", 33000, stock=20),
                VariantData("Matang 150 g", 15000, lead_time_days=2),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Keripik Kulit Lele",
                category="makanan-ringan",
                description=(
                    "Kulit lele yang dulu terbuang kini jadi camilan favorit: dibalut tepung "
                    "tipis, digoreng dua kali sampai kriuk, lalu ditiriskan dengan spinner "
                    "supaya tidak berminyak."
                ),
                packaging_type="standing-pouch",
                net_content=75,
                net_unit="g",
                length_cm=12,
                width_cm=4,
                height_cm=18,
                shelf_life_days=90,
                storage_instructions="Simpan di tempat kering, tutup rapat setelah dibuka.",
                ingredients=(
                    "Kulit ikan lele, tepung beras, tepung tapioka, bawang putih, garam, "
                    "minyak goreng. Rasa balado: cabai bubuk dan gula."
                ),
                allergens="Ikan",
                pirt_number=pirt(7, 2, "33.09", 3, 9901),
                halal_number=halal("33", 99013),
            ),
            (
                VariantData("Original 75 g", 15000, stock=30),
                VariantData("Balado 75 g", 16000, stock=18),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Stik Lele",
                category="makanan-ringan",
                description=(
                    "Stik gurih dari adonan terigu dan daging lele dengan taburan seledri. "
                    "Cocok untuk suguhan tamu dan hantaran Lebaran. Toples besar kami buat "
                    "sesuai pesanan."
                ),
                packaging_type="toples",
                net_content=200,
                net_unit="g",
                length_cm=10,
                width_cm=10,
                height_cm=14,
                shelf_life_days=90,
                storage_instructions="Simpan dalam toples tertutup rapat di suhu ruang.",
                ingredients=(
                    "Tepung terigu, daging ikan lele, telur, margarin, bawang putih, seledri, "
                    "garam."
                ),
                allergens="Gandum (gluten), ikan, telur, susu",
                pirt_number=pirt(2, 6, "33.09", 4, 9901),
                halal_number=halal("33", 99014),
            ),
            (
                VariantData("Toples 200 g", 20000, stock=15),
                VariantData("Toples 500 g", 45000, lead_time_days=3),
            ),
        ),
        DemoProduct(
            ProductData(
                name="Nugget Lele Beku",
                category="makanan",
                description=(
                    "Nugget lele dengan wortel, digoreng setengah matang lalu dibekukan. "
                    "Belum kami tampilkan: izin edar BPOM untuk pangan beku masih diurus."
                ),
                packaging_type="plastik",
                net_content=500,
                net_unit="g",
                length_cm=18,
                width_cm=3,
                height_cm=26,
                shelf_life_days=60,
                storage_instructions=(
                    "Simpan beku (−18 °C). Setelah dicairkan jangan dibekukan kembali."
                ),
                ingredients=(
                    "Daging ikan lele, tepung terigu, tepung roti, telur, wortel, bawang putih, "
                    "garam, merica."
                ),
                allergens="Ikan, gandum (gluten), telur",
            ),
            (VariantData("500 g", 38000, lead_time_days=2),),
            status=ProductStatus.DRAFT,
        ),
    ),
)

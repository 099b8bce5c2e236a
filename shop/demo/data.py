"""The demo content as plain data: people, groups and their products.

Seven groups from the programmes the site is for, in six provinces, with the real
Kemendagri region codes of the vendored region tables. Everything else is made up:
the people, phone numbers (+62 812-0000-00xx), bank accounts and certificate
numbers. Certificate numbers follow the real formats so the packaging table looks
right, with serials in a 99xx range that marks them as demo:

- P-IRT (BPOM regulation 22/2018): 15 digits, ``KJJPPRRNNIIII-YY`` — packaging
  code K (1 glass, 2 plastic, 3 paper/carton, 4 tin, 7 composite such as a foil
  pouch), food type JJ (01 dried meat, 02 dried fish, 06 flour products such as
  kerupuk and kue kering, and so on), province and regency PPRR, the product's
  number NN, the producer's number IIII in that regency, and the last two digits
  of the year it expires.
- Halal certificate: shaped like BPJPH numbers, ``ID`` + province + ``110000`` +
  serial + month and year of issue.
- BPOM registration, for the one product that has it instead of a P-IRT:
  ``MD`` + 12 digits.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalogue.models import ProductStatus
from shop.catalogue.services import ProductData, VariantData
from shop.groups.models import Role
from shop.groups.services import GroupProfile

DEMO_PASSWORD = "etalase-demo"


def pirt(packaging: int, food_type: int, regency: str, product: int, producer: int) -> str:
    """A P-IRT number that expires in 2029, e.g. ``7023309019901-29``."""
    return f"{packaging}{food_type:02d}{regency.replace('.', '')}{product:02d}{producer:04d}-29"


def halal(province: str, serial: int, issued: str = "0824") -> str:
    return f"ID{province}110000{serial:05d}{issued}"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    phone: str


@dataclass(frozen=True)
class DemoProduct:
    data: ProductData
    variants: tuple[VariantData, ...]
    status: ProductStatus = ProductStatus.PUBLISHED
    photos: int = 1


@dataclass(frozen=True)
class DemoGroup:
    profile: GroupProfile
    leader: str
    members: tuple[str, ...] = ()
    bank_accounts: tuple[tuple[str, str], ...] = ()
    invitation: bool = False
    products: tuple[DemoProduct, ...] = ()


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("sri", "Sri Wahyuni", "+6281200000001"),
    DemoPerson("rahma", "Rahmawati", "+6281200000002"),
    DemoPerson("endang", "Endang Sulistyowati", "+6281200000003"),
    DemoPerson("dewi", "Dewi Kartika Sari", "+6281200000004"),
    DemoPerson("masliana", "Masliana", "+6281200000005"),
    DemoPerson("baiq", "Baiq Nurul Hidayah", "+6281200000006"),
    DemoPerson("andi", "Andi Nurhayati", "+6281200000007"),
    DemoPerson("aisyah", "Nur Aisyah", "+6281200000008"),
    DemoPerson("joko", "Joko Susilo", "+6281200000009"),
)

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
    ),
    leader="sri",
    members=("joko",),
    bank_accounts=(("BRI", "330901009901530"), ("Bank Jateng", "2090099010")),
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

GROUPS: tuple[DemoGroup, ...] = (
    MINA_SEJAHTERA,
    SEKAR_MELATI,
    KOPWAN_MOJOROTO,
    KARYA_MANDIRI,
    PURUN_BANUA,
    DAPUR_SASAK,
    IBU_RAPPOCINI,
)


def person(key: str) -> DemoPerson:
    return next(p for p in PEOPLE if p.key == key)


@dataclass(frozen=True)
class DemoLogin:
    """One row of the table of demo logins: a person in one group."""

    name: str
    phone: str
    group: str
    role: Role


def logins() -> list[DemoLogin]:
    """Every ketua in group order, then the members by phone number."""
    leaders = [
        DemoLogin(person(g.leader).name, person(g.leader).phone, g.profile.name, Role.LEADER)
        for g in GROUPS
    ]
    members = [
        DemoLogin(person(key).name, person(key).phone, g.profile.name, Role.MEMBER)
        for g in GROUPS
        for key in g.members
    ]
    return leaders + sorted(members, key=lambda row: row.phone)

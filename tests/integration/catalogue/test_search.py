"""Product search on the active database: spelling variants, word forms, prefixes, ranking.

The same expected result sets are asserted on SQLite (FTS5) and PostgreSQL (tsvector),
so a run on each backend proves both find the same products. The PostgreSQL-only tests
check that Python's stems equal PostgreSQL's and that queries use the GIN index.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, func, select, text

from shop.catalogue import search
from shop.catalogue.models import Category, Product
from shop.extensions import db
from tests.factories import GroupFactory, ProductFactory, VariantFactory

STEMMER_DATABASE_URL = os.environ.get(
    "STEMMER_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


@pytest.fixture(scope="module")
def postgresql_server():
    """PostgreSQL's own stemmer, whatever database the suite runs on: every
    machine of this project runs PostgreSQL, so SQLite runs compare too."""
    engine = create_engine(STEMMER_DATABASE_URL)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def indexed(**fields) -> Product:
    """A product as the catalogue service leaves it: search text stored and indexed."""
    fields.setdefault("description", "")
    product = ProductFactory(**fields)
    product.search_text = search.index_text(product)
    db.session.flush()
    search.reindex_products([product.id])
    return product


def found(query: str | None) -> list[Product]:
    """The products `query` finds, best first, newest first among equals."""
    stmt, rank = search.apply_search(select(Product), query)
    order = (rank,) if rank is not None else ()
    return list(db.session.scalars(stmt.order_by(*order, Product.id.desc())).all())


def names(query: str | None) -> set[str]:
    return {product.name for product in found(query)}


@pytest.fixture
def group():
    return GroupFactory(name="Kelompok Maju Bersama")


@pytest.fixture
def catalogue(group):
    """A small catalogue; the group name has none of the words searched for."""
    products = [
        ("Keripik Pisang", Category.SNACKS, "Pisang kepok diiris tipis, renyah."),
        ("Kerupuk Lele", Category.SNACKS, "Krupuk ikan lele asli, digoreng sendiri."),
        ("Abon Ikan Lele", Category.FOOD, "Abon gurih tanpa pengawet."),
        ("Abon Sapi", Category.FOOD, "Daging sapi pilihan, manis dan gurih."),
        ("Tas Rajut", Category.KNITTING, "Tas tangan dari benang katun."),
        ("Sambal Bawang", Category.SPICES, "Pedas, dalam toples kaca 150 gr."),
        ("Dompet Anyaman Pandan", Category.CRAFTS, "Anyaman daun pandan, buatan ibu-ibu."),
        ("Paket Oleh-oleh", Category.OTHER, "Berisi keripik pisang dan abon lele."),
        ("Kue Kering Nastar", Category.CAKES, "Nastar nanas, toples 500gr."),
        ("Wedang Jahe Merah", Category.DRINKS, "Minuman jahe merah instan."),
    ]
    return {
        name: indexed(name=name, category=category, description=description, group=group)
        for name, category, description in products
    }


# Query -> names found; asserted identically on both backends.
EXPECTED = {
    "kripik": {"Keripik Pisang", "Paket Oleh-oleh"},
    "Keripik": {"Keripik Pisang", "Paket Oleh-oleh"},
    "keri": {"Keripik Pisang", "Paket Oleh-oleh", "Kue Kering Nastar"},
    "kerip": {"Keripik Pisang", "Paket Oleh-oleh"},
    "Krupuk LELE": {"Kerupuk Lele"},
    "kerupuk": {"Kerupuk Lele"},
    "abon lele": {"Abon Ikan Lele", "Paket Oleh-oleh"},
    "abo": {"Abon Ikan Lele", "Abon Sapi", "Paket Oleh-oleh"},
    "rajutan": {"Tas Rajut"},
    "rajut": {"Tas Rajut"},
    "sambel": {"Sambal Bawang"},
    "anyam": {"Dompet Anyaman Pandan"},
    "kuker": {"Kue Kering Nastar"},
    "kue kering": {"Kue Kering Nastar"},
    "minuman jahe": {"Wedang Jahe Merah"},
    "minum": {"Wedang Jahe Merah"},
    "crafts": {"Dompet Anyaman Pandan"},
    "kerajinan": {"Dompet Anyaman Pandan"},
    "knitting": {"Tas Rajut"},
    "150gr": {"Sambal Bawang"},
    "ibu2": {"Dompet Anyaman Pandan"},
    "oleh2": {"Paket Oleh-oleh"},
    "abon rendang": set(),
    "pempek": set(),
}


@pytest.mark.parametrize(("query", "expected"), list(EXPECTED.items()))
def test_finds_spelling_variants_and_word_forms(catalogue, query, expected):
    assert names(query) == expected


def test_abon_lele_is_not_abon_sapi(catalogue):
    result = names("abon lele")
    assert "Abon Ikan Lele" in result
    assert "Abon Sapi" not in result


def test_group_name_is_searchable(group):
    other = GroupFactory(name="KUB Mina Sejahtera")
    indexed(name="Abon Ikan Lele", group=other)
    indexed(name="Abon Ikan Tuna", group=group)
    assert names("mina sejahtera") == {"Abon Ikan Lele"}
    assert names("maju abon") == {"Abon Ikan Tuna"}


def test_name_match_ranks_above_description_match(group):
    older = indexed(name="Abon Ikan Lele", group=group, description="Gurih.")
    newer = indexed(name="Paket Hemat", group=group, description="Berisi abon ikan lele.")
    assert older.id < newer.id
    assert [p.name for p in found("abon")] == ["Abon Ikan Lele", "Paket Hemat"]
    assert [p.name for p in found("lele")] == ["Abon Ikan Lele", "Paket Hemat"]


def test_group_match_ranks_above_description_match():
    indexed(name="Paket Hemat", group=GroupFactory(name="Kelompok Lain"), description="Lele.")
    indexed(name="Paket Hemat Dua", group=GroupFactory(name="Kelompok Lele Jaya"))
    assert [p.name for p in found("lele")] == ["Paket Hemat Dua", "Paket Hemat"]


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "-",
        ":",
        "*",
        "OR",
        "abon OR lele",
        "NEAR(abon lele)",
        "abon -lele",
        "name:abon",
        "'; DROP TABLE product; --",
        "abon' OR '1'='1",
        "🍪🧶",
        "a" * 5000,
        "abon " * 1000,
        "\x00abon",
        "() & | ! <-> :*",
    ],
)
def test_hostile_queries_return_normally(catalogue, hostile):
    found(hostile)


def test_empty_query_adds_no_filter(catalogue):
    stmt = select(Product)
    for query in (None, "", "   ", "🍪", "-:*"):
        searched, rank = search.apply_search(stmt, query)
        assert searched is stmt
        assert rank is None
    assert len(found("")) == len(catalogue)


def test_search_combines_with_other_filters(catalogue):
    stmt = select(Product).where(Product.category == Category.FOOD)
    stmt, rank = search.apply_search(stmt, "abon")
    assert {p.name for p in db.session.scalars(stmt.order_by(rank))} == {
        "Abon Ikan Lele",
        "Abon Sapi",
    }
    count = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    assert count == 2


def test_reindexing_follows_edits_and_deletes(group):
    product = indexed(name="Keripik Tempe", group=group)
    VariantFactory(product=product)
    product.name = "Keripik Singkong"
    product.search_text = search.index_text(product)
    db.session.flush()
    search.reindex_products([product.id])
    assert names("tempeh") == set()
    assert names("singkong") == {"Keripik Singkong"}

    product_id = product.id
    db.session.delete(product)
    db.session.flush()
    search.reindex_products([product_id])
    assert names("singkong") == set()
    if _dialect() == "sqlite":
        left = db.session.execute(
            text("SELECT count(*) FROM product_fts WHERE rowid = :id"), {"id": product_id}
        )
        assert left.scalar() == 0


def test_reindex_all_rebuilds_the_index(catalogue):
    db.session.execute(text("DELETE FROM product_fts"))
    assert names("abon") == set()
    assert search.reindex_all() == len(catalogue)
    assert names("abon") == {"Abon Ikan Lele", "Abon Sapi", "Paket Oleh-oleh"}


def test_index_products_stores_and_indexes(group):
    product = ProductFactory(name="Rengginang Ketan", group=group, description="")
    assert names("renginang") == set()
    search.index_products([product])
    assert product.search_text.startswith("rengginang ketan | ")
    assert names("renginang") == {"Rengginang Ketan"}


def test_index_text_has_name_meta_and_description_parts(group):
    product = ProductFactory(
        name="Kripik Pisang", group=group, category=Category.SNACKS, description="Renyah!"
    )
    name, meta, body = search.index_text(product).split(" | ")
    assert name == "keripik pisang"
    assert meta.split()[:3] == ["kelompok", "maju", "bersama"]
    assert {"makanan", "ringan", "snacks", "crackers"} <= set(meta.split())
    assert body == "renyah"


def test_index_text_does_not_depend_on_the_request_language(app, group):
    product = ProductFactory(name="Tas Rajut", group=group, category=Category.CRAFTS)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        in_english = search.index_text(product)
    with app.test_request_context():
        in_indonesian = search.index_text(product)
    assert in_english == in_indonesian


def test_rebuild_index_recomputes_every_product(group):
    product = ProductFactory(name="Sirop Markisa", group=group, description="")
    assert product.search_text == ""
    assert search.rebuild_index(batch_size=1) >= 1
    assert product.search_text.startswith("sirup markisa")
    assert names("sirup") == {"Sirop Markisa"}


def test_cli_reindex(app, group, monkeypatch):
    # The per-test transaction does not capture a real commit: Flask-SQLAlchemy 3's
    # session ignores its bind= option (pallets-eco/flask-sqlalchemy#1167).
    monkeypatch.setattr(db.session, "commit", db.session.flush)
    ProductFactory(name="Dodol Durian", group=group, description="")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    assert names("dodol") == {"Dodol Durian"}


# The ~60 words of the catalogue's everyday vocabulary, with their affixed forms.
PRODUCT_WORDS = """
makanan minuman rajutan rajut keripik kerupuk abon lele pengemasan kemasan sambal kue
kering jahe tas dompet anyaman bandeng batik tenun tenunan dodol rengginang emping teri
jamu cokelat sirup tempe kopi pisang singkong bawang ikan sapi ayam pedas manis asin
gurih renyah camilan kerajinan pakaian buatan kelompok dikemas pengawet halal olahan
sulaman bordir keset bambu rotan pandan kayu ukiran gerabah kebaya songket selendang
madu kedelai nastar kastengel rempeyek kacang wijen kunyit serai cabai terasi kecap
melinjo rosela suvenir cenderamata oleh ibu 100 250 gr
""".split()


@pytest.mark.parametrize("word", PRODUCT_WORDS)
def test_python_stems_equal_postgresql_stems(postgresql_server, word):
    normalised = search.normalise(word)
    lexemes = postgresql_server.scalar(
        select(func.tsvector_to_array(func.to_tsvector("indonesian", normalised)))
    )
    assert sorted(lexemes) == sorted(set(search.stems(word)))


@pytest.mark.postgresql_only
def test_python_lexemes_equal_the_postgresql_index_document(catalogue):
    for product in catalogue.values():
        rows = db.session.execute(
            text(
                "SELECT lexeme, weights FROM product_fts, unnest(document) WHERE product_id = :id"
            ),
            {"id": product.id},
        ).all()
        expected: dict[str, set[str]] = {}
        parts = search.document_lexemes(product.search_text)
        for part, weight in (("name", "A"), ("meta", "B"), ("body", "C")):
            for lexeme in parts[part]:
                expected.setdefault(lexeme, set()).add(weight)
        assert {lexeme: set(weights) for lexeme, weights in rows} == expected


@pytest.mark.postgresql_only
def test_postgresql_trigger_indexes_without_reindex_call(group):
    product = ProductFactory(name="Madu Hutan", group=group, description="")
    product.search_text = search.index_text(product)
    db.session.flush()
    assert names("madu") == {"Madu Hutan"}


@pytest.mark.postgresql_only
def test_postgresql_queries_use_the_gin_index(catalogue):
    stmt, rank = search.apply_search(select(Product.id), "kripik lele")
    sql = stmt.order_by(rank).compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    connection = db.session.connection()
    # A handful of rows: take away the scans a planner may prefer for so few.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_indexscan = off")
    plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    assert "ix_product_search" in plan, plan


@pytest.mark.sqlite_only
def test_sqlite_index_holds_stems_and_words(catalogue):
    product = catalogue["Keripik Pisang"]
    row = db.session.execute(
        text("SELECT name, meta, body FROM product_fts WHERE rowid = :id"), {"id": product.id}
    ).one()
    assert row.name == "ripik pisang keripik pisang"
    assert "snacks" in row.meta.split()
    assert row.body.split()[:2] == ["pisang", "kepok"]

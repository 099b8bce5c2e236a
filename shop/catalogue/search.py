"""Product full-text search: Indonesian-aware normalising, stemming, indexing and ranking.

One pipeline serves both databases, so SQLite and PostgreSQL find the same products:

1. `normalise` folds case, accents and spelling variants into plain ASCII words. The
   catalogue service stores its result for name, meta (group name and category labels)
   and description in `Product.search_text` as ``"<name> | <meta> | <description>"``;
   `normalise` never emits ``|``, so the parts can be split again.
2. Both the index and the query are made of the Snowball ``indonesian`` stems of those
   words plus the words themselves (so "keri" finds "keripik" while the user types,
   although its stem is "ripik"). The index is a table named ``product_fts`` on both
   backends, keyed by product id. On SQLite it is an FTS5 table with the columns name,
   meta and body, which `reindex_products` fills with stems computed in Python
   (snowballstemmer). On PostgreSQL it holds a weighted tsvector per product
   (GIN index ``ix_product_search``), computed from `search_text` by the SQL function
   ``product_fts_document`` with the built-in ``indonesian`` and ``simple``
   configurations and kept current by a trigger on ``product``. Both run the same
   Snowball algorithm; the integration tests check that the lexemes are equal.
   PostgreSQL stores the tsvector instead of indexing an expression: with an
   expression index every matching row's text is parsed again for the recheck and for
   ``ts_rank`` (about 0.25 s for 4,000 matches among 10,000 products).
3. `apply_search` ANDs the query words, each one a prefix match of its stem or of
   itself, and ranks name matches above meta above description matches (FTS5 ``bm25``
   column weights 5:2:1; PostgreSQL ``ts_rank`` weights A=1.0, B=0.4, C=0.2).

Migration 0003 creates these objects; they are not in the models.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import (
    Select,
    UnaryExpression,
    column,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import selectinload

from shop.catalogue.models import Category, Product
from shop.extensions import db

# Separates the name, meta and description parts of `Product.search_text`.
PART_SEPARATOR = " | "
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8

# Real spelling variants and common written forms, mapped to the standard (KBBI)
# spelling where there is one. Stemming already handles affixes (rajutan -> rajut,
# anyaman -> anyam, tenunan -> tenun), and words with no competing spelling in use
# (abon, lele, dodol, emping, teri, bandeng, jamu, batik, tenun, kopi) need no entry.
# Values are never keys, so normalising twice changes nothing.
SPELLING_VARIANTS: dict[str, str] = {
    # snacks and crackers
    "kripik": "keripik",
    "krupuk": "kerupuk",
    "renginang": "rengginang",
    "ranginang": "rengginang",
    "peyek": "rempeyek",
    "mlinjo": "melinjo",
    "pedes": "pedas",
    # cakes and cookies
    "kuker": "kue kering",
    "kueh": "kue",
    "kuih": "kue",
    "kaastengel": "kastengel",
    "kaasstengel": "kastengel",
    "kaasstengels": "kastengel",
    "castengel": "kastengel",
    "kastangel": "kastengel",
    "lunpia": "lumpia",
    "loenpia": "lumpia",
    # food, spices and drinks
    "sambel": "sambal",
    "cabe": "cabai",
    "sereh": "serai",
    "trasi": "terasi",
    "ketjap": "kecap",
    "pete": "petai",
    "telor": "telur",
    "kedele": "kedelai",
    "kedelei": "kedelai",
    "tempeh": "tempe",
    "nenas": "nanas",
    "sirop": "sirup",
    "coklat": "cokelat",
    "rosella": "rosela",
    # crafts
    "handycraft": "handicraft",
    "souvenir": "suvenir",
    "cinderamata": "cenderamata",
    # abbreviations common in descriptions written on a phone
    "yg": "yang",
    "dgn": "dengan",
    "utk": "untuk",
    "tdk": "tidak",
    "dll": "dan lain lain",
}

_WORD = re.compile(r"[a-z0-9]+")
# "oleh2" and "ibu2" are the written short form of "oleh-oleh" and "ibu-ibu".
_REDUPLICATION = re.compile(r"([a-z]{3,})2")
# Letters and digits are split apart ("100gr" -> "100 gr"): PostgreSQL's parser reads
# some mixed runs as numbers in scientific notation ("1e5abc" -> "1e5" + "abc"), so
# only pure-letter and pure-digit words reach the index.
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")

_FTS = table("product_fts", column("rowid"), column("name"), column("meta"), column("body"))
_FTS_TABLE = literal_column("product_fts")
_BM25 = func.bm25(_FTS_TABLE, literal_column("5.0"), literal_column("2.0"), literal_column("1.0"))
_PG_FTS = table("product_fts", column("product_id"), column("document"))

_stemmers = threading.local()


def normalise(text: str | None) -> str:
    """Plain lowercase ASCII words with spelling variants folded, separated by spaces.

    Accents are folded (NFKD, combining marks dropped) and everything that is not an
    ASCII letter or digit separates words, so "Krupuk,LELE", "ibu-ibu" and "Kué" come
    out as "kerupuk lele", "ibu ibu" and "kue". Other scripts are dropped: PostgreSQL's
    idea of a letter depends on the database locale, ASCII means the same everywhere.
    Words longer than MAX_WORD_LENGTH are dropped (no product word is that long; it
    keeps pasted codes and base64 out of the index). No stopwords are dropped, because
    PostgreSQL's ``indonesian`` configuration has no stop list: it keeps "dan", "yang",
    "di", "dengan", "untuk".
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words: list[str] = []
    for token in _WORD.findall(folded):
        if len(token) > MAX_WORD_LENGTH:
            continue
        reduplicated = _REDUPLICATION.fullmatch(token)
        if reduplicated:
            pieces = [reduplicated.group(1)] * 2
        else:
            pieces = _LETTERS_OR_DIGITS.findall(token)
        for piece in pieces:
            words += SPELLING_VARIANTS.get(piece, piece).split()
    return " ".join(words)


def stems(text: str | None) -> list[str]:
    """The Snowball ``indonesian`` stems of the normalised words of `text`, in order.

    Equal to the lexemes of PostgreSQL's ``to_tsvector('indonesian', normalise(text))``:
    digits are left alone there (the ``simple`` dictionary), so they are here.
    """
    return [_stem(word) for word in normalise(text).split()]


def index_text(product: Product) -> str:
    """What `Product.search_text` must hold: normalised name, meta and description.

    Meta is the group's name and the category in every form a buyer may type: its
    value ("bumbu-sambal") and its label in every language of the site (LANGUAGES), so
    "kerajinan" and "crafts" both find a craft. Labels are read in each locale, so the
    result does not depend on the language of the request that saved the product;
    after a translation changes, run `flask search reindex`.
    """
    group_name = product.group.name if product.group is not None else ""
    meta = " ".join(dict.fromkeys(normalise(group_name).split() + _category_words(product)))
    parts = (normalise(product.name), meta, normalise(product.description))
    return PART_SEPARATOR.join(parts)


def index_products(products: Iterable[Product]) -> None:
    """Store `index_text` in each product's `search_text` and update the index.

    For a change that does not go through the catalogue's product service, such as a
    group's new name, which is part of every one of its products' text. Runs in the
    caller's transaction; the caller commits.
    """
    products = list(products)
    for product in products:
        product.search_text = index_text(product)
    db.session.flush()
    reindex_products([product.id for product in products])


def reindex_products(product_ids: Iterable[int]) -> None:
    """Bring the full-text index up to date with the stored `search_text` of products.

    Call it after flushing a change to `search_text` (or deleting a product), in the
    same transaction, so the index never disagrees with a committed product. SQLite's
    FTS5 table is written here; on PostgreSQL the trigger on ``product`` has already
    done it and there is nothing to do.
    """
    ids = sorted(set(product_ids))
    if not ids or _dialect() != "sqlite":
        return
    rows = db.session.execute(
        select(Product.id, Product.search_text).where(Product.id.in_(ids))
    ).all()
    db.session.execute(delete(_FTS).where(_FTS.c.rowid.in_(ids)))
    _insert_fts(rows)


def rebuild_index(batch_size: int = 500) -> int:
    """Recompute every product's `search_text` with `index_text`, then `reindex_all`.

    For a new or changed normalising rule, spelling variant or translation, and after
    migration 0003 on a database that already has products. Loads products in batches
    of `batch_size`; runs in the caller's transaction. Returns the number of products.
    """
    ids = list(db.session.scalars(select(Product.id).order_by(Product.id)))
    for start in range(0, len(ids), batch_size):
        batch = db.session.scalars(
            select(Product)
            .where(Product.id.in_(ids[start : start + batch_size]))
            .options(selectinload(Product.group))
        )
        for product in batch:
            product.search_text = index_text(product)
        db.session.flush()
    return reindex_all()


def reindex_all() -> int:
    """Rebuild the index from every product's stored `search_text`.

    Drops entries of deleted products too (SQLite's FTS5 table has no foreign key).
    Returns the number of products indexed.
    """
    if _dialect() != "sqlite":
        db.session.execute(delete(_PG_FTS))
        document = func.product_fts_document(Product.search_text)
        db.session.execute(
            insert(_PG_FTS).from_select(["product_id", "document"], select(Product.id, document))
        )
        return db.session.scalar(select(func.count()).select_from(_PG_FTS)) or 0
    db.session.execute(delete(_FTS))
    count = 0
    result = db.session.execute(
        select(Product.id, Product.search_text)
        .order_by(Product.id)
        .execution_options(yield_per=1000)
    )
    for rows in result.partitions():
        _insert_fts(rows)
        count += len(rows)
    return count


def apply_search(
    stmt: Select[tuple[Product]], query_text: str | None
) -> tuple[Select[tuple[Product]], UnaryExpression[float] | None]:
    """Keep only products matching every word of `query_text`; say how to rank them.

    Each query word matches a product when its stem, or the word itself, is the
    beginning of a word in the product's text, so "abo" finds "abon" while the user
    types. Returns the filtered statement and an ORDER BY clause putting the best
    matches first (tie-break it yourself, e.g. newest first); when the query has no
    usable words, `stmt` comes back unchanged with None. Any input is safe: only the
    normalised words reach the database, as bound parameters, at most MAX_QUERY_TERMS
    of them, taken from the first MAX_QUERY_LENGTH characters.
    """
    terms = _query_terms(query_text)
    if not terms:
        return stmt, None
    if _dialect() == "sqlite":
        hits = select(_FTS.c.rowid.label("product_id"), (-_BM25).label("score")).where(
            _FTS_TABLE.match(_fts5_query(terms))
        )
    else:
        query = literal(_tsquery(terms)).cast(TSQUERY)
        document = _PG_FTS.c.document
        hits = select(
            _PG_FTS.c.product_id, func.ts_rank(document, query, literal_column("1")).label("score")
        ).where(document.bool_op("@@")(query))
    # Materialised: the full-text index is asked once for all matches. Inlined,
    # SQLite may instead ask it once per candidate product (seconds at 10k).
    found = hits.cte("search_hits").prefix_with("MATERIALIZED")
    stmt = stmt.join_from(Product, found, found.c.product_id == Product.id)
    return stmt, found.c.score.desc()


def has_terms(query_text: str | None) -> bool:
    """Whether `apply_search` would search (the text has a usable word)."""
    return bool(_query_terms(query_text))


def document_lexemes(search_text: str) -> dict[str, list[str]]:
    """The words each part of `search_text` is indexed under, as both backends store them.

    Stems first, then the words themselves, mirroring ``product_fts_document`` on
    PostgreSQL: ``to_tsvector('indonesian', part) || to_tsvector('simple', part)``.
    """
    padded = (search_text.split("|") + ["", "", ""])[:3]
    lexemes: dict[str, list[str]] = {}
    for name, part in zip(("name", "meta", "body"), padded, strict=True):
        words = part.split()
        lexemes[name] = [_stem(word) for word in words] + words
    return lexemes


def _query_terms(query_text: str | None) -> list[tuple[str, ...]]:
    """Each distinct query word as the alternatives it may match: (stem, word) or (word,)."""
    words = dict.fromkeys(normalise((query_text or "")[:MAX_QUERY_LENGTH]).split())
    return [tuple(dict.fromkeys((_stem(word), word))) for word in list(words)[:MAX_QUERY_TERMS]]


def _fts5_query(terms: Sequence[tuple[str, ...]]) -> str:
    """An FTS5 MATCH string: every term quoted, prefix-matched and ANDed."""
    groups = (" OR ".join(f'"{alt}"*' for alt in alternatives) for alternatives in terms)
    return " AND ".join(f"({group})" for group in groups)


def _tsquery(terms: Sequence[tuple[str, ...]]) -> str:
    """A tsquery literal: every term quoted, prefix-matched and ANDed.

    Cast, not parsed by ``to_tsquery``, so PostgreSQL stems nothing again: the lexemes
    are exactly the Python stems and words, as on SQLite.
    """
    groups = (" | ".join(f"'{alt}':*" for alt in alternatives) for alternatives in terms)
    return " & ".join(f"({group})" for group in groups)


def _insert_fts(rows: Sequence[tuple[int, str]]) -> None:
    if not rows:
        return
    values = []
    for product_id, search_text in rows:
        lexemes = document_lexemes(search_text or "")
        values.append({"rowid": product_id, **{k: " ".join(v) for k, v in lexemes.items()}})
    db.session.execute(insert(_FTS), values)


def _category_words(product: Product) -> list[str]:
    if product.category is None:
        return []
    category = Category(product.category)
    labels = []
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            labels.append(str(category.label))
    return normalise(" ".join((category.value, *labels))).split()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball ``indonesian`` stem of a letter word; digits are kept as they are."""
    if word.isdigit():
        return word
    stemmer = getattr(_stemmers, "indonesian", None)
    if stemmer is None:
        stemmer = _stemmers.indonesian = snowballstemmer.stemmer("indonesian")
    return stemmer.stemWord(word)


def _dialect() -> str:
    return db.session.get_bind().dialect.name

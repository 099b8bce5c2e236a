"""product full-text search index

The table product_fts, keyed by product id, holds what search matches and ranks
(see shop.catalogue.search):

- SQLite: an FTS5 table product_fts(name, meta, body), rowid = product.id, holding the
  Snowball stems and words of product.search_text. SQLite has no Indonesian stemmer,
  so the application writes it (reindex_products) in the product's transaction.
- PostgreSQL: product_fts(product_id, document tsvector) with the GIN index
  ix_product_search. The document is product_fts_document(search_text): name (weight
  A), meta (B) and description (C), each with its 'indonesian' stems and its words
  ('simple'). The trigger product_fts_sync keeps it current on every insert of a
  product and update of search_text; deleting a product cascades.

None of these is in the models: migrations/env.py leaves tables named product_fts*
and indexes named ix_product_search* out of autogenerate.

After upgrading a database that already has products, run `flask search reindex`:
it computes search_text and rebuilds the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _weighted_part(position, weight):
    part = f"split_part(search_text, '|', {position})"
    return (
        f"setweight(to_tsvector('indonesian'::regconfig, {part})"
        f" || to_tsvector('simple'::regconfig, {part}), '{weight}')"
    )


DOCUMENT = "\n    || ".join(
    _weighted_part(position, weight) for position, weight in ((1, "A"), (2, "B"), (3, "C"))
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE product_fts USING fts5("
            "name, meta, body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        return

    op.execute(
        "CREATE FUNCTION product_fts_document(search_text text) RETURNS tsvector\n"
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
        f"  SELECT {DOCUMENT}\n"
        "$$"
    )
    op.create_table(
        "product_fts",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name="fk_product_fts_product_id_product",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_fts"),
    )
    op.create_index("ix_product_search", "product_fts", ["document"], postgresql_using="gin")
    op.execute(
        "CREATE FUNCTION product_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  INSERT INTO product_fts (product_id, document)\n"
        "  VALUES (NEW.id, product_fts_document(NEW.search_text))\n"
        "  ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document;\n"
        "  RETURN NULL;\n"
        "END\n"
        "$$"
    )
    op.execute(
        "CREATE TRIGGER product_fts_sync AFTER INSERT OR UPDATE OF search_text ON product\n"
        "FOR EACH ROW EXECUTE FUNCTION product_fts_sync()"
    )
    op.execute(
        "INSERT INTO product_fts (product_id, document)\n"
        "SELECT id, product_fts_document(search_text) FROM product"
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE product_fts")
        return
    op.execute("DROP TRIGGER product_fts_sync ON product")
    op.execute("DROP FUNCTION product_fts_sync()")
    op.drop_table("product_fts")
    op.execute("DROP FUNCTION product_fts_document(text)")

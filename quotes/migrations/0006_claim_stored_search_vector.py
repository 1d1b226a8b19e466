"""Full-text search reads a stored tsvector instead of recomputing it (PostgreSQL only).

The GIN index of 0003 is on the expression to_tsvector('english', exact), so finding the
matches is cheap, but ranking them (search.search_claims orders by ts_rank) computed
to_tsvector again for every match: 14 ms for the 1,105 claims matching "tax" at 13k
claims. The vector is now a stored generated column, `exact_tsv`, which PostgreSQL keeps
up to date on every insert and update; the index, same name, is on that column.

The column is not a model field: SQLite has no tsvector, and nothing but
search.search_claims reads it.
"""

from django.db import migrations

from quotes.pg_only import PostgresOnly

VECTOR = "to_tsvector('english'::regconfig, COALESCE(exact, ''))"

FORWARD = [
    "DROP INDEX IF EXISTS claim_exact_fts_idx",
    f"ALTER TABLE quotes_claim ADD COLUMN exact_tsv tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX claim_exact_fts_idx ON quotes_claim USING gin (exact_tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_exact_fts_idx",
    "ALTER TABLE quotes_claim DROP COLUMN IF EXISTS exact_tsv",
    f"CREATE INDEX claim_exact_fts_idx ON quotes_claim USING gin ({VECTOR})",
]


class Migration(migrations.Migration):
    dependencies = [("quotes", "0005_trigram_index_gist")]

    operations = [PostgresOnly(FORWARD, BACKWARD)]

"""Claims of any length fit the search indexes: each indexes a bounded prefix (PostgreSQL only).

A GiST trigram index row holds every trigram of its text, and PostgreSQL refuses rows
over 8,191 bytes: about 4.8 KB of varied words was enough to make an import or a
selection fail. It now indexes the first 2,000 characters (at most one trigram per
character: 6 KB). The stored tsvector refused texts whose lexemes passed 1 MB ("string
is too long for tsvector", a 1.1 MB sentence); it now holds the first 100,000
characters (at most about 5 bytes of vector per character). search.py reads the same
prefix (TRIGRAM_CHARS), so similar claims still use the index.
"""

from django.db import migrations

from quotes.pg_only import PostgresOnly

VECTOR = "to_tsvector('english'::regconfig, COALESCE(exact, ''))"
BOUNDED_VECTOR = "to_tsvector('english'::regconfig, left(COALESCE(exact, ''), 100000))"

FORWARD = [
    "DROP INDEX IF EXISTS claim_exact_trgm_idx",
    "CREATE INDEX claim_exact_trgm_idx ON quotes_claim USING gist ((left(exact, 2000)) gist_trgm_ops)",
    "DROP INDEX IF EXISTS claim_exact_fts_idx",
    "ALTER TABLE quotes_claim DROP COLUMN IF EXISTS exact_tsv",
    f"ALTER TABLE quotes_claim ADD COLUMN exact_tsv tsvector GENERATED ALWAYS AS ({BOUNDED_VECTOR}) STORED",
    "CREATE INDEX claim_exact_fts_idx ON quotes_claim USING gin (exact_tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_exact_fts_idx",
    "ALTER TABLE quotes_claim DROP COLUMN IF EXISTS exact_tsv",
    f"ALTER TABLE quotes_claim ADD COLUMN exact_tsv tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX claim_exact_fts_idx ON quotes_claim USING gin (exact_tsv)",
    "DROP INDEX IF EXISTS claim_exact_trgm_idx",
    "CREATE INDEX claim_exact_trgm_idx ON quotes_claim USING gist (exact gist_trgm_ops)",
]


class Migration(migrations.Migration):
    dependencies = [("quotes", "0011_review_integrity")]

    operations = [PostgresOnly(FORWARD, BACKWARD)]

"""Full-text and trigram indexes for claim search: PostgreSQL only (SQLite has a fallback)."""

from django.db import migrations

from quotes.pg_only import PostgresOnly

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS claim_exact_fts_idx ON quotes_claim "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(exact, '')))",
    "CREATE INDEX IF NOT EXISTS claim_exact_trgm_idx ON quotes_claim USING gin (exact gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_exact_trgm_idx",
    "DROP INDEX IF EXISTS claim_exact_fts_idx",
]


class Migration(migrations.Migration):
    dependencies = [("quotes", "0002_default_ratings_and_groups")]

    operations = [PostgresOnly(FORWARD, BACKWARD)]

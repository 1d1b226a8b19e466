"""Similar claims: the trigram index becomes GiST instead of GIN (PostgreSQL only).

For `exact % text` a GIN trigram index can only bound the similarity by the trigrams of
the searched text, so every claim sharing a third of them (most share " th", "the", ...)
is fetched from the table and its similarity computed there: about 1 claim in 13 at
13k claims, 35 ms. A GiST index keeps each claim's trigram set in the index and computes
the similarity there: 13 ms at 13k claims, 3 ms at 1k. Same name, so that
search.prefer_trigram_index and the EXPLAIN checks keep naming it.
"""

from django.db import migrations

from quotes.pg_only import PostgresOnly

FORWARD = [
    "DROP INDEX IF EXISTS claim_exact_trgm_idx",
    "CREATE INDEX claim_exact_trgm_idx ON quotes_claim USING gist (exact gist_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_exact_trgm_idx",
    "CREATE INDEX claim_exact_trgm_idx ON quotes_claim USING gin (exact gin_trgm_ops)",
]


class Migration(migrations.Migration):
    dependencies = [("quotes", "0004_claim_speaker_text")]

    operations = [PostgresOnly(FORWARD, BACKWARD)]

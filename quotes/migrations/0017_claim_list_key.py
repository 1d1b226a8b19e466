"""The claims list's sort key on the claim (Claim.article_created), kept by triggers.

The claims list orders by the article's `created`; through the join, a filtered page walked
the articles' index and probed each article's claims. The copy on the claim, with indexes
in the list's order, makes every page one bounded index walk (quotes.paging).

Triggers keep the copy, on PostgreSQL and SQLite alike, whatever writes the rows: the ORM,
bulk_create, a backup's raw insert, COPY, a queryset update of an article's date. On
SQLite a later migration that rebuilds quotes_claim or quotes_article drops them:
tests/test_paging.py checks that a new claim gets its key, so such a change fails there.
"""

from django.db import migrations, models

from quotes.pg_only import PostgresOnly

# The copy first, then the triggers (in the migration's transaction, so that no claim is
# written in between): the other order had the UPDATE of every claim run the trigger too.
PG_FORWARD = """
UPDATE quotes_claim c SET article_created = a.created
    FROM quotes_article a WHERE a.id = c.article_id;
CREATE FUNCTION quotes_claim_article_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT created INTO NEW.article_created FROM quotes_article WHERE id = NEW.article_id;
    RETURN NEW;
END $$;
CREATE TRIGGER quotes_claim_article_created
    BEFORE INSERT OR UPDATE ON quotes_claim
    FOR EACH ROW EXECUTE FUNCTION quotes_claim_article_created();
CREATE FUNCTION quotes_article_created_to_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE quotes_claim SET article_created = NEW.created WHERE article_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER quotes_article_created_to_claims
    AFTER UPDATE OF created ON quotes_article
    FOR EACH ROW WHEN (OLD.created IS DISTINCT FROM NEW.created)
    EXECUTE FUNCTION quotes_article_created_to_claims();
"""
PG_BACKWARD = """
DROP TRIGGER quotes_article_created_to_claims ON quotes_article;
DROP FUNCTION quotes_article_created_to_claims();
DROP TRIGGER quotes_claim_article_created ON quotes_claim;
DROP FUNCTION quotes_claim_article_created();
"""
# SQLite's triggers cannot assign NEW: they update the row after the write. Recursive
# triggers are off (SQLite's default), so these updates do not fire them again.
SQLITE_KEY = "(SELECT created FROM quotes_article WHERE id = NEW.article_id)"
SQLITE_FORWARD = [
    f"UPDATE quotes_claim SET article_created = {SQLITE_KEY.replace('NEW.', 'quotes_claim.')}",
    f"""CREATE TRIGGER quotes_claim_article_created_insert AFTER INSERT ON quotes_claim
    BEGIN UPDATE quotes_claim SET article_created = {SQLITE_KEY} WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER quotes_claim_article_created_update AFTER UPDATE ON quotes_claim
    WHEN NEW.article_created IS NOT {SQLITE_KEY}
    BEGIN UPDATE quotes_claim SET article_created = {SQLITE_KEY} WHERE id = NEW.id; END""",
    """CREATE TRIGGER quotes_article_created_to_claims AFTER UPDATE OF created ON quotes_article
    WHEN OLD.created IS NOT NEW.created
    BEGIN UPDATE quotes_claim SET article_created = NEW.created WHERE article_id = NEW.id; END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER quotes_claim_article_created_insert",
    "DROP TRIGGER quotes_claim_article_created_update",
    "DROP TRIGGER quotes_article_created_to_claims",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in [PG_FORWARD] if vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in [PG_BACKWARD] if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0016_intake"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="article_created",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["-article_created", "-article", "start", "id"], name="claim_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["kind", "-article_created", "-article", "start", "id"],
                name="claim_kind_list_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["attribution_method"], name="claim_method_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["outlet"], name="article_outlet_idx"),
        ),
        # The claims search's speakers (quotes.search.speakers_matching: a name or alias
        # containing the words), through pg_trgm (migration 0005 created the extension).
        PostgresOnly(
            [
                "CREATE INDEX speaker_name_trgm_idx ON quotes_speaker"
                " USING gin (normalized_name gin_trgm_ops)",
                "CREATE INDEX speakeralias_trgm_idx ON quotes_speakeralias"
                " USING gin (normalized gin_trgm_ops)",
            ],
            ["DROP INDEX speaker_name_trgm_idx", "DROP INDEX speakeralias_trgm_idx"],
        ),
    ]

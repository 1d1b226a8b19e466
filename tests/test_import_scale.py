"""Data-set imports cost what the file holds, not what the archive holds: the registry speakers
a file names are found by index, and small imports leave the statistics of large tables to
autovacuum. The figures (100 rows at 13k and 1M claims) are in benchmarks/imports.py."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quotes.imports.speakers import SpeakerRegistry, fill_slug_keys
from quotes.models import Article, Claim, ExternalReview, Speaker, SpeakerAlias
from quotes.services import refresh_after_bulk_import
from tests import factories

pytestmark = pytest.mark.django_db
HEADER = "id\tlabel\tstatement\tsubjects\tspeaker\tspeaker_job_title\tstate_info\tparty_affiliation"


def liar_file(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = [HEADER]
    lines += [
        f"{sid}\tfalse\tStatement {sid}.\ttaxes\t{slug}\tSenator\tTexas\tdemocrat"
        for sid, slug in rows
    ]
    path = tmp_path / "rows.tsv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def import_liar(path: Path) -> None:
    call_command("import_liar", str(path), stdout=io.StringIO())


def speaker_of(sid: str) -> Speaker | None:
    return Claim.objects.get(article__dataset="liar", article__external_id=sid).speaker


def test_slugs_find_registry_speakers_by_name_alias_and_folded_name(tmp_path: Path) -> None:
    beto = Speaker.objects.create(name="Beto O’Rourke")
    aclu = Speaker.objects.create(name="American Civil Liberties Union", kind="organisation")
    SpeakerAlias.objects.create(speaker=aclu, alias="ACLU of North Carolina")
    jose = Speaker.objects.create(name="José Núñez")
    for n in range(30):  # the rest of the registry, which the import must not read
        Speaker.objects.create(name=f"Other Person {n}")

    import_liar(
        liar_file(
            tmp_path,
            [
                ("1", "beto-orourke"),
                ("2", "aclu-north-carolina"),
                ("3", "jose-nunez"),
                ("4", "new-person"),
            ],
        )
    )

    assert (speaker_of("1"), speaker_of("2"), speaker_of("3")) == (beto, aclu, jose)
    created = speaker_of("4")
    assert created is not None and created.name == "New Person"
    assert created.slug_key == "newperson"  # bulk-created speakers carry their key too


def test_the_registry_is_read_through_indexed_lookups_only(tmp_path: Path) -> None:
    for n in range(30):
        Speaker.objects.create(name=f"Other Person {n}")
    path = liar_file(tmp_path, [("1", "beto-orourke"), ("2", "other-person-3")])

    with CaptureQueriesContext(connection) as ctx:
        import_liar(path)

    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    speaker_reads = [sql for sql in reads if 'FROM "quotes_speaker' in sql]
    assert speaker_reads and all(" WHERE " in sql for sql in speaker_reads), speaker_reads
    assert speaker_of("2") == Speaker.objects.get(name="Other Person 3")


def test_for_names_finds_what_load_finds() -> None:
    ann = Speaker.objects.create(name="Ann Example")
    SpeakerAlias.objects.create(speaker=ann, alias="The Examiner")
    Speaker.objects.create(name="Bob Example")
    names = ["Ann Example", "the examiner", "BOB   EXAMPLE", "Nobody Here", ""]

    narrow, full = SpeakerRegistry.for_names(names), SpeakerRegistry.load()

    assert [narrow.find(n) for n in names] == [full.find(n) for n in names]
    assert set(narrow.by_key) == {"ann example", "examiner", "bob example"}


def test_a_small_import_leaves_large_tables_statistics_alone() -> None:
    article = factories.ArticleFactory()
    for n in range(20):
        factories.ClaimFactory(article=article, position=n)
    refresh_after_bulk_import()  # every table has statistics now

    with CaptureQueriesContext(connection) as small:
        refresh_after_bulk_import(added=1)
    with CaptureQueriesContext(connection) as large:
        refresh_after_bulk_import(added=50)

    analysed = [q["sql"] for q in small.captured_queries if q["sql"].startswith("ANALYZE")]
    # 20 claims and speakers grow by 5 % at most; the empty tables count as grown
    assert not any("quotes_claim" in sql or 'quotes_speaker"' in sql for sql in analysed)
    assert any("quotes_verdict" in sql for sql in analysed)
    assert sum(q["sql"].startswith("ANALYZE") for q in large.captured_queries) == 7
    with CaptureQueriesContext(connection) as nothing:
        refresh_after_bulk_import(added=0)
    assert len(nothing) == 0
    assert Article.objects.count() == 1


def test_slug_keys_are_filled_for_rows_that_lack_them(tmp_path: Path) -> None:
    speaker = Speaker.objects.create(name="Beto O’Rourke")
    alias = SpeakerAlias.objects.create(speaker=speaker, alias="Robert O'Rourke")
    Speaker.objects.filter(pk=speaker.pk).update(slug_key="")
    SpeakerAlias.objects.filter(pk=alias.pk).update(slug_key="")

    assert fill_slug_keys() == 2

    assert Speaker.objects.get().slug_key == "betoorourke"
    assert SpeakerAlias.objects.get().slug_key == "robertorourke"


def test_the_migration_fills_existing_rows() -> None:
    migration: Any = importlib.import_module("quotes.migrations.0019_import_lookups")
    speaker = Speaker.objects.create(name="ACLU of North Carolina")
    Speaker.objects.filter(pk=speaker.pk).update(slug_key="")

    migration.fill_slug_keys(apps, connection.schema_editor())

    assert Speaker.objects.get().slug_key == "aclunorthcarolina"


QUIRKS = Path(__file__).parent / "fixtures" / "claimreview_quirks.json"


def test_a_claimreview_reimport_finds_its_rows_by_index_not_by_reading_the_archive(
    tmp_path: Path,
) -> None:
    import_liar(liar_file(tmp_path, [(str(n), "someone") for n in range(20)]))
    call_command("import_claimreview", str(QUIRKS), stdout=io.StringIO())
    before = ExternalReview.objects.count()

    out = io.StringIO()
    with CaptureQueriesContext(connection) as ctx:
        call_command("import_claimreview", str(QUIRKS), stdout=out)

    assert "5 were already imported" in out.getvalue()
    assert ExternalReview.objects.count() == before
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    reviews = [sql for sql in reads if 'FROM "quotes_externalreview"' in sql]
    claims = [sql for sql in reads if 'FROM "quotes_claim"' in sql]
    # the review URLs by the indexed head of the column; ClaimReview's claims by the
    # partial index, and only those with the texts of reviews that have no URL
    assert reviews and all("SUBSTR" in sql.upper() or "LEFT(" in sql.upper() for sql in reviews)
    assert all('"exact" IN' in sql for sql in claims), claims


def test_a_review_without_url_is_found_again_by_its_text(tmp_path: Path) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "The sky is green, said the mayor.",
        "author": {"@type": "Organization", "name": "Checkers"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "itemReviewed": {"@type": "Claim", "appearance": {"url": "https://example.org/a"}},
    }
    path = tmp_path / "review.json"
    path.write_text(json.dumps(review), "utf-8")
    call_command("import_claimreview", str(path), stdout=io.StringIO())

    out = io.StringIO()
    with CaptureQueriesContext(connection) as ctx:
        call_command("import_claimreview", str(path), stdout=out)

    assert "1 were already imported" in out.getvalue()
    claims = [q["sql"] for q in ctx.captured_queries if 'FROM "quotes_claim"' in q["sql"]]
    assert claims and all('"exact" IN' in sql for sql in claims), claims

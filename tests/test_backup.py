from __future__ import annotations

import io
import json
import stat
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quotes import backup as backup_module
from quotes import exports
from quotes.backup import BACKUP_MODELS, NOT_BACKED_UP, BackupError
from quotes.models import (
    Article,
    Claim,
    ClaimMatch,
    Evidence,
    ExternalReview,
    Feed,
    FeedEntry,
    Rating,
    SimilarClaim,
    Speaker,
    Verdict,
)
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    VerdictFactory,
    editor,
    fact_checker,
)

# Transactional: the round trip flushes the database; serialized_rollback restores the
# migration-seeded rating scale and groups for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fresh_database() -> None:
    """Empty, with what the migrations seed (the rating scale, the groups)."""
    call_command("flush", "--noinput")
    import_module("quotes.migrations.0002_default_ratings_and_groups").seed(django_apps, None)


def snapshot() -> dict[str, list]:
    return {
        "articles": list(Article.objects.values("id", "title", "body", "outlet", "url")),
        "speakers": list(Speaker.objects.values("id", "name", "kind")),
        "aliases": sorted(Speaker.objects.values_list("aliases__alias", flat=True), key=str),
        "claims": list(
            Claim.objects.values("id", "start", "end", "exact", "speaker__name", "version")
        ),
        "evidence": list(Evidence.objects.values("id", "stance", "source__url", "excerpt")),
        "verdicts": list(
            Verdict.objects.values(
                "id", "rating__slug", "status", "rationale", "published_by__username"
            )
        ),
        # to the microsecond: a backup loses no precision
        "history": list(
            Verdict.history.values(
                "id", "status", "history_user__username", "history_type", "history_date"
            )
        ),
        "times": list(Verdict.objects.values("id", "created", "updated", "published_at")),
    }


def test_export_all_then_import_all_round_trips(tmp_path: Path) -> None:
    boss = editor(username="boss")
    claim = ClaimFactory()
    claim.speaker.aliases.create(alias="The Speaker")
    EvidenceFactory(claim=claim)
    verdict = VerdictFactory(claim=claim, status=Verdict.Status.IN_REVIEW)
    verdict.publish(by=boss)
    before = snapshot()
    backup = tmp_path / "backup.json"

    call_command("export_all", str(backup))
    call_command("flush", "--noinput")
    assert Article.objects.count() == 0
    call_command("import_all", str(backup))

    assert snapshot() == before
    restored = Verdict.objects.get()
    assert restored.history.count() == 2
    assert restored.published_by.has_perm("quotes.publish_verdict")


def test_import_all_refuses_a_non_empty_workspace(tmp_path: Path) -> None:
    ClaimFactory()
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_all", str(backup))
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b'{"a": 1}',
        b'[{"model": "quotes.nothing", "pk": 1, "fields": {}}]',
    ],
)
def test_import_all_rejects_bad_files_and_writes_nothing(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_all", str(bad))
    assert Article.objects.count() == 0


def test_backup_is_readable_json(tmp_path: Path) -> None:
    ClaimFactory()
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    models = {record["model"] for record in json.loads(backup.read_text())}
    assert {"quotes.claim", "quotes.article", "quotes.speaker", "quotes.rating"} <= models


def test_a_failed_export_leaves_the_last_good_backup_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ClaimFactory()
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    good = backup.read_bytes()
    ClaimFactory()

    def fail(label: str) -> Iterator[dict[str, Any]]:
        yield {"model": label, "fields": {}}
        raise BackupError("the disk is full")

    monkeypatch.setattr(backup_module, "_records", fail)
    with pytest.raises(CommandError, match="unchanged: the disk is full"):
        call_command("export_all", str(backup))

    assert backup.read_bytes() == good
    assert list(tmp_path.iterdir()) == [backup]  # no partial file left behind


def test_a_backup_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    ClaimFactory()
    backup = tmp_path / "backup.json"
    backup.write_text("an older, world-readable file")
    backup.chmod(0o644)

    call_command("export_all", str(backup))

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_deleting_the_account_that_wrote_a_verdict_breaks_no_backup_page_or_export(
    tmp_path: Path, client: Client
) -> None:
    boss = editor(username="boss")
    writer = fact_checker(username="writer")
    verdict = VerdictFactory(reviewer=writer, status=Verdict.Status.IN_REVIEW)
    verdict._history_user = boss
    verdict.publish(by=boss)
    writer.delete()

    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    client.force_login(boss)
    page = client.get(reverse("admin:quotes_verdict_history", args=[verdict.pk]))
    exported = b"".join(exports.export_claims(Claim.objects.all(), "json").chunks)
    call_command("flush", "--noinput")
    call_command("import_all", str(backup))

    assert page.status_code == 200
    assert json.loads(exported)
    restored = Verdict.objects.get()
    assert restored.reviewer is None and restored.published_by.username == "boss"
    assert restored.history.count() == 2


def test_a_rating_a_past_verdict_used_cannot_be_deleted(editor_client: Client) -> None:
    old, new = Rating.objects.get(slug="false"), Rating.objects.get(slug="true")
    verdict = VerdictFactory(rating=old)
    verdict.rating = new
    verdict.save()

    with pytest.raises(ProtectedError, match="history of a verdict"):
        old.delete()
    url = reverse("admin:quotes_rating_delete", args=[old.pk])
    page = editor_client.get(url)
    posted = editor_client.post(url, {"post": "yes"})

    assert page.status_code == 200 and "protected" in page.content.decode()
    assert posted.status_code == 200
    assert Rating.objects.filter(pk=old.pk).exists()
    unused = Rating.objects.get(slug="unverifiable")
    unused.delete()  # a rating nothing used still goes
    history = editor_client.get(reverse("admin:quotes_verdict_history", args=[verdict.pk]))
    assert history.status_code == 200


def test_a_backup_restores_after_a_rating_slug_is_renamed(tmp_path: Path) -> None:
    rating = Rating.objects.get(slug="pants-fire")
    rating.slug = "pants-on-fire"
    rating.save()
    VerdictFactory(rating=rating)
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    fresh_database()

    call_command("import_all", str(backup))

    assert Verdict.objects.get().rating.slug == "pants-on-fire"
    assert not Rating.objects.filter(slug="pants-fire").exists()


def test_a_backup_written_by_dumpdata_still_restores(tmp_path: Path) -> None:
    ClaimFactory()
    VerdictFactory()
    before = snapshot()
    backup = tmp_path / "old.json"
    call_command(
        "dumpdata",
        *BACKUP_MODELS,
        output=str(backup),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        verbosity=0,
    )
    call_command("flush", "--noinput")

    call_command("import_all", str(backup))

    restored = snapshot()
    for row in restored["times"] + before["times"] + restored["history"] + before["history"]:
        row.clear()  # dumpdata kept milliseconds only
    assert restored == before


def test_the_restore_costs_the_same_queries_at_any_size(tmp_path: Path) -> None:
    def queries_to_restore(claims: int) -> int:
        fresh_database()
        for _ in range(claims):
            VerdictFactory(claim=EvidenceFactory().claim)
        backup = tmp_path / f"{claims}.json"
        call_command("export_all", str(backup))
        fresh_database()
        with CaptureQueriesContext(connection) as queries:
            call_command("import_all", str(backup))
        assert Claim.objects.count() == claims
        return len(queries)

    assert queries_to_restore(3) == queries_to_restore(12)


def test_the_migration_repairs_history_that_points_at_deleted_rows(tmp_path: Path) -> None:
    writer = fact_checker(username="writer")
    old = Rating.objects.create(label="Gone", slug="gone")
    verdict = VerdictFactory(reviewer=writer, rating=old)
    verdict.rating = Rating.objects.get(slug="false")
    verdict.save()
    # what a deletion did before quotes.signals guarded it
    history = Verdict.history.model
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM quotes_rating WHERE id = %s", [old.pk])
    history.objects.filter(reviewer_id=writer.pk).update(reviewer_id=999_999)

    migration = import_module("quotes.migrations.0010_history_without_dangling_references")
    migration.repair(django_apps, None)
    call_command("export_all", str(tmp_path / "backup.json"))

    assert not history.objects.filter(reviewer_id=999_999).exists()
    assert Rating.objects.get(pk=old.pk).needs_review


def test_fact_checks_by_other_organisations_are_backed_up(tmp_path: Path) -> None:
    call_command(
        "import_claimreview",
        str(Path(__file__).parent / "fixtures" / "claimreview_quirks.json"),
        stdout=io.StringIO(),
    )
    before = list(
        ExternalReview.objects.order_by("id").values(
            "id", "claim_id", "rating_label", "rating__slug", "published_at", "appearances"
        )
    )
    assert before
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    call_command("flush", "--noinput")

    call_command("import_all", str(backup))

    after = ExternalReview.objects.order_by("id").values(
        "id", "claim_id", "rating_label", "rating__slug", "published_at", "appearances"
    )
    assert list(after) == before


def test_every_model_of_the_workspace_is_backed_up_or_left_out_for_a_reason() -> None:
    models = {m._meta.label_lower for m in django_apps.get_app_config("quotes").get_models()}
    assert models == {m for m in BACKUP_MODELS if m.startswith("quotes.")} | set(NOT_BACKED_UP)


def test_feeds_entries_and_links_between_claims_are_backed_up(
    tmp_path: Path,
) -> None:
    feed = Feed.objects.create(url="https://news.example/feed.xml", outlet="Example News")
    claim = ClaimFactory()
    FeedEntry.objects.create(
        feed=feed,
        key="urn:example:1",
        url="https://news.example/1",
        status=FeedEntry.Status.IMPORTED,
        article=claim.article,
    )
    checked = ClaimFactory()
    ClaimMatch.objects.create(claim=claim, checked=checked, score=0.8)
    # a score the search would not give these two texts: restored, not computed again
    SimilarClaim.objects.update_or_create(claim=claim, other=checked, defaults={"score": 0.77})
    rows = {
        "feeds": lambda: list(Feed.objects.values("id", "url", "outlet", "active")),
        "entries": lambda: list(
            FeedEntry.objects.values("id", "feed_id", "key", "status", "article_id")
        ),
        "matches": lambda: list(ClaimMatch.objects.values("claim_id", "checked_id", "score")),
        "similar": lambda: list(SimilarClaim.objects.values("claim_id", "other_id", "score")),
    }
    before = {name: read() for name, read in rows.items()}
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    call_command("flush", "--noinput")

    call_command("import_all", str(backup))

    assert {name: read() for name, read in rows.items()} == before

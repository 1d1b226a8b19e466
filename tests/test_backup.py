from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quotes.models import Article, Claim, Evidence, Speaker, Verdict
from tests.factories import ClaimFactory, EvidenceFactory, VerdictFactory, editor

# Transactional: the round trip flushes the database; serialized_rollback restores the
# migration-seeded rating scale and groups for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
        # Django's JSON serializer keeps datetimes to the millisecond (ECMA-262 format).
        "history": [
            {
                **row,
                "history_date": row["history_date"].replace(
                    microsecond=row["history_date"].microsecond // 1000 * 1000
                ),
            }
            for row in Verdict.history.values(
                "id", "status", "history_user__username", "history_type", "history_date"
            )
        ],
    }


def test_export_all_then_import_all_round_trips(tmp_path: Path) -> None:
    boss = editor(username="boss")
    claim = ClaimFactory()
    claim.speaker.aliases.create(alias="The Speaker")
    EvidenceFactory(claim=claim)
    verdict = VerdictFactory(claim=claim)
    verdict._history_user = boss
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

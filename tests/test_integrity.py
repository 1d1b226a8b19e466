"""The ten findings of issue 13, each written as the attack that once worked.

Every transition of the review record goes through quotes.review: these tests come at it
from the workbench, the admin (forms, actions, inlines, history) and the exports.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from quotes import review
from quotes.middleware import busy_database_middleware
from quotes.models import Article, Claim, Evidence, ReviewError, Speaker, StaleEdit, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    SpeakerFactory,
    UserFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db


def published_claim(editor: User) -> Claim:
    """A claim whose verdict an editor published, with one piece of evidence."""
    claim = ClaimFactory(article=ArticleFactory(body="One claim here. " * 8), end=15)
    EvidenceFactory(claim=claim)
    verdict = VerdictFactory(claim=claim, status=Verdict.Status.IN_REVIEW)
    review.publish_verdict(verdict, by=editor)
    claim.refresh_from_db()
    return claim


def snapshot(claim: Claim) -> tuple[object, ...]:
    claim.refresh_from_db()
    return (
        claim.start,
        claim.end,
        claim.kind,
        claim.speaker_id,
        claim.speaker_confirmed,
        claim.version,
        sorted(claim.evidence.values_list("pk", "stance")),
        Claim.objects.filter(article_id=claim.article_id).count(),
    )


# 1. history revert ---------------------------------------------------------------------


def test_1_nobody_reverts_a_published_verdict_through_its_history(
    checker_client: Client, editor_client: Client, editor: User
) -> None:
    claim = published_claim(editor)
    verdict = claim.verdict
    draft = verdict.history.order_by("history_date").first()
    url = reverse("admin:quotes_verdict_simple_history", args=[verdict.pk, draft.history_id])
    data = {
        "rating": rating("true").pk,
        "rationale": "The checker's own text.",
        "status": "draft",
        "expected_version": verdict.version,
    }
    for client in (checker_client, editor_client):
        assert client.post(url, data).status_code == 403
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.rationale != "The checker's own text."
    assert verdict.version == 2


def test_1_a_claim_history_revert_cannot_wind_back_offsets_or_version(
    editor_client: Client, editor: User
) -> None:
    claim = ClaimFactory()
    old = claim.history.first()
    review.split_claim(claim, by=editor, at=claim.start + 10, version=1)
    before = snapshot(claim)
    url = reverse("admin:quotes_claim_simple_history", args=[claim.pk, old.history_id])
    assert editor_client.get(url).status_code == 200  # old versions are for reading
    response = editor_client.post(url, {"kind": claim.kind, "expected_version": 1})
    assert response.status_code == 403
    assert snapshot(claim) == before and claim.version == 2


# 2. a published fact check is frozen ------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("quotes:claim_split", {"at": 5}),
        ("quotes:claim_merge", {}),
        ("quotes:claim_kind", {"kind": "quote"}),
        ("quotes:claim_speaker", {"speaker_name": ""}),
        ("quotes:claim_evidence", {"url": "https://example.org/x", "stance": "context"}),
    ],
)
def test_2_a_published_claim_is_frozen_in_the_workbench(
    checker_client: Client, editor_client: Client, editor: User, route: str, data: dict
) -> None:
    claim = published_claim(editor)
    ClaimFactory(article=claim.article, start=16, end=31)  # something to merge with
    before = snapshot(claim)
    for client in (checker_client, editor_client):  # frozen for everyone
        response = client.post(reverse(route, args=[claim.pk]), {**data, "version": claim.version})
        assert response.status_code == 400, route
        assert "published" in response.content.decode()
    assert snapshot(claim) == before


def test_2_published_evidence_cannot_be_detached(checker_client: Client, editor: User) -> None:
    claim = published_claim(editor)
    evidence = claim.evidence.get()
    url = reverse("quotes:claim_evidence_detach", args=[claim.pk, evidence.pk])
    assert checker_client.post(url, {"version": claim.version}).status_code == 400
    assert reverse("admin:quotes_evidence_delete", args=[evidence.pk])
    admin = checker_client.post(
        reverse("admin:quotes_evidence_delete", args=[evidence.pk]), {"post": "yes"}
    )
    assert admin.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_2_the_claim_admin_keeps_a_published_claim_as_it_is(
    checker_client: Client, editor_client: Client, editor: User
) -> None:
    claim = published_claim(editor)
    other = SpeakerFactory()
    before = snapshot(claim)
    url = reverse("admin:quotes_claim_change", args=[claim.pk])
    evidence = claim.evidence.get()
    for client in (checker_client, editor_client):
        client.post(
            url,
            {
                "kind": "quote",
                "speaker": other.pk,
                "speaker_confirmed": "on",
                "expected_version": claim.version,
                "context": "",
                "subjects": "",
                "evidence-TOTAL_FORMS": "1",
                "evidence-INITIAL_FORMS": "1",
                "evidence-0-id": evidence.pk,
                "evidence-0-claim": claim.pk,
                "evidence-0-source": evidence.source_id,
                "evidence-0-stance": "corroborates",
                "evidence-0-DELETE": "on",
                "verdict-TOTAL_FORMS": "1",
                "verdict-INITIAL_FORMS": "1",
            },
        )
    after = snapshot(claim)
    assert after[:5] == before[:5] and after[6:] == before[6:]
    verdict = claim.verdict
    verdict.refresh_from_db()
    assert verdict.is_published


def test_2_fact_checkers_edit_no_article_source_or_published_evidence_in_the_admin(
    checker_client: Client, editor: User
) -> None:
    claim = published_claim(editor)
    article, evidence = claim.article, claim.evidence.get()
    source = evidence.source
    response = checker_client.post(
        reverse("admin:quotes_article_change", args=[article.pk]),
        {"title": "Rewritten", "expected_version": article.version},
    )
    assert response.status_code == 403
    response = checker_client.post(
        reverse("admin:quotes_source_change", args=[source.pk]),
        {"url": source.url, "title": "Rewritten"},
    )
    assert response.status_code == 403
    response = checker_client.post(
        reverse("admin:quotes_evidence_change", args=[evidence.pk]),
        {"source": source.pk, "stance": "corroborates", "expected_version": claim.version},
    )
    assert response.status_code == 403
    article.refresh_from_db()
    source.refresh_from_db()
    evidence.refresh_from_db()
    assert article.title != "Rewritten" and source.title != "Rewritten"
    assert evidence.stance == "disputes"


def test_2_an_editor_unpublishes_then_the_claim_changes(editor: User) -> None:
    claim = published_claim(editor)
    with pytest.raises(ReviewError, match="published"):
        review.split_claim(claim, by=editor, at=claim.start + 5, version=claim.version)
    review.unpublish_verdict(claim.verdict, by=editor, reason="Split the claim in two.")
    first, second = review.split_claim(claim, by=editor, at=claim.start + 3, version=claim.version)
    assert first.end < second.start


# 3. publish racing a save: the later of the two is refused ---------------------------------


def test_3_publishing_what_the_editor_did_not_see_is_refused(
    checker_client: Client, editor_client: Client
) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    seen = verdict.version  # the editor's panel
    save = checker_client.post(
        reverse("quotes:claim_verdict", args=[verdict.claim_id]),
        {
            "version": seen,
            "rating": rating("false").pk,
            "rationale": "The checker's newer reasoning.",
            "status": "review",
        },
    )
    assert save.status_code == 302
    publish = editor_client.post(
        reverse("quotes:claim_publish", args=[verdict.claim_id]),
        {"action": "publish", "version": seen},
    )
    assert publish.status_code == 409
    assert "now version 2" in publish.content.decode()
    verdict.refresh_from_db()
    assert verdict.status == "review" and verdict.rationale == "The checker's newer reasoning."
    versions = list(verdict.history.values_list("version", flat=True))
    assert len(versions) == len(set(versions))  # no two history rows of one version


# 4. admin forms carry and check the version -----------------------------------------------


def test_4_an_old_admin_form_does_not_overwrite_a_newer_workbench_save(
    checker_client: Client, editor_client: Client
) -> None:
    verdict = VerdictFactory(status=Verdict.Status.DRAFT)
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    assert b'name="expected_version"' in editor_client.get(url).content
    checker_client.post(
        reverse("quotes:claim_verdict", args=[verdict.claim_id]),
        {"version": 1, "rating": rating("false").pk, "rationale": "Newer.", "status": "draft"},
    )
    response = editor_client.post(
        url,
        {
            "expected_version": 1,
            "rating": rating("true").pk,
            "rationale": "Older admin form.",
            "status": "draft",
        },
        follow=True,
    )
    assert "someone else changed this" in response.content.decode()
    verdict.refresh_from_db()
    assert verdict.rationale == "Newer." and verdict.version == 2


def test_4_the_claim_admin_bumps_the_version_so_old_workbench_forms_are_stale(
    checker_client: Client, editor_client: Client
) -> None:
    claim = ClaimFactory(kind="statement")
    editor_client.post(
        reverse("admin:quotes_claim_change", args=[claim.pk]),
        {
            "kind": "quote",
            "speaker": claim.speaker_id,
            "expected_version": 1,
            "context": "",
            "subjects": "",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
            "verdict-TOTAL_FORMS": "0",
            "verdict-INITIAL_FORMS": "0",
        },
    )
    claim.refresh_from_db()
    assert claim.kind == "quote" and claim.version == 2
    stale = checker_client.post(
        reverse("quotes:claim_kind", args=[claim.pk]), {"version": 1, "kind": "statement"}
    )
    assert stale.status_code == 409
    claim.refresh_from_db()
    assert claim.kind == "quote"


# 5. split racing a speaker confirmation -----------------------------------------------------


def test_5_a_split_from_an_older_version_keeps_the_speaker_confirmation(
    checker_client: Client,
) -> None:
    claim = ClaimFactory(speaker_confirmed=False)
    confirm = checker_client.post(
        reverse("quotes:claim_speaker", args=[claim.pk]),
        {"version": 1, "speaker_name": claim.speaker.name},
    )
    assert confirm.status_code == 302
    split = checker_client.post(
        reverse("quotes:claim_split", args=[claim.pk]), {"version": 1, "at": 10}
    )
    assert split.status_code == 409
    claim.refresh_from_db()
    assert claim.speaker_confirmed and Claim.objects.count() == 1


def test_5_split_and_merge_bump_versions(editor: User) -> None:
    claim = ClaimFactory()
    first, second = review.split_claim(claim, by=editor, at=claim.start + 10, version=1)
    assert first.version == 2 and second.version == 1
    merged = review.merge_with_next(first, by=editor, version=2)
    assert merged.version == 3 and Claim.objects.count() == 1
    with pytest.raises(StaleEdit):
        review.merge_with_next(merged, by=editor, version=2)


# 6. merging speakers is an editor's --------------------------------------------------------


def test_6_fact_checkers_cannot_merge_speakers(checker_client: Client, fact_checker: User) -> None:
    keep, other = SpeakerFactory(), SpeakerFactory()
    ClaimFactory(speaker=other)
    checker_client.post(
        reverse("admin:quotes_speaker_changelist"),
        {
            "action": "merge_speakers",
            "_selected_action": [keep.pk, other.pk],
            "apply": "1",
            "target": keep.pk,
        },
    )
    assert Speaker.objects.filter(pk=other.pk).exists()
    with pytest.raises(PermissionDenied):
        review.merge_speakers(keep, [other], by=fact_checker)


def test_6_editors_do_not_move_published_claims_by_merging(
    editor_client: Client, editor: User
) -> None:
    claim = published_claim(editor)
    keep = SpeakerFactory()
    response = editor_client.post(
        reverse("admin:quotes_speaker_changelist"),
        {
            "action": "merge_speakers",
            "_selected_action": [keep.pk, claim.speaker_id],
            "apply": "1",
            "target": keep.pk,
        },
        follow=True,
    )
    assert "published verdicts" in response.content.decode()
    claim.refresh_from_db()
    assert claim.speaker_id != keep.pk


# 7. overlapping creates ----------------------------------------------------------------------


def test_7_a_selection_overlapping_a_claim_created_meanwhile_is_stale(
    checker_client: Client,
) -> None:
    article = ArticleFactory(body="First sentence here. Second sentence there. Third one.")
    url = reverse("quotes:article_claim_create", args=[article.pk])
    data = {"version": article.version, "kind": "statement"}
    assert checker_client.post(url, {**data, "start": 0, "end": 20}).status_code == 302
    overlapping = checker_client.post(url, {**data, "start": 6, "end": 30})
    assert overlapping.status_code == 409
    assert "now version 2" in overlapping.content.decode()
    # a selection elsewhere, from the same older page, loses nothing
    assert checker_client.post(url, {**data, "start": 44, "end": 54}).status_code == 302
    assert Claim.objects.filter(article=article).count() == 2


# 8. SQLite: wait for the lock, or answer 409 ------------------------------------------------


def test_8_sqlite_transactions_take_the_write_lock_at_begin() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking only")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5


def test_8_a_database_still_locked_after_the_timeout_is_a_409() -> None:
    def locked(request: object) -> object:
        raise OperationalError("database is locked")

    middleware = busy_database_middleware(locked)  # type: ignore[arg-type]
    response = middleware.process_exception(  # type: ignore[attr-defined]
        RequestFactory().post("/"), OperationalError("database is locked")
    )
    assert response.status_code == 409
    assert b"busy" in response.content


# 9. exports filter ratings over published verdicts only ------------------------------------


def test_9_filtered_exports_reveal_no_unpublished_rating(checker_client: Client) -> None:
    secret = VerdictFactory(
        claim=ClaimFactory(article=ArticleFactory(body="A secret claim still in review, rated.")),
        false=True,
        status=Verdict.Status.IN_REVIEW,
    )
    public = VerdictFactory(
        claim=ClaimFactory(article=ArticleFactory(body="A public claim, published and rated.")),
        false=True,
        published=True,
    )
    for query in ("status=review&rating=false", "rating=false", "status=draft"):
        page = checker_client.get(f"{reverse('reports:claims_export', args=['html'])}?{query}")
        assert page.status_code == 200
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert secret.claim.exact not in body.decode(), query
    page = checker_client.get(reverse("reports:claims_export", args=["csv"]) + "?rating=false")
    csv = b"".join(page.streaming_content).decode()
    assert public.claim.exact in csv and secret.claim.exact not in csv
    # the claims page itself still filters reviewers' own work by status and rating
    listed = checker_client.get(reverse("quotes:claims") + "?status=review&rating=false")
    assert secret.claim.exact[:40] in listed.content.decode()


# 10. no role, no change ----------------------------------------------------------------------


def test_10_a_user_in_no_group_changes_nothing() -> None:
    nobody = UserFactory(username="nobody")
    client = Client()
    client.force_login(nobody)
    claim = ClaimFactory()
    verdict = VerdictFactory(claim=claim)
    before = snapshot(claim)
    posts = [
        ("quotes:claim_speaker", {"version": 1, "speaker_name": ""}),
        ("quotes:claim_kind", {"version": 1, "kind": "quote"}),
        ("quotes:claim_split", {"version": 1, "at": 5}),
        ("quotes:claim_merge", {"version": 1}),
        ("quotes:claim_evidence", {"version": 1, "url": "https://e.org/", "stance": "context"}),
        ("quotes:claim_verdict", {"version": 1, "rating": rating("true").pk, "rationale": "x"}),
    ]
    for route, data in posts:
        response = client.post(reverse(route, args=[claim.pk]), {**data, "status": "draft"})
        assert response.status_code == 403, route
        assert "Ask an editor" in response.content.decode()
    create = client.post(
        reverse("quotes:article_claim_create", args=[claim.article_id]),
        {"version": 1, "start": 41, "end": 60, "kind": "statement"},
    )
    assert create.status_code == 403
    assert snapshot(claim) == before
    verdict.refresh_from_db()
    assert verdict.version == 1 and verdict.rationale != "x"
    with pytest.raises(PermissionDenied):
        review.save_verdict(
            claim, by=nobody, version=1, rating=rating("true"), rationale="x", status="draft"
        )


# the transitions themselves ------------------------------------------------------------------


def test_the_verdict_states_follow_the_workflow(fact_checker: User, editor: User) -> None:
    claim = ClaimFactory()
    verdict = review.save_verdict(
        claim, by=fact_checker, version=0, rating=rating("false"), rationale="R.", status="draft"
    )
    assert verdict.version == 1 and verdict.reviewer == fact_checker
    with pytest.raises(ReviewError, match="in review"):
        review.publish_verdict(verdict, by=editor)
    with pytest.raises(PermissionDenied):
        review.publish_verdict(verdict, by=fact_checker)
    review.submit_verdict(verdict, by=fact_checker)
    with pytest.raises(ReviewError, match="empty"):
        review.send_back_verdict(verdict, by=editor, note=" ")
    review.send_back_verdict(verdict, by=editor, note="Add a source.")
    assert verdict.status == "draft" and verdict.version == 3
    review.submit_verdict(verdict, by=fact_checker)
    review.publish_verdict(verdict, by=editor)
    with pytest.raises(ReviewError, match="correction note"):
        review.unpublish_verdict(verdict, by=editor, reason="")
    review.unpublish_verdict(verdict, by=editor, reason="Wrong year.")
    verdict.refresh_from_db()
    assert verdict.status == "review" and verdict.correction_note == "Wrong year."
    reasons = list(
        verdict.history.order_by("history_date").values_list("version", "history_change_reason")
    )
    assert [v for v, _ in reasons] == [1, 2, 3, 4, 5, 6]
    assert (
        reasons[2][1] == "Sent back: Add a source." and reasons[5][1] == "Unpublished: Wrong year."
    )


def test_a_stale_verdict_save_raises_with_the_newer_row(fact_checker: User) -> None:
    verdict = VerdictFactory()
    args = {"rating": rating("true"), "rationale": "Mine.", "status": "draft"}
    review.save_verdict(verdict.claim, by=fact_checker, version=1, **args)
    with pytest.raises(StaleEdit) as stale:
        review.save_verdict(verdict.claim, by=fact_checker, version=1, **{**args, "rationale": "B"})
    assert stale.value.current.version == 2 and stale.value.current.rationale == "Mine."


def test_speakers_and_evidence_transitions(fact_checker: User) -> None:
    claim = ClaimFactory()
    review.assign_speaker(claim, by=fact_checker, version=1, new_speaker=("Zoë Ng", "person"))
    assert claim.speaker.name == "Zoë Ng" and claim.version == 2
    with pytest.raises(ReviewError, match="already in the registry"):
        review.create_speaker(by=fact_checker, name="ZOË  NG")
    source = SourceFactory()
    evidence = review.attach_evidence(
        claim, by=fact_checker, version=2, source=source, stance="context"
    )
    assert claim.version == 3
    with pytest.raises(StaleEdit):
        review.detach_evidence(evidence, by=fact_checker, version=2)
    review.detach_evidence(evidence, by=fact_checker, version=3)
    assert not claim.evidence.exists()
    assert Article.objects.get(pk=claim.article_id).version == 1  # no reshaping

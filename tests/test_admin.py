from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quotes.models import Claim, Speaker, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SpeakerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return reverse(f"admin:quotes_{model}_changelist")


def test_fact_checker_cannot_publish_through_the_action(checker_client: Client) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    response = checker_client.post(
        changelist("verdict"),
        {"action": "publish_verdicts", "_selected_action": [verdict.pk]},
    )
    # The action is not offered to them at all: Django answers "no action selected".
    assert response.status_code == 200
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW


def test_fact_checker_cannot_publish_through_the_change_form(checker_client: Client) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    page = checker_client.get(url)
    assert b'name="_publish"' not in page.content
    assert b"Only an editor can publish" in page.content

    checker_client.post(
        url,
        {
            "claim": verdict.claim_id,
            "rating": verdict.rating_id,
            "rationale": "x",
            "status": "published",
            "_publish": "1",
        },
    )
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW


def test_editor_publishes_through_the_action_and_history_records_it(
    editor_client: Client, editor
) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    response = editor_client.post(
        changelist("verdict"),
        {"action": "publish_verdicts", "_selected_action": [verdict.pk]},
        follow=True,
    )
    assert b"Published 1 verdict" in response.content
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.PUBLISHED
    assert verdict.published_by == editor
    record = verdict.history.first()
    assert record.history_user == editor
    assert record.status == "published"

    history = editor_client.get(reverse("admin:quotes_verdict_history", args=[verdict.pk]))
    assert history.status_code == 200
    assert b"editor" in history.content


def test_editor_publishes_with_the_change_form_button(editor_client: Client) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    assert b'name="_publish"' in editor_client.get(url).content
    response = editor_client.post(
        url,
        {
            "expected_version": verdict.version,
            "rating": verdict.rating_id,
            "rationale": verdict.rationale,
            "status": "review",
            "_publish": "1",
        },
        follow=True,
    )
    assert b"The verdict was published" in response.content
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.PUBLISHED


def test_editor_unpublishes_with_a_reason(editor_client: Client) -> None:
    verdict = VerdictFactory(published=True)
    url = reverse("admin:quotes_verdict_change", args=[verdict.pk])
    data = {"expected_version": verdict.version, "_unpublish": "1"}
    response = editor_client.post(url, data, follow=True)
    assert b"Say why the verdict is unpublished" in response.content
    verdict.refresh_from_db()
    assert verdict.is_published
    response = editor_client.post(url, {**data, "reason": "Wrong year."}, follow=True)
    assert b"The verdict was unpublished" in response.content
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW
    assert verdict.correction_note == "Wrong year."


def test_merge_speakers_action_asks_then_merges(editor_client: Client) -> None:
    keep = SpeakerFactory(name="Hassan Nasrallah")
    other = SpeakerFactory(name="Nasrallah")
    ClaimFactory(speaker=other)
    ids = [keep.pk, other.pk]

    ask = editor_client.post(
        changelist("speaker"), {"action": "merge_speakers", "_selected_action": ids}
    )
    assert b"Merge speakers" in ask.content

    done = editor_client.post(
        changelist("speaker"),
        {"action": "merge_speakers", "_selected_action": ids, "apply": "1", "target": keep.pk},
        follow=True,
    )
    assert b"Merged 1 speaker" in done.content
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Hassan Nasrallah"]
    assert Claim.objects.get().speaker == keep
    assert keep.aliases.get().alias == "Nasrallah"


def test_article_admin_shows_claims_inline(editor_client: Client) -> None:
    claim = ClaimFactory()
    page = editor_client.get(reverse("admin:quotes_article_change", args=[claim.article_id]))
    assert page.status_code == 200
    assert claim.exact.encode() in page.content


def test_claim_admin_shows_why_a_speaker_was_proposed(editor_client: Client) -> None:
    claim = ClaimFactory(attribution_method="said-after", cue="said", confidence=0.82)
    EvidenceFactory(claim=claim)
    VerdictFactory(claim=claim)
    page = editor_client.get(reverse("admin:quotes_claim_change", args=[claim.pk]))
    assert page.status_code == 200
    for text in (b"said-after", b"0.82", b"Why this speaker was proposed"):
        assert text in page.content


def make_rows(n: int) -> None:
    for _ in range(n):
        claim = ClaimFactory(article=ArticleFactory())
        EvidenceFactory(claim=claim)
        VerdictFactory(claim=claim)


@pytest.mark.parametrize("model", ["article", "claim", "verdict", "speaker", "evidence", "source"])
def test_change_list_queries_do_not_grow_with_rows(
    editor_client: Client, django_assert_num_queries, model: str
) -> None:
    make_rows(2)
    editor_client.get(changelist(model))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert editor_client.get(changelist(model)).status_code == 200
    make_rows(8)
    with django_assert_num_queries(len(small.captured_queries)):
        assert editor_client.get(changelist(model)).status_code == 200


def test_only_an_editor_names_another_reviewer(
    checker_client: Client, editor_client: Client, fact_checker: object, editor: object
) -> None:
    claim = ClaimFactory()
    rating = Verdict._meta.get_field("rating").related_model.objects.first()
    add = reverse("admin:quotes_verdict_add")
    assert b'name="reviewer"' not in checker_client.get(add).content
    checker_client.post(
        add,
        {
            "claim": claim.pk,
            "rating": rating.pk,
            "rationale": "Checked against the budget.",
            "status": "draft",
            "reviewer": editor.pk,  # forged: a fact-checker signing as the editor
        },
    )
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.reviewer == fact_checker
    assert b'name="reviewer"' in editor_client.get(add).content

"""Speakers' maintained counters (quotes/counters.py) after every path that changes them."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quotes import counters, reshape, review, services
from quotes.imports.datasets import Statement, create_statement_articles
from quotes.models import Article, Claim, ExternalReview, Speaker, SpeakerTally, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    SpeakerFactory,
    VerdictFactory,
    rating,
)

pytestmark = pytest.mark.django_db

BODY = "Prices fell by three percent. Unemployment rose in May. Taxes went up again."


def state() -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """The counters as stored: claims per speaker, published verdicts per (speaker, rating)."""
    claims = dict(Speaker.objects.values_list("pk", "claim_count"))
    tallies = {
        (s, r): n
        for s, r, n in SpeakerTally.objects.values_list("speaker_id", "rating_id", "published")
        if n
    }
    return claims, tallies


def assert_counters_match_a_recount() -> None:
    kept = state()
    counters.recount()
    assert kept == state()


def claim_count(speaker: Speaker) -> int:
    speaker.refresh_from_db()
    return speaker.claim_count


def tally(speaker: Speaker) -> dict[str, int]:
    return {
        slug: n
        for slug, n in SpeakerTally.objects.filter(speaker=speaker).values_list(
            "rating__slug", "published"
        )
        if n
    }


def published(claim: Claim, editor: User, slug: str = "false") -> Verdict:
    verdict = VerdictFactory(claim=claim, rating=rating(slug), status=Verdict.Status.IN_REVIEW)
    return review.publish_verdict(verdict, by=editor)


def test_a_claim_created_in_the_workbench_counts(editor: User) -> None:
    speaker = SpeakerFactory()
    article = ArticleFactory(body=BODY)
    review.create_claim(article, by=editor, start=0, end=29, kind="statement", speaker=speaker)
    assert claim_count(speaker) == 1
    assert_counters_match_a_recount()


def test_deleting_a_claim_or_its_article_uncounts_it_and_its_verdict(editor: User) -> None:
    speaker = SpeakerFactory()
    first, second = ClaimFactory(speaker=speaker), ClaimFactory(speaker=speaker)
    published(first, editor)
    published(second, editor)
    assert claim_count(speaker) == 2 and tally(speaker) == {"false": 2}
    first.delete()
    assert claim_count(speaker) == 1 and tally(speaker) == {"false": 1}
    Article.objects.filter(pk=second.article_id).delete()  # cascades to claim and verdict
    assert claim_count(speaker) == 0 and tally(speaker) == {}
    assert_counters_match_a_recount()


def test_admin_delete_of_a_claim_uncounts_it(editor_client: Client) -> None:
    claim = ClaimFactory()
    response = editor_client.post(
        reverse("admin:quotes_claim_delete", args=[claim.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert claim_count(claim.speaker) == 0


def test_reassigning_a_speaker_moves_the_count(editor: User) -> None:
    before, after = SpeakerFactory(), SpeakerFactory()
    claim = ClaimFactory(speaker=before)
    review.assign_speaker(claim, by=editor, version=claim.version, speaker=after)
    assert (claim_count(before), claim_count(after)) == (0, 1)
    review.assign_speaker(claim, by=editor, version=claim.version, speaker=None)
    assert claim_count(after) == 0
    assert_counters_match_a_recount()


def test_split_merge_and_their_undo_keep_the_count(editor: User) -> None:
    speaker = SpeakerFactory()
    article = ArticleFactory(body=BODY)
    claim = review.create_claim(
        article, by=editor, start=0, end=len(BODY), kind="statement", speaker=speaker
    )
    first, undo_split = reshape.split(claim, by=editor, at=30, version=claim.version)
    assert claim_count(speaker) == 2
    reshape.undo(undo_split, by=editor)
    assert claim_count(speaker) == 1
    claim = Claim.objects.get(article=article)
    first, _ = reshape.split(claim, by=editor, at=30, version=claim.version)
    merged, undo_merge = reshape.merge(first, by=editor, version=first.version)
    assert claim_count(speaker) == 1
    reshape.undo(undo_merge, by=editor)  # the merged-away claim comes back
    assert claim_count(speaker) == 2
    assert_counters_match_a_recount()


def test_an_imported_article_counts_its_speakers_claims() -> None:
    speaker = SpeakerFactory(name="Ngozi Okafor")
    services.ingest_article(
        body="“Prices fell by three percent,” Ngozi Okafor said. “Taxes went up,” Okafor added.",
        title="Budget",
    )
    assert claim_count(speaker) == Claim.objects.filter(speaker=speaker).count() > 0
    assert_counters_match_a_recount()


def test_bulk_imported_statements_count() -> None:
    speakers = [SpeakerFactory() for _ in range(3)]
    statements = [
        Statement(
            external_id=str(i),
            title=f"Statement {i}",
            body=f"Statement number {i} about the budget.",
            claim_fields={"speaker": speakers[i % 3]},
        )
        for i in range(7)
    ]
    create_statement_articles(
        statements, dataset="test", outlet="Test", method="liar", reason="import"
    )
    assert [claim_count(s) for s in speakers] == [3, 2, 2]
    assert_counters_match_a_recount()


def test_merging_speakers_adds_their_counts(editor: User) -> None:
    keep, merged = SpeakerFactory(), SpeakerFactory()
    ClaimFactory(speaker=keep)
    ClaimFactory(speaker=merged)
    ClaimFactory(speaker=merged)
    review.merge_speakers(keep, [merged], by=editor)
    assert claim_count(keep) == 3
    assert_counters_match_a_recount()


def test_publish_unpublish_and_correction_keep_the_tally(editor: User) -> None:
    speaker = SpeakerFactory()
    claim = ClaimFactory(speaker=speaker)
    verdict = VerdictFactory(claim=claim, rating=rating("false"), status=Verdict.Status.IN_REVIEW)
    assert tally(speaker) == {}  # in review: not ours yet
    verdict = review.publish_verdict(verdict, by=editor)
    assert tally(speaker) == {"false": 1}
    verdict = review.unpublish_verdict(verdict, by=editor, reason="Wrong figures")
    assert tally(speaker) == {}
    # the correction: a new rating, published again
    verdict = review.save_verdict(
        claim,
        by=editor,
        version=verdict.version,
        rating=rating("true"),
        rationale="Corrected.",
        status=Verdict.Status.IN_REVIEW,
    )
    review.publish_verdict(verdict, by=editor)
    assert tally(speaker) == {"true": 1}
    assert_counters_match_a_recount()


def test_a_rating_change_on_a_published_verdict_moves_the_tally(editor: User) -> None:
    # no transition changes a published verdict's rating; the counters follow any save
    speaker = SpeakerFactory()
    verdict = published(ClaimFactory(speaker=speaker), editor, "false")
    verdict.rating = rating("true")
    verdict.save()
    assert tally(speaker) == {"true": 1}
    verdict.delete()
    assert tally(speaker) == {}


def test_other_organisations_fact_checks_are_not_counted() -> None:
    claim = ClaimFactory()
    ExternalReview.objects.create(
        claim=claim, origin=ExternalReview.Origin.LIAR, rating_label="False"
    )
    VerdictFactory(claim=claim)  # a draft of ours
    assert tally(claim.speaker) == {}
    assert_counters_match_a_recount()


def test_recount_speakers_repairs_the_counters(editor: User) -> None:
    speaker = SpeakerFactory()
    published(ClaimFactory(speaker=speaker), editor)
    Speaker.objects.update(claim_count=99)
    SpeakerTally.objects.update(published=7)
    call_command("recount_speakers", stdout=open("/dev/null", "w"))
    assert claim_count(speaker) == 1 and tally(speaker) == {"false": 1}


def test_counters_equal_a_recount_after_random_changes(editor: User) -> None:
    rnd = random.Random(16)
    speakers = [SpeakerFactory() for _ in range(4)]
    slugs = ["true", "false", "mostly-false"]
    for step in range(60):
        claims = list(Claim.objects.order_by("pk"))
        action = rnd.choice(
            ["create", "create", "assign", "delete", "publish", "unpublish", "merge_speakers"]
        )
        if action == "create" or not claims:
            article = ArticleFactory(body=BODY)
            review.create_claim(
                article,
                by=editor,
                start=0,
                end=29,
                kind="statement",
                speaker=rnd.choice(speakers + [None]),
            )
        elif action == "assign":
            claim = rnd.choice(claims)
            if not review._is_frozen(claim.pk):
                review.assign_speaker(
                    claim, by=editor, version=claim.version, speaker=rnd.choice(speakers)
                )
        elif action == "delete":
            rnd.choice(claims).delete()
        elif action == "publish":
            claim = rnd.choice(claims)
            if not Verdict.objects.filter(claim=claim).exists():
                published(claim, editor, rnd.choice(slugs))
        elif action == "unpublish":
            verdict = Verdict.objects.filter(status=Verdict.Status.PUBLISHED).first()
            if verdict is not None:
                review.unpublish_verdict(verdict, by=editor, reason=f"step {step}")
        elif action == "merge_speakers" and len(speakers) > 2:
            keep, gone = rnd.sample(speakers, 2)
            frozen = Verdict.objects.filter(
                claim__speaker=gone, status=Verdict.Status.PUBLISHED
            ).exists()
            if not frozen:
                review.merge_speakers(keep, [gone], by=editor)
                speakers.remove(gone)
    assert_counters_match_a_recount()
    assert sum(state()[0].values()) == Claim.objects.filter(speaker__isnull=False).count()

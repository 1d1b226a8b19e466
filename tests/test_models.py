from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from quotes.models import Claim, Speaker, SpeakerAlias, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    SpeakerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def test_speaker_names_are_unique_once_normalised() -> None:
    Speaker.objects.create(name="The NCRI")
    with pytest.raises(IntegrityError):
        Speaker.objects.create(name="  ncri ")


def test_speaker_clean_explains_a_duplicate_name() -> None:
    Speaker.objects.create(name="Maryam Rajavi")
    with pytest.raises(ValidationError, match="already in the registry"):
        Speaker(name="maryam  rajavi").full_clean()


def test_add_alias_refuses_a_name_of_another_speaker() -> None:
    ncri = Speaker.objects.create(
        name="National Council of Resistance of Iran", kind="organisation"
    )
    other = Speaker.objects.create(name="MEK", kind="organisation")
    assert ncri.add_alias("NCRI") is not None
    assert ncri.add_alias("the NCRI") is not None or SpeakerAlias.objects.count() == 1
    assert ncri.add_alias("MEK") is None
    assert other.add_alias("NCRI") is None
    assert list(ncri.aliases.values_list("alias", flat=True)) == ["NCRI"]


def test_merge_moves_claims_and_keeps_names_as_aliases(editor) -> None:
    keep = SpeakerFactory(name="Mohammad Bagher Ghalibaf")
    dup = SpeakerFactory(name="Ghalibaf")
    dup.aliases.create(alias="Speaker Ghalibaf")
    claim = ClaimFactory(speaker=dup)

    moved = keep.merge([keep, dup], by=editor)

    assert moved == 1
    claim.refresh_from_db()
    assert claim.speaker == keep
    assert not Speaker.objects.filter(pk=dup.pk).exists()
    assert set(keep.aliases.values_list("alias", flat=True)) == {"Ghalibaf", "Speaker Ghalibaf"}


def test_claim_span_must_not_be_empty() -> None:
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        Claim.objects.create(article=article, start=5, end=5, exact="")


def test_claim_clean_refuses_a_span_outside_the_body() -> None:
    article = ArticleFactory(body="Short text.")
    claim = Claim(article=article, start=3, end=50, exact="x")
    with pytest.raises(ValidationError, match="inside the article"):
        claim.full_clean()


def test_anchor_fills_the_text_quote_selector() -> None:
    body = "Before the claim. The minister said prices fell. After the claim."
    article = ArticleFactory(body=body)
    start = body.index("The minister")
    claim = Claim(article=article, start=start, end=start + len("The minister said prices fell."))
    claim.anchor()
    assert claim.exact == "The minister said prices fell."
    assert body.endswith(claim.suffix) or claim.suffix == body[claim.end : claim.end + 32]
    assert claim.prefix == body[max(0, start - 32) : start]


def test_attach_source_records_stance_and_author(fact_checker) -> None:
    claim = ClaimFactory()
    source = SourceFactory()
    evidence = claim.attach_source(source, "disputes", excerpt="It rose.", by=fact_checker)
    assert evidence.stance == "disputes"
    assert evidence.added_by == fact_checker
    assert claim.evidence.count() == 1


def test_source_urls_must_be_http(db: None) -> None:
    for url in ("javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x"):
        with pytest.raises(ValidationError):
            SourceFactory.build(url=url).full_clean()


def test_fact_checker_cannot_publish_a_verdict(fact_checker) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        verdict.publish(by=fact_checker)
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW


def test_editor_publishes_and_history_records_who(editor) -> None:
    verdict = VerdictFactory(status=Verdict.Status.IN_REVIEW)
    verdict.publish(by=editor)
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.PUBLISHED
    assert verdict.published_by == editor
    assert verdict.published_at is not None
    latest = verdict.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Published"
    assert verdict.history.count() == 2


def test_unpublish_sends_back_to_review_keeping_the_reason(editor) -> None:
    verdict = VerdictFactory(published=True)
    verdict.unpublish(by=editor, reason="The figure was for 2022, not 2023.")
    verdict.refresh_from_db()
    assert verdict.status == Verdict.Status.IN_REVIEW
    assert verdict.published_at is None
    assert verdict.correction_note == "The figure was for 2022, not 2023."
    assert verdict.history.first().history_change_reason.startswith("Unpublished: The figure")


def test_deleting_a_source_with_evidence_is_refused() -> None:
    evidence = EvidenceFactory()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        evidence.source.delete()


def test_default_rating_scale_covers_liar_labels() -> None:
    from quotes.models import Rating

    slugs = set(Rating.objects.values_list("slug", flat=True))
    assert {
        "true",
        "mostly-true",
        "half-true",
        "mostly-false",
        "false",
        "pants-fire",
        "misleading",
        "unverifiable",
    } <= slugs

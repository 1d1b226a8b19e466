"""Other organisations' fact checks are records of their finding, never our verdicts."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.test import Client

from quotes import exports
from quotes.models import Claim, Evidence, ExternalReview, Rating, Source, Verdict
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory, VerdictFactory, rating

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("quotes.migrations.0014_imported_verdicts_to_external_reviews")


def afp_review(claim: Claim) -> ExternalReview:
    return ExternalReview.objects.create(
        claim=claim,
        origin=ExternalReview.Origin.CLAIMREVIEW,
        publisher_name="AFP Factual",
        publisher_url="https://factual.afp.com/",
        review_url="https://factual.afp.com/check-1",
        headline="No, the bikers were not praying for him",
        # 00:30 in Paris is already the 10th; in UTC it is still the 9th
        published_at=dt.datetime(2020, 3, 9, 23, 30, tzinfo=dt.UTC),
        published_offset=60,
        rating_label="Falso",
        rating=rating("false"),
        claim_location="a Facebook post",
        appearances=[{"url": "https://social.example.com/p/1", "date": "2020-03-01"}],
    )


def text_of(response: object) -> str:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    return " ".join(html.get_text(" ").split())


def test_the_summary_names_the_publisher_and_their_date() -> None:
    review = afp_review(ClaimFactory())

    assert review.summary == "AFP Factual rated this Falso on 2020-03-10"


def test_the_claim_page_and_workbench_panel_show_whose_finding_it_is(
    checker_client: Client,
) -> None:
    claim = ClaimFactory()
    afp_review(claim)

    page = text_of(checker_client.get(claim.get_absolute_url()))
    panel = text_of(
        checker_client.get(
            f"{claim.article.get_absolute_url()}?claim={claim.pk}",
        )
    )

    for text in (page, panel):
        assert "AFP Factual rated this Falso on 2020-03-10" in text
        assert "False on our scale" in text
        assert "said in a Facebook post" in text
        assert "Their findings, not ours" in text
    assert "Our verdict" in page


def test_similar_claims_show_other_organisations_findings(checker_client: Client) -> None:
    mine = ClaimFactory(
        article=ArticleFactory(body="Bikers knelt and prayed for the president today."),
        start=0,
        end=49,
    )
    other = ClaimFactory(
        article=ArticleFactory(body="Bikers knelt and prayed for the president today!"),
        start=0,
        end=49,
    )
    afp_review(other)

    response = checker_client.get(mine.get_absolute_url())

    similar = BeautifulSoup(response.content, "html.parser").select_one("ul.similar")
    assert similar is not None
    assert "AFP Factual rated this Falso on 2020-03-10" in similar.get_text()


def test_external_reviews_are_never_exported_as_ours_or_counted(checker_client: Client) -> None:
    speaker = SpeakerFactory()
    claim = ClaimFactory(speaker=speaker)
    afp_review(claim)
    VerdictFactory(claim=ClaimFactory(speaker=speaker), rating=rating("true"))  # a draft

    reviews = json.loads(b"".join(exports.export_claims(Claim.objects.all(), "claimreview").chunks))
    page = text_of(checker_client.get(speaker.get_absolute_url()))

    assert reviews == []
    assert "No published verdicts yet." in page


def test_the_scorecard_counts_our_published_verdicts_only(checker_client: Client) -> None:
    speaker = SpeakerFactory()
    VerdictFactory(claim=ClaimFactory(speaker=speaker), rating=rating("false"), published=True)
    VerdictFactory(claim=ClaimFactory(speaker=speaker), rating=rating("false"))  # draft
    afp_review(ClaimFactory(speaker=speaker))

    html = BeautifulSoup(
        checker_client.get(speaker.get_absolute_url()).content, "html.parser"
    ).select_one(".scorecard")

    assert html is not None
    assert [
        (li.select_one(".label").get_text(), li.select_one(".n").get_text())
        for li in html.select("li")
    ] == [("False", "1")]


def test_the_migration_turns_imported_verdicts_into_external_reviews() -> None:
    article = ArticleFactory(url="https://social.example.com/p/9", published=dt.date(2020, 3, 1))
    cr_claim = ClaimFactory(article=article, attribution_method="claimreview")
    label = Rating.objects.create(label="Falso", slug="falso", needs_review=True, order=99)
    VerdictFactory(
        claim=cr_claim,
        rating=label,
        status=Verdict.Status.PUBLISHED,
        published_at=dt.datetime(2020, 3, 10, 11, 31, tzinfo=dt.UTC),
        rationale="Los motociclistas pedían otra cosa",
        reviewer=None,
    )
    source = Source.objects.create(url="https://factual.afp.com/x", publisher="Factual")
    Evidence.objects.create(
        claim=cr_claim,
        source=source,
        stance=Evidence.Stance.CONTEXT,
        note="The ClaimReview this verdict was imported from.",
    )
    liar_claim = ClaimFactory(attribution_method="liar", context="a floor speech")
    VerdictFactory(
        claim=liar_claim,
        rating=rating("mostly-false"),
        status=Verdict.Status.IN_REVIEW,
        rationale="Imported from LIAR (PolitiFact label “barely-true”, statement 1234); "
        "not checked by us yet.",
        reviewer=None,
    )
    taken_over = ClaimFactory(attribution_method="liar")
    ours = VerdictFactory(
        claim=taken_over,
        rating=rating("true"),
        rationale="We checked the jobs report ourselves.",
        status=Verdict.Status.PUBLISHED,
    )

    MIGRATION._forward(apps, None)

    afp = ExternalReview.objects.get(claim=cr_claim)
    assert (afp.publisher_name, afp.review_url, afp.rating_label, afp.rating) == (
        "Factual",
        "https://factual.afp.com/x",
        "Falso",
        None,
    )
    assert afp.headline == "Los motociclistas pedían otra cosa"
    assert afp.appearances == [{"url": "https://social.example.com/p/9"}]
    assert not Evidence.objects.filter(claim=cr_claim).exists()
    assert not Source.objects.filter(pk=source.pk).exists()
    assert not Rating.objects.filter(slug="falso").exists()
    liar = ExternalReview.objects.get(claim=liar_claim)
    assert (liar.publisher_name, liar.rating_label, liar.external_id, liar.claim_location) == (
        "PolitiFact",
        "barely-true",
        "1234",
        "a floor speech",
    )
    assert liar.rating == rating("mostly-false")
    # imported verdicts are gone; the one a reviewer of ours rewrote stays ours
    assert list(Verdict.objects.all()) == [ours]
    assert not Verdict.history.filter(claim_id__in=[cr_claim.pk, liar_claim.pk]).exists()  # type: ignore[attr-defined]
    assert ExternalReview.objects.filter(claim=taken_over).exists()

"""Importing an article: what the pipeline proposes lands on claims and speakers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quotes import services
from quotes.models import Claim, Speaker
from quotes.text import MIN_NEW_SPEAKER_CONFIDENCE

pytestmark = pytest.mark.django_db


def test_unnamed_source_stays_words_on_the_claim_not_a_speaker() -> None:
    article = services.ingest_article(
        body=(
            "Paul Manafort ran the convention.\n\n"
            "“Paul’s knowledge is about 20 years old,” said a longtime adviser to Trump, "
            "who declined to be identified.\n"
        ),
        title="Unnamed",
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.speaker is None
    assert quote.speaker_text == "a longtime adviser to Trump"
    assert quote.attribution_method == "after-quote" and quote.confidence is not None
    assert not Speaker.objects.filter(name__icontains="adviser").exists()


def test_named_speaker_keeps_the_article_description() -> None:
    article = services.ingest_article(
        body="“He is struggling,” said Howard Dean (D), a Clinton supporter.\n", title="Dean"
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.speaker.name == "Howard Dean"
    assert quote.speaker_text == "Howard Dean (D), a Clinton supporter"


def test_workbench_shows_an_unnamed_source_and_why(checker_client: Client) -> None:
    article = services.ingest_article(
        body="“It is over,” said a senior White House official on Monday.\n", title="Unnamed"
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    html = checker_client.get(
        reverse("quotes:article", args=[article.pk]), {"claim": quote.pk}
    ).content.decode()
    assert "a senior White House official" in html and "does not name" in html
    assert "after-quote" in html and "confidence 0.85" in html


def test_a_dateline_and_he_said_after_a_place_create_no_speaker() -> None:
    article = services.ingest_article(
        body=(
            "BEIRUT (Wire Agency) - Talks on the border resumed on Monday in Damascus.\n\n"
            "“We expect progress within days,” he said.\n"
        ),
        title="Dateline",
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.speaker is None
    assert not Speaker.objects.exists()


def test_a_place_speaking_keeps_its_words_and_waits_for_a_reviewer() -> None:
    article = services.ingest_article(
        body="“We reject these accusations entirely,” Tehran said in a statement.\n",
        title="Place",
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.speaker is None and quote.speaker_text == "Tehran"
    assert not Speaker.objects.exists()


def test_a_guess_below_the_documented_confidence_creates_no_speaker() -> None:
    article = services.ingest_article(
        body=(
            "Ruth Adler chaired the hearing on Tuesday.\n\n"
            "“The committee will publish its findings in the spring.”\n"
        ),
        title="Low confidence",
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.confidence < MIN_NEW_SPEAKER_CONFIDENCE
    assert quote.speaker is None and quote.speaker_text == "Ruth Adler"
    assert not Speaker.objects.exists()


def test_a_low_confidence_guess_still_links_a_speaker_the_registry_knows() -> None:
    known = Speaker.objects.create(name="Ruth Adler")
    article = services.ingest_article(
        body=(
            "Ruth Adler chaired the hearing on Tuesday.\n\n"
            "“The committee will publish its findings in the spring.”\n"
        ),
        title="Known",
    )
    quote = article.claims.get(kind=Claim.Kind.QUOTE)
    assert quote.speaker == known and not quote.speaker_confirmed
    assert Speaker.objects.count() == 1


def test_a_later_surname_joins_the_full_name_in_the_registry() -> None:
    services.ingest_article(
        body=(
            "Spokesman Majid bin Salem al-Harthy spoke on Monday.\n\n"
            "“We seek calm,” Al-Harthy said.\n\n"
            "“We will keep talking,” Harthy added.\n"
        ),
        title="One speaker",
    )
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Majid bin Salem al-Harthy"]

"""Importing an article: what the pipeline proposes lands on claims and speakers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quotes import services
from quotes.models import Claim, Speaker

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

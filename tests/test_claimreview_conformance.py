"""Every ClaimReview we emit, expanded as JSON-LD and checked against Google's guidance.

The schema.org context is vendored (tests/fixtures/schemaorg_context.jsonld, trimmed from
https://schema.org/docs/jsonldcontext.jsonld, CC BY-SA 3.0) and served to pyld by a
document loader, so nothing is fetched. It has no @vocab: a property that is not a
schema.org term is dropped on expansion, and the test notices.
Google's ClaimReview guidance (developers.google.com/search/docs/appearance/structured-data/
factcheck): required claimReviewed, reviewRating.alternateName, url; recommended author,
datePublished, itemReviewed (author, datePublished, appearance or firstAppearance) and the
rating's name, ratingValue, bestRating and worstRating.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from pyld import jsonld

from quotes import exports
from quotes.models import Claim, Speaker, Verdict
from tests import factories

pytestmark = pytest.mark.django_db

CONTEXT = json.loads(
    (Path(__file__).parent / "fixtures" / "schemaorg_context.jsonld").read_text("utf-8")
)
S = "http://schema.org/"


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"only schema.org's context may be loaded, not {url}")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def keys(node: Any) -> int:
    """The number of properties (not @-keywords) in a compacted document, nested too."""
    if isinstance(node, list):
        return sum(keys(n) for n in node)
    if isinstance(node, dict):
        return sum(1 + keys(v) for k, v in node.items() if not k.startswith("@"))
    return 0


def expand(review: dict[str, Any]) -> dict[str, Any]:
    [expanded] = jsonld.expand(review, {"documentLoader": offline_loader})
    # nothing dropped: every property we wrote is a schema.org term
    assert keys(expanded) == keys(review), "a property is not a schema.org term"
    return expanded


def one(node: dict[str, Any], name: str) -> Any:
    values = node.get(S + name)
    assert values, f"{name} is missing"
    return values[0]


def value(node: dict[str, Any], name: str) -> Any:
    item = one(node, name)
    return item.get("@value", item.get("@id"))


def assert_conforms(review: dict[str, Any]) -> None:
    node = expand(review)
    assert node["@type"] == [S + "ClaimReview"]
    # required
    claim_reviewed = value(node, "claimReviewed")
    assert claim_reviewed and len(claim_reviewed) <= 75
    assert value(node, "url").startswith("https://factcheck.example.org/v/")
    rating = one(node, "reviewRating")
    assert rating["@type"] == [S + "Rating"]
    assert value(rating, "alternateName")
    # recommended
    author = one(node, "author")
    assert author["@type"] == [S + "Organization"] and value(author, "name")
    dt.date.fromisoformat(value(node, "datePublished"))
    assert value(rating, "name") == value(rating, "alternateName")
    if S + "ratingValue" in rating:
        assert value(rating, "worstRating") <= value(rating, "ratingValue")
        assert value(rating, "ratingValue") <= value(rating, "bestRating")
    item = one(node, "itemReviewed")
    assert item["@type"] == [S + "Claim"]
    assert value(item, "text")
    dt.date.fromisoformat(value(item, "datePublished"))
    speaker = one(item, "author")
    assert speaker["@type"][0] in (S + "Person", S + "Organization")
    assert value(speaker, "name")
    for name in ("appearance", "firstAppearance"):
        work = one(item, name)
        assert work["@type"] == [S + "CreativeWork"]
        # by URL, or inline with its headline, publisher and date
        assert S + "url" in work or (
            value(work, "headline") and one(work, "publisher") and value(work, "datePublished")
        )


@pytest.fixture(autouse=True)
def public_urls(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://factcheck.example.org"
    settings.FACTCHECK_ORG_URL = "https://factcheck.example.org/"


def published(claim: Claim, slug: str = "false") -> Verdict:
    return factories.VerdictFactory(
        claim=claim,
        rating=factories.rating(slug),
        status=Verdict.Status.PUBLISHED,
        published_at=dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC),
    )


def claim_in(article_kwargs: dict[str, Any], **speaker: Any) -> Claim:
    article = factories.ArticleFactory(published=dt.date(2024, 2, 1), **article_kwargs)
    return factories.ClaimFactory(article=article, speaker=factories.SpeakerFactory(**speaker))


def test_the_export_conforms_with_and_without_an_article_url() -> None:
    web = claim_in(
        {"url": "https://news.example.org/a"}, name="Barack Obama", url="https://w.example/obama"
    )
    printed = claim_in(
        {"url": "", "outlet": "The Daily Paper", "title": "Page 3"},
        name="Acme Ltd",
        kind=Speaker.Kind.ORGANISATION,
    )
    published(web)
    published(printed, "misleading")  # off the scale: no numbers

    reviews = json.loads(b"".join(exports.export_claims(Claim.objects.all(), "claimreview").chunks))

    assert len(reviews) == 2
    for review in reviews:
        assert_conforms(review)
    inline = reviews[1]["itemReviewed"]["appearance"][0]
    assert "url" not in inline and inline["headline"] == "Page 3"
    assert reviews[0]["itemReviewed"]["author"]["sameAs"] == "https://w.example/obama"


def test_a_long_claim_is_summarised_under_75_characters() -> None:
    claim = claim_in({"url": "https://news.example.org/b"}, name="Jane Doe")
    claim.exact = "Unemployment " + "fell and fell again, " * 15 + "said the minister."
    claim.save()
    published(claim)

    [review] = json.loads(
        b"".join(exports.export_claims(Claim.objects.all(), "claimreview").chunks)
    )

    assert_conforms(review)
    assert review["claimReviewed"].endswith("…")
    assert review["itemReviewed"]["text"] == claim.exact


def test_the_public_page_embeds_conforming_markup(client: Client) -> None:
    claim = claim_in({"url": ""}, name="Jane Doe", role="Mayor")
    verdict = published(claim)

    response = client.get(verdict.get_public_url())

    script = BeautifulSoup(response.content, "html.parser").find(
        "script", type="application/ld+json"
    )
    assert script is not None
    assert_conforms(json.loads(script.get_text()))


def test_a_property_outside_schema_org_is_caught() -> None:
    with pytest.raises(AssertionError, match="not a schema.org term"):
        expand({"@context": "https://schema.org", "@type": "ClaimReview", "verdictColour": "red"})

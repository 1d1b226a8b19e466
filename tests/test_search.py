"""Claim search and similar claims, and on PostgreSQL the indexes they rely on."""

from __future__ import annotations

import pytest
from django.db import connection

from quotes.models import Claim
from quotes.search import search_claims, similar_claims
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GIN indexes exist on PostgreSQL only"
)


def claim(text: str) -> Claim:
    return ClaimFactory(article=ArticleFactory(body=text), end=len(text))


def test_search_finds_claims_by_their_words() -> None:
    hit = claim("The regime sponsors terror across the region")
    claim("Unemployment fell in May")
    assert list(search_claims(Claim.objects.all(), "terror regime")) == [hit]
    assert search_claims(Claim.objects.all(), "   ").count() == 2


def test_similar_claims_come_from_other_articles_most_similar_first() -> None:
    text = "Unemployment rose sharply in May across the northern region"
    first = claim(text)
    near = claim(text + " of the country")
    claim("A completely different statement about tariffs and steel")
    ClaimFactory(article=first.article, start=0, end=20)  # same article: never "similar"
    assert similar_claims(first) == [near]


def plan(queryset: object) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned anyway
    try:
        return queryset.explain()  # type: ignore[attr-defined]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")


@postgres_only
def test_full_text_search_uses_the_gin_index() -> None:
    claim("The regime sponsors terror across the region")
    assert "claim_exact_fts_idx" in plan(search_claims(Claim.objects.all(), "terror"))


@postgres_only
def test_similar_claims_use_the_trigram_index() -> None:
    from django.contrib.postgres.search import TrigramSimilarity

    first = claim("The regime sponsors terror across the region")
    query = (
        Claim.objects.exclude(article_id=first.article_id)
        .filter(exact__trigram_similar=first.exact)
        .annotate(similarity=TrigramSimilarity("exact", first.exact))
        .order_by("-similarity", "pk")[:5]
    )
    assert "claim_exact_trgm_idx" in plan(query)

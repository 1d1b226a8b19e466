"""Claim search and similar claims, and on PostgreSQL the indexes they rely on."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.urls import reverse

from quotes.models import Claim
from quotes.search import (
    search_claims,
    similar_claims,
    web_search,
)
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: GIN indexes, ranking"
)


def claim(text: str) -> Claim:
    return ClaimFactory(article=ArticleFactory(body=text), end=len(text))


def test_search_finds_claims_by_their_words() -> None:
    hit = claim("The regime sponsors terror across the region")
    claim("Unemployment fell in May")
    assert list(search_claims(Claim.objects.all(), "terror regime")) == [hit]
    assert search_claims(Claim.objects.all(), "   ").count() == 2


def test_search_excludes_minus_words_and_ignores_case() -> None:
    hit = claim("Inflation FELL in March")
    claim("Inflation rose in March")
    assert list(search_claims(Claim.objects.all(), "inflation -rose")) == [hit]


def test_search_keeps_other_filters() -> None:
    first = claim("The regime sponsors terror across the region")
    claim("Terror in the region, the regime says")
    only_first = Claim.objects.filter(pk=first.pk)
    assert list(search_claims(only_first, "terror")) == [first]


def test_lone_dashes_are_ignored_and_a_run_touching_a_word_negates_it_once() -> None:
    hit = claim("Unemployment fell in May")
    claim("Unemployment rose in May")
    # 33 dashes in a row made PostgreSQL fail ("tsquery stack too small")
    query = "- " * 40 + "unemployment " + "-" * 33 + "rose"
    assert list(search_claims(Claim.objects.all(), query)) == [hit]


def test_web_search_keeps_words_phrases_negations_and_or() -> None:
    assert web_search('"budget  was cut" -tax or well-known U.S. 3%') == (
        '"budget was cut" -tax or well-known U.S 3'
    )
    assert web_search("--- -!& tax ---") == "tax"
    assert web_search('-"-"-"tax') == '-"tax"'
    assert web_search("\\'' \u2014\u2014") == ""


@postgres_only
def test_best_matches_come_first_on_postgres() -> None:
    weak = claim("Prices rose in May, and the budget was cut")
    strong = claim("Prices rose, prices rose again: prices are up")
    assert list(search_claims(Claim.objects.order_by("pk"), "prices")) == [strong, weak]
    # web-search syntax: a quoted phrase
    assert list(search_claims(Claim.objects.all(), '"budget was cut"')) == [weak]


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
        return queryset.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")


@postgres_only
def test_full_text_search_uses_the_gin_index() -> None:
    claim("The regime sponsors terror across the region")
    assert "claim_exact_fts_idx" in plan(search_claims(Claim.objects.all(), "terror"))


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'quotes_claim'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'quotes_claim'")
        return {row[0] for row in cursor.fetchall()}


def test_the_full_text_index_is_on_postgres_only() -> None:
    names = index_names()
    if connection.vendor == "postgresql":
        assert "claim_exact_fts_idx" in names
    else:
        assert "claim_exact_fts_idx" not in names
    # no query uses a trigram index of the claims any more (migration 0020)
    assert "claim_exact_trgm_idx" not in names


def test_search_finds_what_a_speaker_said_by_name_or_alias(checker_client: Client) -> None:
    okafor = SpeakerFactory(name="Ngozi Okafor")
    okafor.add_alias("The finance minister")
    said = ClaimFactory(speaker=okafor, kind="quote")
    ClaimFactory(speaker=SpeakerFactory(name="Bob Other"))
    for q in ("okafor", "Okafor", "finance minister"):
        assert list(search_claims(Claim.objects.all(), q)) == [said], q
    # the claims list's search box says so too
    response = checker_client.get(reverse("quotes:claims"), {"q": "okafor"})
    assert said.get_absolute_url() in response.content.decode()


def test_the_article_filter_offers_the_newest_articles(checker_client: Client) -> None:
    old, new = ArticleFactory(title="Old story"), ArticleFactory(title="New story")
    response = checker_client.get(reverse("quotes:claims"))
    html = BeautifulSoup(response.content, "html.parser")
    options = [o.get_text() for o in html.select("#id_article option")]
    assert options[0] == "Any" and {"Old story", "New story"} <= set(options)
    assert options.index(new.title) < options.index(old.title)

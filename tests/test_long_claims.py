"""Claims of any length the app accepts are stored and searchable on PostgreSQL.

The trigram index once took a claim's whole text (a row over 8,191 bytes from about
4.8 KB of varied words) and the stored tsvector too (over 1 MB: "string is too long for
tsvector"): both index a bounded prefix now (migration 0012). SQLite has neither index,
so these tests are PostgreSQL only.
"""

from __future__ import annotations

import random
import string

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from quotes.models import Article, Claim
from quotes.search import search_claims, similar_claims
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: its index size limits"
    ),
]


def varied_sentence(chars: int, seed: str = "") -> str:
    """One sentence of distinct made-up words (no stop words, every trigram new)."""
    rng = random.Random(seed)
    words: list[str] = []
    length = 0
    while length < chars:
        word = "".join(rng.choices(string.ascii_lowercase, k=9))
        words.append(word)
        length += len(word) + 1
    return "The minister claimed " + " ".join(words) + " was the plan."


def import_text(client: Client, text: str) -> Article:
    response = client.post(reverse("quotes:import"), {"title": "Long", "text": text, "save": "1"})
    assert response.status_code == 302, response.content[:500]
    return Article.objects.get(title="Long")


@pytest.mark.parametrize("chars", [4_800, 1_100_000])
def test_a_long_sentence_imports_and_is_found(checker_client: Client, chars: int) -> None:
    text = varied_sentence(chars)

    article = import_text(checker_client, text)

    [claim] = article.claims.all()
    assert len(claim.exact) >= chars
    first_word = text.split()[3]
    assert list(search_claims(Claim.objects.all(), first_word)) == [claim]


def test_a_long_selection_becomes_a_claim(checker_client: Client) -> None:
    text = varied_sentence(6_000)
    article = ArticleFactory(body="Intro. " + text)

    response = checker_client.post(
        reverse("quotes:article_claim_create", args=[article.pk]),
        {"version": 1, "start": 7, "end": 7 + len(text), "kind": "statement"},
    )

    assert response.status_code == 302
    assert article.claims.get().exact == text


def test_long_claims_find_their_near_copies(checker_client: Client) -> None:
    text = varied_sentence(5_000, seed="x")
    first = import_text(checker_client, text).claims.get()
    copy = ArticleFactory(body=text.replace("plan", "idea"))
    near = Claim.objects.create(
        article=copy, start=0, end=len(copy.body), exact=copy.body, position=1
    )

    assert similar_claims(first) == [near]

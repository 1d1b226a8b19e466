"""What keeps the claim lists fast at 13k claims (benchmarks/web.py) without changing them.

The claims list and the speaker page choose a page on claim ids, then load its claims;
bulk imports leave planner statistics and no pending GIN entries behind them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from quotes.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory, VerdictFactory

pytestmark = pytest.mark.django_db

LIAR_SAMPLE = Path(__file__).parent / "fixtures" / "liar_sample.tsv"


def links(response: object) -> list[str]:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    return [a["href"] for a in html.select(".claim-rows li > a")]


def two_articles() -> list[Claim]:
    """Two claims in each of two articles, created out of reading order."""
    speaker = SpeakerFactory()
    older = ArticleFactory(body="One two three four five six seven.")
    newer = ArticleFactory(body="Eight nine ten eleven twelve thirteen.")
    made = {}
    for article in (older, newer):
        for start in (10, 0):
            made[article.pk, start] = ClaimFactory(
                article=article, start=start, end=start + 5, speaker=speaker
            )
    return [made[newer.pk, 0], made[newer.pk, 10], made[older.pk, 0], made[older.pk, 10]]


def test_claims_list_is_newest_article_first_then_reading_order(checker_client: Client) -> None:
    expected = two_articles()
    response = checker_client.get(reverse("quotes:claims"))
    assert links(response) == [c.get_absolute_url() for c in expected]
    # and so is the speaker page
    response = checker_client.get(expected[0].speaker.get_absolute_url())
    assert links(response) == [c.get_absolute_url() for c in expected]


def test_articles_imported_at_the_same_moment_list_the_later_one_first(
    checker_client: Client,
) -> None:
    # bulk imports can give articles the same timestamp: the later id comes first, as on
    # the dashboard (and in the order of the index article_newest_idx)
    expected = two_articles()
    first = Article.objects.order_by("pk").first()
    assert first is not None
    Article.objects.update(created=first.created)
    response = checker_client.get(reverse("quotes:claims"))
    assert links(response) == [c.get_absolute_url() for c in expected]


def test_a_page_of_claims_carries_speaker_verdict_and_article(checker_client: Client) -> None:
    verdict = VerdictFactory(false=True)
    response = checker_client.get(reverse("quotes:claims"), {"rating": "false"})
    html = BeautifulSoup(response.content, "html.parser")
    row = html.select_one(".claim-rows li")
    assert row is not None
    assert verdict.claim.speaker.name in row.get_text()
    assert verdict.claim.article.title in row.get_text()
    assert row.select_one(".verdict-label.rating-false") is not None


def test_a_searched_export_keeps_the_search(checker_client: Client) -> None:
    # the exports re-select the filtered claims by id, in a subquery: the search must
    # follow into it (on PostgreSQL it reads the stored vector of migration 0006)
    ClaimFactory(article=ArticleFactory(body="Unemployment rose sharply in May."), end=20)
    ClaimFactory(article=ArticleFactory(body="Prices fell across the country."), end=20)
    response = checker_client.get(
        reverse("reports:claims_export", args=["csv"]), {"q": "unemployment"}
    )
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Unemployment" in text
    assert "Prices" not in text


def test_import_liar_leaves_statistics_and_no_pending_index_entries() -> None:
    call_command("import_liar", str(LIAR_SAMPLE), stdout=io.StringIO())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'quotes_claim'")
            assert cursor.fetchone()[0] > 0
        else:
            # ANALYZE ran in this transaction: the row count is the imported one
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'quotes_claim'")
            assert cursor.fetchone()[0] == Claim.objects.count()
            # and the full-text index has nothing left in its pending list
            cursor.execute("SELECT gin_clean_pending_list('claim_exact_fts_idx'::regclass)")
            assert cursor.fetchone()[0] == 0

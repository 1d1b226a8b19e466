"""Dates stay within a range every page can show, whatever the entry point (finding 5)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from quotes import exports
from quotes.models import Article, Claim, Evidence, ExternalReview, Verdict
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db
EDGES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


def review(date: str) -> dict[str, object]:
    return {
        "@type": "ClaimReview",
        "url": "https://checker.example.org/review-1",
        "claimReviewed": "The moon is made of cheese.",
        "datePublished": date,
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": date,
            "appearance": [{"@type": "CreativeWork", "url": "https://news.example.org/a"}],
        },
    }


@pytest.mark.parametrize("date", EDGES)
def test_a_claimreview_at_the_edge_of_time_imports_without_its_dates_and_breaks_no_page(
    tmp_path: Path, editor_client: Client, date: str
) -> None:
    path = tmp_path / "review.json"
    path.write_text(json.dumps(review(date)))
    out = io.StringIO()

    call_command("import_claimreview", str(path), stdout=out)

    assert "no usable datePublished (a date between 1800 and 2200)" in out.getvalue()
    # another organisation's fact check: recorded beside the claim, never our verdict
    found = ExternalReview.objects.select_related("claim__article").get()
    assert found.published_at is None and found.claim.article.published is None
    assert found.summary == "checker.example.org rated this False"
    assert not Verdict.objects.exists()
    claim = found.claim
    for url in [
        reverse("quotes:claims"),
        reverse("quotes:claim", args=[claim.pk]),
        reverse("quotes:article", args=[claim.article_id]),
        reverse("admin:quotes_claim_change", args=[claim.pk]),
        reverse("admin:quotes_claim_changelist"),
        reverse("admin:quotes_article_changelist"),
    ]:
        assert editor_client.get(url).status_code == 200, url
    body = b"".join(exports.export_claims(Claim.objects.all(), "json").chunks)
    assert "The moon is made of cheese." in body.decode()
    body = b"".join(exports.export_claims(Claim.objects.all(), "claimreview").chunks)
    assert json.loads(body) == []


def test_the_import_form_refuses_a_date_out_of_range(checker_client: Client) -> None:
    data = {"title": "Old", "text": "He said “hello”.", "published": "0001-01-01", "save": "1"}

    response = checker_client.post(reverse("quotes:import"), data)

    assert "Give a date between 1800 and 2200, not 0001-01-01." in response.content.decode()
    assert Article.objects.count() == 0


def test_a_source_date_out_of_range_is_refused(checker_client: Client) -> None:
    claim = ClaimFactory()
    data = {
        "url": "https://stats.example.org/cpi",
        "published": "9999-12-31",
        "stance": "disputes",
    }

    response = checker_client.post(reverse("quotes:claim_evidence", args=[claim.pk]), data)

    assert "Give a date between 1800 and 2200" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_the_admin_refuses_a_date_out_of_range(editor_client: Client) -> None:
    article = ArticleFactory()
    url = reverse("admin:quotes_article_change", args=[article.pk])
    data = {"title": "x", "outlet": "", "url": "", "published": "0001-01-01", "byline": ""}

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Give a date between 1800 and 2200" in response.content.decode()
    article.refresh_from_db()
    assert article.published != dt.date(1, 1, 1)


def test_import_article_refuses_a_date_out_of_range(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("He said “hello”.")

    with pytest.raises(CommandError, match="between 1800 and 2200"):
        call_command("import_article", str(path), "--published", "0001-01-01")

    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_with_a_date_out_of_range_is_refused(tmp_path: Path) -> None:
    ClaimFactory()
    backup = tmp_path / "backup.json"
    call_command("export_all", str(backup))
    records = json.loads(backup.read_text())
    for record in records:
        if record["model"] == "quotes.article":
            record["fields"]["created"] = EDGES[0]
    backup.write_text(json.dumps(records))
    call_command("flush", "--noinput")

    with pytest.raises(CommandError, match="is not a date between 1800 and 2200"):
        call_command("import_all", str(backup))

    assert Article.objects.count() == 0

"""What a report carries, as an editor would send it out."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from quotes import exports
from quotes.exports.csv import _cell
from quotes.models import Claim, Evidence, Verdict
from tests import factories

pytestmark = pytest.mark.django_db


def content(export: exports.Export) -> bytes:
    return b"".join(export.chunks)


@pytest.fixture
def checked() -> tuple[Claim, Claim]:
    """An article with a published verdict (by a reviewer with a name) and a draft."""
    article = factories.ArticleFactory(
        title="Campaign speech", outlet="Daily", published=dt.date(2024, 2, 1)
    )
    speaker = factories.SpeakerFactory(name="Barack Obama")
    body = article.body
    first = factories.ClaimFactory(
        article=article, start=0, end=10, speaker=speaker, context="a floor speech"
    )
    second = factories.ClaimFactory(article=article, start=11, end=len(body), position=2)
    reviewer = factories.fact_checker(username="jdoe2", first_name="Jane", last_name="Doe")
    factories.VerdictFactory(
        claim=first,
        rating=factories.rating("false"),
        rationale="-5% unemployment is not what the figures show.",
        status=Verdict.Status.PUBLISHED,
        published_at=dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC),
        reviewer=reviewer,
    )
    factories.VerdictFactory(claim=second)
    source = factories.SourceFactory(
        title="Jobs report", publisher="Bureau", published=dt.date(2024, 1, 5)
    )
    factories.EvidenceFactory(claim=first, source=source, stance=Evidence.Stance.DISPUTES)
    return first, second


def test_an_article_report_lists_published_verdicts_unless_asked(
    checked: tuple[Claim, Claim], checker_client: Client
) -> None:
    first, second = checked
    url = reverse("reports:article_export", args=[first.article_id, "md"])

    default = b"".join(checker_client.get(url).streaming_content).decode()  # type: ignore[attr-defined]
    everything = b"".join(
        checker_client.get(url, {"unchecked": "1"}).streaming_content  # type: ignore[attr-defined]
    ).decode()

    assert first.short_summary in default and second.short_summary not in default
    assert "Only claims with a published verdict are included." in default
    assert second.short_summary in everything
    assert "Includes claims not yet checked" in everything


def test_a_filtered_report_states_its_filter_in_words(
    checked: tuple[Claim, Claim], checker_client: Client
) -> None:
    first, _ = checked
    response = checker_client.get(
        reverse("reports:claims_export", args=["html"]),
        {"speaker": first.speaker_id, "rating": "false"},
    )

    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Said by Barack Obama, rated False: 1" in text
    assert f"speaker {first.speaker_id}" not in text


def test_reports_name_the_reviewer_never_the_login(checked: tuple[Claim, Claim]) -> None:
    first, _ = checked
    for fmt in ("html", "md", "csv", "json"):
        data = content(exports.export_article(first.article, fmt)).decode("utf-8-sig")
        assert "Jane Doe" in data, fmt
        assert "jdoe2" not in data, fmt
    Verdict.objects.filter(claim=first).update(reviewer=factories.fact_checker(username="nobody9"))
    data = content(exports.export_article(first.article, "html")).decode()
    assert "nobody9" not in data and "checked by" not in data


def test_html_report_shows_where_when_and_sources_with_urls_and_dates(
    checked: tuple[Claim, Claim],
) -> None:
    first, _ = checked
    html = content(exports.export_article(first.article, "html")).decode()

    article = first.article
    assert (
        f'a floor speech; <a href="{article.url}">Campaign speech</a> (Daily), 1 February 2024 '
        f'<span class="url">{article.url}</span>' in html
    )
    assert "Jobs report, Bureau, 5 January 2024." in html
    source_url = first.evidence.get().source.url
    # the URL is the link's text too, so it is on paper and a target in the PDF
    assert f'<a class="url" href="{source_url}">{source_url}</a>' in html
    assert first.short_summary in html and f">{first.exact}</blockquote>" in html


def test_csv_opens_in_excel_and_carries_rationale_sources_and_dates(
    checked: tuple[Claim, Claim],
) -> None:
    first, _ = checked
    data = content(exports.export_article(first.article, "csv"))

    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads UTF-8
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["rationale"] == "-5% unemployment is not what the figures show."
    assert row["published_at"] == "2024-03-04T09:00:00+00:00"
    assert row["article_published"] == "2024-02-01"
    assert row["context"] == "a floor speech"
    assert row["summary"] == first.short_summary
    source = first.evidence.get().source
    assert row["sources"] == f"Disputes: Jobs report, Bureau, 2024-01-05 <{source.url}>"
    assert row["reviewer"] == "Jane Doe"


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=SUM(A1:A9)", True),
        ("@SUM(A1)", True),
        ("+SUM(A1:A2)", True),
        ("-cmd|' /C calc'!A0", True),
        ("+A1", True),
        ("-2+3", True),
        ("\tfoo", True),
        ("-5% unemployment", False),
        ("- a list item", False),
        ("+44 20 7946 0958", False),
        ("-5", False),
        ("Prices fell", False),
    ],
)
def test_the_formula_guard_stops_only_what_a_spreadsheet_would_run(
    text: str, guarded: bool
) -> None:
    assert _cell(text) == ("'" + text if guarded else text)


def test_filter_words_cover_every_filter(settings: Any) -> None:
    from quotes.filters import ClaimFilter

    speaker = factories.SpeakerFactory(name="Jane Doe")
    data = {
        "kind": "quote",
        "speaker": str(speaker.pk),
        "rating": "false",
        "status": "published",
        "has_evidence": "true",
        "stance": "disputes",
        "q": "jobs",
        "date_after": "2024-01-01",
    }
    filterset = ClaimFilter(data, queryset=Claim.objects.all())
    assert filterset.is_valid()

    assert filterset.describe() == (
        "Direct quotes, said by Jane Doe, matching “jobs”, rated False, with a verdict "
        "published, with evidence, with a source disputing it, from articles published on or "
        "after 2024-01-01"
    )
    empty = ClaimFilter({}, queryset=Claim.objects.all())
    assert empty.is_valid() and empty.describe() == "All claims"

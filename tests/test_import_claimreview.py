"""manage.py import_claimreview: tolerant of real markup, strict about bad files."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from quotes import exports
from quotes.imports.claimreview import parse_datetime
from quotes.models import Article, Claim, Evidence, ExternalReview, Rating, Speaker, Verdict
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"
QUIRKS = FIXTURES / "claimreview_quirks.json"


def run(path: Path | str) -> str:
    out = io.StringIO()
    call_command("import_claimreview", str(path), stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        Article.objects.count(),
        Claim.objects.count(),
        Verdict.objects.count(),
        Rating.objects.count(),
        Speaker.objects.count(),
        ExternalReview.objects.count(),
    )


def review_of(text: str) -> ExternalReview:
    return ExternalReview.objects.select_related("claim__article", "claim__speaker", "rating").get(
        claim__exact=text, claim__attribution_method="claimreview"
    )


def test_it_records_other_organisations_checks_never_our_verdicts(db: None) -> None:
    ratings_before = Rating.objects.count()

    out = run(QUIRKS)

    assert (
        "Imported 5 ClaimReview(s) as other organisations' fact checks (not our verdicts) "
        "in 5 new article(s)" in out
    )
    assert "Skipped 3:" in out
    assert (
        "review 5 (https://checker.example.org/empty-claim): claimReviewed is empty: "
        "there is no claim to attach the review to" in out
    )
    assert "review 7: @type is 'WebPage', not ClaimReview" in out
    assert "review 8: not a JSON object but str" in out
    assert ExternalReview.objects.count() == 5
    assert not Verdict.objects.exists()
    # other organisations' labels are kept as their words, not added to our scale
    assert Rating.objects.count() == ratings_before


def test_inverted_scale_maps_by_label_and_keeps_the_publisher(db: None) -> None:
    run(QUIRKS)

    review = review_of("Bikers knelt and prayed for the president")
    assert review.rating is not None and review.rating.slug == "false"
    assert review.rating_label == "FALSE"
    assert (review.rating_value, review.best_rating, review.worst_rating) == (5, 1, 5)
    assert review.published_at == dt.datetime(2020, 10, 7, 20, 5, tzinfo=dt.UTC)
    assert review.headline == "The bikers were protesting something else"
    assert (review.publisher_name, review.publisher_url, review.review_url) == (
        "Example Checks",
        "https://checker.example.org/",
        "https://checker.example.org/inverted-scale",
    )
    assert review.summary == "Example Checks rated this FALSE on 2020-10-07"
    claim = review.claim
    article = claim.article
    assert (article.url, article.outlet, article.published) == (
        "https://social.example.com/posts/1",
        "social.example.com",
        dt.date(2020, 10, 4),
    )
    assert article.body == claim.exact == article.body[claim.start : claim.end]
    assert claim.speaker is not None and claim.speaker.name == "Various Sources"
    assert not Evidence.objects.filter(claim=claim).exists()


def test_an_unknown_label_is_kept_as_the_publishers_words(db: None) -> None:
    run(QUIRKS)

    review = review_of("Did the new government inherit an economic mess?")
    # -1 to -1 is no scale: nothing to place on ours
    assert (review.rating_label, review.rating) == ("Not really, the charts say", None)
    assert review.published_at == dt.datetime(2017, 3, 1, 20, 30, 17, tzinfo=dt.UTC)
    assert review.published_offset == 0
    assert review.claim_location == "an address to parliament"
    assert review.claim.context == "an address to parliament"
    assert review.claim_date == dt.date(2017, 2, 28)
    assert review.claim.speaker is not None and review.claim.speaker.role == "President"
    assert review.claim.article.url == ""
    assert review.summary.startswith("checker.example.org rated this Not really")


def test_numbers_alone_are_kept_and_placed_on_our_scale(db: None) -> None:
    run(QUIRKS)

    review = review_of("Numbers only")
    # 2 on 1..5 is a quarter of the way up; ours runs 1..6: 2.25, nearest False (2)
    assert review.rating_label == "2 on a scale from 1 to 5"
    assert review.rating is not None and review.rating.slug == "false"


def test_zones_and_string_appearances_are_kept(db: None) -> None:
    out = run(QUIRKS)

    review = review_of("Doctors recommend a beer against headaches.")
    assert review.rating is not None and review.rating.slug == "mostly-false"
    assert review.published_at == dt.datetime(2019, 1, 23, 13, 22, tzinfo=dt.UTC)
    assert review.published_offset == 60
    assert review.local_published.isoformat() == "2019-01-23T14:22:00+01:00"
    assert review.headline == ""
    assert review.appearances == [{"url": "https://blog.example.net/post/5967"}]
    assert "2 appearance(s) with neither a URL nor a headline left out" in out
    assert review.claim.speaker is not None
    assert review.claim.speaker.kind == Speaker.Kind.ORGANISATION


def test_missing_item_reviewed_and_date_still_import(db: None) -> None:
    out = run(QUIRKS)

    review = review_of("The flu is just a big cold.")
    assert review.rating is not None and review.rating.slug == "pants-fire"
    assert review.published_at is None
    assert review.claim.speaker is None
    assert review.summary == "checker.example.org rated this Pants on Fire"
    assert "review 4 (https://checker.example.org/no-item): no itemReviewed" in out


def test_reimporting_skips_what_is_there(db: None) -> None:
    run(QUIRKS)
    before = counts()

    out = run(QUIRKS)

    assert counts() == before
    assert "Imported 0 ClaimReview(s)" in out and "5 were already imported" in out


def test_the_real_fixtures_import_as_shipped(db: None) -> None:
    """Records wrapped as {fixture, claimreview}, as the Google corpus ships them."""
    out = run(FIXTURES / "claimreview_real.json")

    assert "Imported 5 ClaimReview(s)" in out
    assert "claimReviewed is empty" in out  # Le Monde's record, reported
    afp = ExternalReview.objects.get(review_url__contains="granjeros")
    assert afp.publisher_name == "Factual"
    assert afp.rating_label == "Falso"
    # 5 on AFP's inverted 1 (best) .. 5 (worst) scale is its worst: our lowest
    assert afp.rating is not None and afp.rating.slug == "pants-fire"
    assert afp.summary == "Factual rated this Falso on 2020-10-07"
    lemonde = ExternalReview.objects.get(publisher_name="Le Monde")
    assert lemonde.local_published.isoformat() == "2020-03-10T12:31:20+01:00"
    assert lemonde.summary == "Le Monde rated this C’est plus compliqué on 2020-03-10"
    # 1 on 0..2 is the middle; ours runs 1..6 and 3.5 sits between two ratings: none
    assert lemonde.rating is None
    assert lemonde.appearances == [
        {"url": "https://drschmitz.lettre-medecin-sante.com/coronavirus-lepidemie-est-ailleurs/"}
    ]
    politifact = ExternalReview.objects.get(review_url__contains="politifact")
    assert politifact.claim_location == "an address to Congress"
    assert politifact.summary.startswith("politifact.com rated this Not really, charts say")
    williams = ExternalReview.objects.get(claim__exact__startswith="Fotos tomadas")
    assert (
        williams.speaker_url == "https://www.facebook.com/viviann.williams.1/posts/2168907433130951"
    )
    assert not Verdict.objects.exists()


def test_json_ld_embedded_in_an_html_page_is_read(db: None, tmp_path: Path) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example.org/page",
        "claimReviewed": "The page's claim.",
        "author": {"@type": "Organization", "name": "Page Checks"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Page Speaker", "sameAs": "https://x.example/ps"},
            "appearance": {
                "@type": "CreativeWork",
                "headline": "Evening news",
                "publisher": {"@type": "Organization", "name": "Channel 9"},
                "datePublished": "2024-01-02",
            },
        },
    }
    page = tmp_path / "check.html"
    page.write_text(
        "<!doctype html><html><head><script type='application/ld+json'>"
        '{"@type": "WebSite", "name": "x"}</script>'
        f"<script type='application/ld+json'>{json.dumps(review)}</script></head>"
        "<body><h1>Check</h1></body></html>",
        "utf-8",
    )

    out = run(page)

    assert "Imported 1 ClaimReview(s)" in out
    recorded = review_of("The page's claim.")
    assert recorded.rating is not None and recorded.rating.slug == "mostly-true"
    assert recorded.speaker_url == "https://x.example/ps"
    assert recorded.appearances == [
        {"headline": "Evening news", "publisher": "Channel 9", "date": "2024-01-02"}
    ]
    assert recorded.claim.article.title == "Evening news"
    assert recorded.claim.article.outlet == "Channel 9"


def test_an_html_page_without_json_ld_is_refused(db: None, tmp_path: Path) -> None:
    page = tmp_path / "plain.html"
    page.write_text("<html><body><p>No markup</p></body></html>", "utf-8")

    with pytest.raises(CommandError, match="without any <script"):
        run(page)


def test_reviews_of_one_appearance_share_an_article(db: None, tmp_path: Path) -> None:
    page = {"@type": "CreativeWork", "url": "https://video.example.com/watch/9"}
    reviews = [
        {
            "@type": "ClaimReview",
            "claimReviewed": text,
            "reviewRating": {"@type": "Rating", "alternateName": "True"},
            "itemReviewed": {"@type": "Claim", "appearance": [page]},
        }
        for text in ("First claim in the video.", "Second claim in the video.")
    ]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(reviews), "utf-8")

    run(path)

    article = Article.objects.get()
    assert article.body == "First claim in the video.\n\nSecond claim in the video."
    assert [article.body[c.start : c.end] for c in article.claims.order_by("position")] == [
        "First claim in the video.",
        "Second claim in the video.",
    ]


def test_a_single_object_is_accepted(db: None, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "claimReviewed": "Alone.",
                "reviewRating": {"@type": "Rating", "alternateName": "Half true"},
            }
        ),
        "utf-8",
    )

    assert "Imported 1 ClaimReview(s)" in run(path)
    review = review_of("Alone.")
    assert review.rating is not None and review.rating.slug == "half-true"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"{not json", "is not JSON: Expecting property name"),
        (b"<html><p>hi</p></html>", "an HTML page without any"),
        (b'{"claimReviewed": "caf\xe9"}', r"is not valid UTF-8 \(byte 22\)"),
        (b"[]", "the file holds no ClaimReview"),
        (b'[{"@type": "ClaimReview", "claimReviewed": "x"}]', "no reviewRating"),
        (b'{"fixture": "a", "claimreview": {"@type": "ClaimReview"}}', "claimReviewed is empty"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    db: None, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    before = counts()

    with pytest.raises(CommandError, match=message):
        run(path)

    assert counts() == before


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.json")


def test_our_export_imports_back_as_a_record_of_what_it_said(
    db: None, tmp_path: Path, settings: Any
) -> None:
    settings.FACTCHECK_ORG_NAME = "Round Trip Checks"
    settings.FACTCHECK_ORG_URL = "https://checks.example.org/"
    article = factories.ArticleFactory(
        url="https://news.example.org/round-trip", published=dt.date(2024, 2, 1)
    )
    speaker = factories.SpeakerFactory(
        name="Round Tripper", role="Senator", url="https://www.wikidata.org/wiki/Q1"
    )
    text = "Prices fell by 3%"
    start = article.body.index(text)
    claim = factories.ClaimFactory(
        article=article, start=start, end=start + len(text), speaker=speaker
    )
    factories.VerdictFactory(
        claim=claim,
        rating=factories.rating("false"),
        status=Verdict.Status.PUBLISHED,
        published_at=dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC),
    )
    path = tmp_path / "export.json"
    path.write_bytes(b"".join(exports.export_article(article, "claimreview").chunks))

    run(path)

    review = ExternalReview.objects.get()
    assert review.claim.exact == text and review.claim.speaker == speaker
    assert (review.publisher_name, review.publisher_url) == (
        "Round Trip Checks",
        "https://checks.example.org/",
    )
    assert review.rating is not None and review.rating.slug == "false"
    assert (review.rating_value, review.best_rating, review.worst_rating) == (2, 6, 1)
    assert review.speaker_url == "https://www.wikidata.org/wiki/Q1"
    assert review.appearances[0]["url"] == "https://news.example.org/round-trip"
    assert review.claim_date == dt.date(2024, 2, 1)
    assert Verdict.objects.count() == 1  # ours only


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-10-07 20:05", dt.datetime(2020, 10, 7, 20, 5, tzinfo=dt.UTC)),
        ("2017-03-01 20:30:17 UTC", dt.datetime(2017, 3, 1, 20, 30, 17, tzinfo=dt.UTC)),
        ("2020-03-10T12:31:20+01:00", dt.datetime(2020, 3, 10, 11, 31, 20, tzinfo=dt.UTC)),
        ("2019-01-23T14:22:00+0100", dt.datetime(2019, 1, 23, 13, 22, tzinfo=dt.UTC)),
        ("2020-02-03T00:00:00Z", dt.datetime(2020, 2, 3, tzinfo=dt.UTC)),
        ("2024-05-06", dt.datetime(2024, 5, 6, 12, 0, tzinfo=dt.UTC)),
        ("", None),
        (None, None),
        ("yesterday", None),
        ("2024-02-30", None),
        (20240506, None),
    ],
)
def test_parse_datetime_reads_real_world_dates(value: Any, expected: dt.datetime | None) -> None:
    assert parse_datetime(value) == expected

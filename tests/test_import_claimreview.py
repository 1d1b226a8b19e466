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
from quotes.models import Article, Claim, Evidence, Rating, Speaker, Verdict
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"
QUIRKS = FIXTURES / "claimreview_quirks.json"


def run(path: Path | str) -> str:
    out = io.StringIO()
    call_command("import_claimreview", str(path), stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Article.objects.count(),
        Claim.objects.count(),
        Verdict.objects.count(),
        Rating.objects.count(),
        Speaker.objects.count(),
    )


def claim_for(text: str) -> Claim:
    return Claim.objects.select_related("article", "speaker", "verdict__rating").get(
        exact=text, attribution_method="claimreview"
    )


def test_it_imports_quirky_markup_and_reports_what_it_skipped(db: None) -> None:
    out = run(QUIRKS)

    assert "Imported 4 ClaimReview(s) as published verdicts in 4 new article(s)" in out
    assert "Skipped 4:" in out
    assert "review 5 (https://checker.example.org/empty-claim): no claimReviewed text" in out
    assert (
        "review 6 (https://checker.example.org/no-label): reviewRating has no alternateName" in out
    )
    assert "review 7: @type is 'WebPage', not ClaimReview" in out
    assert "review 8: not a JSON object but str" in out
    assert "“Not really, the charts say”" in out
    assert Verdict.objects.filter(status=Verdict.Status.PUBLISHED).count() == 4


def test_inverted_scale_maps_by_label_whatever_the_numbers(db: None) -> None:
    run(QUIRKS)

    claim = claim_for("Bikers knelt and prayed for the president")
    verdict = claim.verdict
    assert verdict.rating.slug == "false"
    assert verdict.published_at == dt.datetime(2020, 10, 7, 20, 5, tzinfo=dt.UTC)
    assert verdict.rationale == "The bikers were protesting something else"
    article = claim.article
    assert (article.url, article.outlet, article.published) == (
        "https://social.example.com/posts/1",
        "social.example.com",
        dt.date(2020, 10, 4),
    )
    assert article.body == claim.exact == article.body[claim.start : claim.end]
    assert claim.kind == Claim.Kind.STATEMENT
    assert claim.speaker is not None and claim.speaker.name == "Various Sources"
    evidence = Evidence.objects.select_related("source").get(claim=claim)
    assert evidence.source.url == "https://checker.example.org/inverted-scale"
    assert evidence.source.publisher == "Example Checks"
    assert evidence.stance == Evidence.Stance.CONTEXT


def test_unknown_labels_are_created_off_the_scale_for_review(db: None) -> None:
    run(QUIRKS)

    claim = claim_for("Did the new government inherit an economic mess?")
    rating = claim.verdict.rating
    assert (rating.label, rating.slug, rating.value, rating.needs_review) == (
        "Not really, the charts say",
        "not-really-the-charts-say",
        None,
        True,
    )
    assert claim.verdict.published_at == dt.datetime(2017, 3, 1, 20, 30, 17, tzinfo=dt.UTC)
    assert claim.speaker is not None and claim.speaker.role == "President"
    # No appearance: an article of its own, without a URL.
    assert claim.article.url == ""
    assert claim.verdict.rationale == "Imported from a ClaimReview by an unnamed organisation " + (
        "(https://checker.example.org/minus-one)."
    )
    assert not Rating.objects.filter(needs_review=True).exclude(pk=rating.pk).exists()


def test_slugs_zones_and_string_appearances_are_read(db: None) -> None:
    run(QUIRKS)

    claim = claim_for("Doctors recommend a beer against headaches.")
    assert claim.verdict.rating.slug == "mostly-false"
    assert claim.verdict.published_at == dt.datetime(2019, 1, 23, 13, 22, tzinfo=dt.UTC)
    assert claim.verdict.rationale == "No study says so."
    assert claim.article.url == "https://blog.example.net/post/5967"
    assert claim.speaker is not None and claim.speaker.kind == Speaker.Kind.ORGANISATION


def test_missing_item_reviewed_and_date_still_import(db: None) -> None:
    out = run(QUIRKS)

    claim = claim_for("The flu is just a big cold.")
    assert claim.verdict.rating.slug == "pants-fire"
    assert claim.verdict.published_at is None
    assert claim.speaker is None
    assert "review 4 (https://checker.example.org/no-item): no itemReviewed" in out


def test_reimporting_skips_what_is_there(db: None) -> None:
    run(QUIRKS)
    before = counts()

    out = run(QUIRKS)

    assert counts() == before
    assert "Imported 0 ClaimReview(s)" in out and "4 were already imported" in out


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
    assert claim_for("Alone.").verdict.rating.slug == "half-true"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"{not json", "is not JSON: Expecting property name"),
        (b'{"claimReviewed": "caf\xe9"}', r"is not valid UTF-8 \(byte 22\)"),
        (b"[]", "the file holds no ClaimReview"),
        (b'[{"@type": "ClaimReview", "claimReviewed": "x"}]', "no reviewRating"),
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


def test_export_import_export_gives_the_same_claimreview(db: None, tmp_path: Path) -> None:
    article = factories.ArticleFactory(
        url="https://news.example.org/round-trip", published=dt.date(2024, 2, 1)
    )
    speaker = factories.SpeakerFactory(name="Round Tripper", role="Senator")
    for position, (slug, text) in enumerate(
        [("false", "The minister said,"), ("misleading", "Prices fell by 3%")], start=1
    ):
        start = article.body.index(text)
        claim = factories.ClaimFactory(
            article=article,
            start=start,
            end=start + len(text),
            position=position,
            speaker=speaker,
        )
        factories.VerdictFactory(
            claim=claim,
            rating=factories.rating(slug),
            status=Verdict.Status.PUBLISHED,
            published_at=dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC),
            rationale=f"Rationale {position} <with> “quotes”.",
        )
    first = b"".join(exports.export_article(article, "claimreview").chunks)
    path = tmp_path / "export.json"
    path.write_bytes(first)

    run(path)
    imported = Article.objects.exclude(pk=article.pk).get()
    second = b"".join(exports.export_article(imported, "claimreview").chunks)

    def without_url(data: bytes) -> list[dict[str, Any]]:
        # `url` is each verdict's own permalink, so it names the new verdicts.
        reviews = json.loads(data)
        for review in reviews:
            review.pop("url")
        return reviews

    assert len(json.loads(first)) == 2
    assert without_url(second) == without_url(first)
    assert Speaker.objects.filter(name="Round Tripper").count() == 1


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

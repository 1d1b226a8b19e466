"""ClaimFilter: the claims list's filters, shared with the claims export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from quotes.filters import ClaimFilter
from quotes.models import Claim, Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    SpeakerFactory,
    VerdictFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def filtered(**params: str) -> set[int]:
    filterset = ClaimFilter(params, queryset=Claim.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


@pytest.fixture
def claims() -> dict[str, Claim]:
    jane = SpeakerFactory(name="Jane Doe")
    reviewer = editor(username="rita")
    old = ArticleFactory(published=dt.date(2020, 1, 10), body="Inflation fell to 2% in March.")
    new = ArticleFactory(published=dt.date(2024, 6, 1), body="Wages rose faster than prices.")
    quote = ClaimFactory(article=old, kind="quote", speaker=jane)
    statement = ClaimFactory(article=new, kind="statement")
    plain = ClaimFactory(article=new, start=0, end=5, kind="quote", speaker=None)
    EvidenceFactory(claim=quote, stance="disputes")
    EvidenceFactory(claim=statement, stance="corroborates")
    EvidenceFactory(claim=statement, stance="context")
    VerdictFactory(claim=quote, false=True, published=True, reviewer=reviewer)
    VerdictFactory(claim=statement, true=True, status=Verdict.Status.IN_REVIEW)
    return {"quote": quote, "statement": statement, "plain": plain, "jane": jane}  # type: ignore[dict-item]


def ids(claims: dict[str, Claim], *names: str) -> set[int]:
    return {claims[n].pk for n in names}


def test_no_filter_is_everything(claims: dict[str, Claim]) -> None:
    assert filtered() == ids(claims, "quote", "statement", "plain")


def test_article_speaker_and_kind(claims: dict[str, Claim]) -> None:
    assert filtered(article=str(claims["quote"].article_id)) == ids(claims, "quote")
    assert filtered(speaker=str(claims["jane"].pk)) == ids(claims, "quote")
    assert filtered(kind="quote") == ids(claims, "quote", "plain")
    assert filtered(kind="statement") == ids(claims, "statement")


def test_evidence_and_stance(claims: dict[str, Claim]) -> None:
    assert filtered(has_evidence="true") == ids(claims, "quote", "statement")
    assert filtered(has_evidence="false") == ids(claims, "plain")
    assert filtered(has_evidence="") == ids(claims, "quote", "statement", "plain")
    assert filtered(stance="disputes") == ids(claims, "quote")
    assert filtered(stance="context") == ids(claims, "statement")
    # a claim with two pieces of evidence is listed once
    both = ClaimFilter({"has_evidence": "true"}, queryset=Claim.objects.all()).qs
    assert both.count() == 2


def test_rating_status_and_reviewer(claims: dict[str, Claim]) -> None:
    assert filtered(rating="false") == ids(claims, "quote")
    assert filtered(rating="true") == ids(claims, "statement")
    assert filtered(status="published") == ids(claims, "quote")
    assert filtered(status="review") == ids(claims, "statement")
    reviewer = claims["quote"].verdict.reviewer
    assert filtered(reviewer=str(reviewer.pk)) == ids(claims, "quote")


def test_article_date_range(claims: dict[str, Claim]) -> None:
    assert filtered(date_after="2021-01-01") == ids(claims, "statement", "plain")
    assert filtered(date_before="2021-01-01") == ids(claims, "quote")
    assert filtered(date_after="2020-01-10", date_before="2020-01-10") == ids(claims, "quote")


def test_text_search(claims: dict[str, Claim]) -> None:
    assert filtered(q="inflation") == ids(claims, "quote")
    assert filtered(q="wages prices") == ids(claims, "statement")
    assert filtered(q="inflation wages") == set()


def test_filters_combine(claims: dict[str, Claim]) -> None:
    assert filtered(kind="quote", has_evidence="true", rating="false") == ids(claims, "quote")
    assert filtered(kind="quote", status="review") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"date_after": "not a date"},
        {"rating": "no-such-rating"},
        {"speaker": "999999"},
        {"kind": "opinion"},
        {"stance": "agrees"},
        {"status": "secret"},
    ],
)
def test_bad_values_are_errors_not_empty_results(
    claims: dict[str, Claim], params: dict[str, str]
) -> None:
    filterset = ClaimFilter(params, queryset=Claim.objects.all())
    assert not filterset.is_valid()
    assert set(filterset.errors) == set(params)


def test_said_by_matches_a_name_an_alias_part_of_a_name_or_an_unnamed_source() -> None:
    ncri = SpeakerFactory(name="National Council of Resistance of Iran")
    ncri.add_alias("NCRI")
    jones = SpeakerFactory(name="Jonah Jones")
    article = ArticleFactory(body="Whatever they said, it was said loudly and clearly.")
    by_ncri = ClaimFactory(article=article, start=0, end=8, kind="quote", speaker=ncri)
    by_jones = ClaimFactory(article=article, start=9, end=18, kind="quote", speaker=jones)
    unnamed = ClaimFactory(
        article=article,
        start=20,
        end=30,
        kind="quote",
        speaker=None,
        speaker_text="a longtime adviser to Trump",
    )
    assert filtered(said_by="the NCRI") == {by_ncri.pk}  # an alias, exactly
    assert filtered(said_by="national council of resistance of iran") == {by_ncri.pk}
    assert filtered(said_by="jones") == {by_jones.pk}  # part of a name
    assert filtered(said_by="adviser to Trump") == {unnamed.pk}
    assert filtered(said_by="nobody at all") == set()


def test_said_by_is_in_the_claims_page_with_the_autocomplete(checker_client: Client) -> None:
    speaker = SpeakerFactory(name="Jonah Jones")
    ClaimFactory(kind="quote", speaker=speaker)
    page = checker_client.get(reverse("quotes:claims"), {"said_by": "jonah"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'list="speaker-names"' in html and '<datalist id="speaker-names">' in html
    assert f'data-autocomplete="{reverse("quotes:speaker_search")}"' in html
    assert "1 claim" in html

"""Checked claims recognised on arrival: matches stored, shown, counted and filtered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quotes import matching, services
from quotes.models import Article, Claim, ClaimMatch, ExternalReview, Verdict
from tests import factories

pytestmark = pytest.mark.django_db

CHECKED = "The unemployment rate in Ohio doubled during the last two years of the governor's term."
ARRIVING = (
    "At the rally she repeated it: the unemployment rate in Ohio doubled in the last two "
    "years of the governor's term.\n\nThe weather was fine and the crowd cheered loudly."
)


def checked_claim(text: str = CHECKED, *, method: str = "said-before", **verdict: Any) -> Claim:
    """A claim with our published verdict, or (method liar/claimreview) an imported check."""
    article = factories.ArticleFactory(
        body=text, outlet="PolitiFact", published=dt.date(2020, 3, 10)
    )
    claim = factories.ClaimFactory(
        article=article, start=0, end=len(text), exact=text, attribution_method=method
    )
    if method in ("liar", "claimreview"):
        ExternalReview.objects.create(
            claim=claim,
            origin=method,
            publisher_name="PolitiFact" if method == "liar" else "AFP Factual",
            review_url="" if method == "liar" else "https://factual.example.org/check-1",
            rating_label="False",
            published_at=None
            if method == "liar"
            else timezone.make_aware(dt.datetime(2021, 5, 4, 12)),
        )
        return claim
    verdict.setdefault("status", Verdict.Status.PUBLISHED)
    if verdict["status"] == Verdict.Status.PUBLISHED:
        verdict.setdefault("published_at", timezone.make_aware(dt.datetime(2021, 5, 4, 12)))
    factories.VerdictFactory(claim=claim, rating=factories.rating("false"), **verdict)
    return claim


def arrive(body: str = ARRIVING) -> Article:
    return services.ingest_article(body=body, title="Rally report", outlet="Example Post")


def matched_claim(article: Article) -> Claim:
    return next(c for c in article.claims.all() if "unemployment" in c.exact)


def test_a_new_claim_is_matched_to_our_published_verdict() -> None:
    checked = checked_claim()
    article = arrive()
    match = ClaimMatch.objects.get()
    assert match.claim == matched_claim(article)
    assert match.checked == checked
    assert match.score >= matching.MATCH_THRESHOLD
    # the unrelated sentence matched nothing
    assert ClaimMatch.objects.count() == 1


def test_imported_fact_checks_count_as_checked() -> None:
    checked = checked_claim(method="liar")
    arrive()
    assert ClaimMatch.objects.get().checked == checked


@pytest.mark.parametrize("status", [Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW])
def test_our_unpublished_verdicts_are_not_checks(status: str) -> None:
    checked_claim(status=status)
    arrive()
    assert ClaimMatch.objects.count() == 0


def test_nothing_matches_an_unrelated_claim() -> None:
    checked_claim()
    arrive("The harbour will reopen in spring after the storm damage is repaired.")
    assert ClaimMatch.objects.count() == 0


def test_matching_again_replaces_the_matches() -> None:
    checked_claim()
    article = arrive()
    ids = list(article.claims.values_list("pk", flat=True))
    assert matching.match_claims(ids) == 1
    assert matching.match_claims(ids) == 1
    assert ClaimMatch.objects.count() == 1


def test_the_workbench_says_already_checked_with_a_link(checker_client: Client) -> None:
    checked = checked_claim()
    article = arrive()
    claim = matched_claim(article)
    page = checker_client.get(f"/articles/{article.pk}/?claim={claim.pk}").content.decode()
    assert "Already checked:</strong> rated False by Factcheck Workbench on 2021-05-04" in page
    assert f'href="{checked.get_absolute_url()}"' in page
    assert "Already checked: False" in page  # the claim's entry in the list


def test_a_liar_check_is_credited_to_politifact(checker_client: Client) -> None:
    checked_claim(method="liar")
    article = arrive()
    claim = matched_claim(article)
    page = checker_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "rated False by PolitiFact on 2020-03-10" in page


def test_a_claimreview_check_links_to_the_review(checker_client: Client) -> None:
    checked_claim(method="claimreview")
    article = arrive()
    page = checker_client.get(f"/claims/{matched_claim(article).pk}/").content.decode()
    assert "rated False by AFP Factual on 2021-05-04" in page
    assert 'href="https://factual.example.org/check-1"' in page


def test_an_unpublished_check_is_no_longer_shown(checker_client: Client) -> None:
    checked = checked_claim()
    article = arrive()
    Verdict.objects.filter(claim=checked).update(status=Verdict.Status.IN_REVIEW)
    page = checker_client.get(f"/claims/{matched_claim(article).pk}/").content.decode()
    assert "Already checked" not in page
    assert not matching.already_checked_claims().exists()


def test_the_dashboard_counts_and_the_claims_list_filters(checker_client: Client) -> None:
    checked_claim()
    article = arrive()
    dashboard = checker_client.get("/")
    row = next(a for a in dashboard.context["articles"] if a.pk == article.pk)
    assert row.n_already_checked == 1
    assert "already_checked=true" in dashboard.content.decode()

    listed = checker_client.get("/claims/", {"already_checked": "true"})
    assert [c.pk for c in listed.context["page"].object_list] == [matched_claim(article).pk]
    others = checker_client.get("/claims/", {"already_checked": "false", "article": article.pk})
    assert matched_claim(article).pk not in [c.pk for c in others.context["page"].object_list]
    assert others.context["page"].object_list


def test_similarity_is_pg_trgm_similarity() -> None:
    a, b = "Word salad, with CAPITALS!", "word salads without capitals"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert matching.similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)
    assert matching.similarity(a, a) == 1.0
    assert matching.similarity("", a) == 0.0


def test_matching_queries_do_not_grow_with_the_checked_claims(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        checked_claim(f"Claim number {n} about the harbour tax rising by {n} percent this year.")
    article = factories.ArticleFactory(body=CHECKED + " Indeed.")
    claim = factories.ClaimFactory(article=article, start=0, end=len(CHECKED), exact=CHECKED)
    with django_assert_max_num_queries(6):
        matching.match_claims([claim.pk])

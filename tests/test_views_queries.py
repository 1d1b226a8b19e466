"""No page's query count grows with the number of claims: each is measured at two sizes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quotes.models import Article, Claim, Speaker
from tests.factories import ArticleFactory, SpeakerFactory, rating
from tests.workbench import article_with_claims

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def latest() -> tuple[Article, Claim]:
    article = Article.objects.order_by("-pk").first()
    assert article is not None
    claim = article.claims.order_by("start").first()
    assert claim is not None
    return article, claim


PAGES: dict[str, Callable[[], str]] = {
    "dashboard": lambda: reverse("quotes:dashboard"),
    "import": lambda: reverse("quotes:import"),
    "claims": lambda: reverse("quotes:claims"),
    "claims_filtered": lambda: (
        reverse("quotes:claims")
        + "?q=Word&kind=quote&has_evidence=true&stance=disputes&status=draft&rating=mostly-false"
    ),
    "claims_searched": lambda: reverse("quotes:claims") + "?q=Word",
    "article": lambda: latest()[0].get_absolute_url(),
    "article_with_panel": lambda: f"{latest()[0].get_absolute_url()}?claim={latest()[1].pk}",
    "claim": lambda: latest()[1].get_absolute_url(),
    "speaker": lambda: latest()[1].speaker.get_absolute_url(),
    "speakers": lambda: reverse("quotes:speakers"),
    "speakers_by_claims": lambda: reverse("quotes:speakers") + "?sort=claims",
    "speakers_search": lambda: reverse("quotes:speakers") + "?q=speaker",
    "autocomplete": lambda: reverse("quotes:speaker_search") + "?q=speaker",
    "ratings_css": lambda: reverse("quotes:ratings_css"),
}


def on_workbench(claim_url: str) -> str:
    """The workbench page of the claim at `claim_url`, as htmx reports its current URL."""
    claim = Claim.objects.get(pk=int(claim_url.strip("/").split("/")[1]))
    return f"http://testserver{claim.article.get_absolute_url()}?claim={claim.pk}"


def queries(client: Client, method: str, url: str, data: dict | None = None, **extra: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_claims(checker_client: Client, page: str) -> None:
    # two articles, so that the claim page finds similar claims (in the other one) both times
    article_with_claims(4)
    article_with_claims(4)
    small = queries(checker_client, "get", PAGES[page]())
    for _ in range(3):
        article_with_claims(60)
    assert queries(checker_client, "get", PAGES[page]()) == small


def test_htmx_panel_queries_do_not_grow(checker_client: Client) -> None:
    article_with_claims(4)
    url = latest()[1].get_absolute_url()
    small = queries(checker_client, "get", url, HTTP_HX_CURRENT_URL=on_workbench(url), **HTMX)
    article_with_claims(80)
    url = latest()[1].get_absolute_url()
    assert (
        queries(checker_client, "get", url, HTTP_HX_CURRENT_URL=on_workbench(url), **HTMX) == small
    )


ACTIONS: dict[str, Callable[[Claim], tuple[str, dict]]] = {
    "speaker": lambda c: (
        reverse("quotes:claim_speaker", args=[c.pk]),
        {"version": c.version, "speaker_name": c.speaker.name},
    ),
    "kind": lambda c: (
        reverse("quotes:claim_kind", args=[c.pk]),
        {"version": c.version, "kind": "statement"},
    ),
    "evidence": lambda c: (
        reverse("quotes:claim_evidence", args=[c.pk]),
        {"version": c.version, "url": f"https://example.org/{c.pk}", "stance": "disputes"},
    ),
    "verdict": lambda c: (
        reverse("quotes:claim_verdict", args=[c.pk]),
        {
            "version": c.verdict.version if hasattr(c, "verdict") else 0,
            "rating": rating("false").pk,
            "rationale": "Because.",
            "status": "review",
        },
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("htmx", [True, False])
def test_action_queries_do_not_grow_with_claims(
    checker_client: Client, action: str, htmx: bool
) -> None:
    def measure(n: int) -> int:
        article_with_claims(n)
        url, data = ACTIONS[action](latest()[1])
        extra = HTMX if htmx else {}
        extra.update(HTTP_HX_TARGET="claim-panel", HTTP_HX_CURRENT_URL=on_workbench(url))
        return queries(checker_client, "post", url, data, **extra)

    small = measure(4)
    assert measure(80) == small


# The editors' change lists, as benchmarks/web.py measures them: no query per row, and no
# query that only runs once there are more rows (the claim counts are a subquery per row
# shown, not a GROUP BY over every claim).
ADMIN_LISTS = ["article", "claim", "verdict", "speaker", "evidence", "source"]


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_admin_change_list_queries_do_not_grow_with_claims(
    editor_client: Client, model: str
) -> None:
    url = reverse(f"admin:quotes_{model}_changelist")
    article_with_claims(4)
    article_with_claims(4)
    small = queries(editor_client, "get", url)
    for _ in range(3):
        article_with_claims(60)
    assert queries(editor_client, "get", url) == small


def test_admin_lists_count_claims_per_row(editor_client: Client) -> None:
    """The subquery counts match what Count("claims") gave, including zero."""
    busy = article_with_claims(6)
    empty = ArticleFactory()
    page = editor_client.get(reverse("admin:quotes_article_changelist") + "?o=4")
    counts = {
        row.select_one("th a").get_text(): row.select_one("td.field-claim_count").get_text()
        for row in BeautifulSoup(page.content, "html.parser").select("#result_list tbody tr")
    }
    assert counts == {busy.title: "6", empty.title: "0"}
    speaker = busy.claims.first().speaker
    page = editor_client.get(reverse("admin:quotes_speaker_changelist"))
    html = BeautifulSoup(page.content, "html.parser")
    row = next(r for r in html.select("#result_list tbody tr") if speaker.name in r.get_text())
    assert row.select_one("td.field-claim_count").get_text() == "6"


def test_admin_speakers_sort_by_claims_and_filter_by_party(editor_client: Client) -> None:
    busy, quiet = article_with_claims(6), article_with_claims(2)
    Speaker.objects.filter(pk=busy.claims.first().speaker_id).update(party="Green")
    Speaker.objects.filter(pk=quiet.claims.first().speaker_id).update(party="Blue")
    SpeakerFactory(party="Green")
    url = reverse("admin:quotes_speaker_changelist")
    html = BeautifulSoup(editor_client.get(url + "?o=-6").content, "html.parser")
    counts = [td.get_text() for td in html.select("#result_list td.field-claim_count")]
    assert counts == ["6", "2", "0"]
    # each party once, in order, as the filter's choices
    choices = [a.get_text() for a in html.select("#changelist-filter a") if "party=" in a["href"]]
    assert choices == ["Blue", "Green"]
    html = BeautifulSoup(editor_client.get(url + "?party=Green").content, "html.parser")
    assert len(html.select("#result_list tbody tr")) == 2

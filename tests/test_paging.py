"""Long lists at the same cost at any size (quotes.paging, quotes.admin_lists): keyset pages
that skip and repeat nothing, counts that say when they are estimates, the claims' copy of
their article's date, the admin's search and filters; query counts at two sizes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quotes import paging, views
from quotes.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, SpeakerFactory, VerdictFactory
from tests.workbench import article_with_claims

pytestmark = pytest.mark.django_db

CLAIMS = reverse("quotes:claims")


def shown(response: object) -> list[int]:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    return [int(a["href"].strip("/").split("/")[-1]) for a in html.select(".claim-rows li > a")]


def link(response: object, rel: str) -> str | None:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    found = html.select_one(f'nav.pagination a[rel="{rel}"]')
    return str(found["href"]) if found else None


def archive(articles: int = 5, per_article: int = 3) -> list[int]:
    """Claims in several articles, two articles sharing a timestamp (ties on the key's first
    field), created out of reading order; their ids in the list's order."""
    moment = timezone.now() - dt.timedelta(days=30)
    made: list[Claim] = []
    for i in range(articles):
        # articles 1 and 2 share their timestamp: the later id comes first
        created = moment + dt.timedelta(hours=min(i, 1) if i < 3 else i)
        article = ArticleFactory(body="Word " * 40, created=created)
        for start in reversed(range(per_article)):
            made.append(ClaimFactory(article=article, start=start * 5, end=start * 5 + 4))
    return list(
        Claim.objects.order_by("-article__created", "-article_id", "start", "pk").values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "CLAIMS_PER_PAGE", 4)


def walk(client: Client, url: str, rel: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(shown(response))
        url = link(response, rel)  # type: ignore[assignment]
        if url:
            url = CLAIMS + url
    return pages


def test_next_links_list_every_claim_once_in_order(
    checker_client: Client, small_pages: None
) -> None:
    expected = archive()
    pages = walk(checker_client, CLAIMS, "next")
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == 4 for page in pages[:-1])


def test_previous_links_from_the_last_page_list_every_claim_once(
    checker_client: Client, small_pages: None
) -> None:
    expected = archive()
    pages = walk(checker_client, f"{CLAIMS}?page=last", "prev")
    assert [pk for page in reversed(pages) for pk in page] == expected
    # the last page holds the oldest claims, a whole page of them; walking back ends on
    # the three claims before the pages of four, with no link further back
    assert pages[0] == expected[-4:]
    assert pages[-1] == expected[:3]


def test_pages_keep_the_filter(checker_client: Client, small_pages: None) -> None:
    ids = archive()
    expected = ids[::2]
    Claim.objects.update(kind="statement")
    Claim.objects.filter(pk__in=expected).update(kind="quote")
    pages = walk(checker_client, f"{CLAIMS}?kind=quote", "next")
    assert [pk for page in pages for pk in page] == expected
    response = checker_client.get(f"{CLAIMS}?kind=quote")
    nxt = link(response, "next")
    assert nxt is not None and parse_qs(urlsplit(nxt).query)["kind"] == ["quote"]
    last = BeautifulSoup(response.content, "html.parser").find("a", string="Last »")
    assert last is not None and "kind=quote" in last["href"] and "page=last" in last["href"]


def test_a_search_lists_newest_first_and_pages_keep_it(
    checker_client: Client, small_pages: None
) -> None:
    archive(articles=4, per_article=3)
    ids = list(
        Claim.objects.order_by("-article__created", "-article_id", "start", "pk").values_list(
            "pk", flat=True
        )
    )
    Claim.objects.filter(pk__in=ids[::2]).update(exact="taxes were raised")
    pages = walk(checker_client, f"{CLAIMS}?q=taxes", "next")
    assert [pk for page in pages for pk in page] == ids[::2]


@pytest.mark.parametrize(
    "query",
    [
        "after=garbage",
        "before=1.2",
        "after=1.2.3.4.5",
        "after=99999999999999999999999.1.1.1",
        "before=-99999999999999999.1.1.1",
        "after=%C2%B2.1.1.1",
        "page=abc",
        "page=0",
        "page=-3",
        "page=%C2%B2",
    ],
)
def test_a_damaged_link_gives_the_first_page_and_says_so(
    checker_client: Client, small_pages: None, query: str
) -> None:
    expected = archive()
    response = checker_client.get(f"{CLAIMS}?{query}")
    assert response.status_code == 200
    assert shown(response) == expected[:4]
    status = BeautifulSoup(response.content, "html.parser").select_one('[role="status"]')
    assert status is not None and "first page" in status.get_text()


def test_old_numbered_links_still_answer_within_a_bound(
    checker_client: Client, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_NUMBERED_PAGE", 2)
    expected = archive()
    assert shown(checker_client.get(f"{CLAIMS}?page=1")) == expected[:4]
    assert shown(checker_client.get(f"{CLAIMS}?page=2")) == expected[4:8]
    # past the bound: that page, and why
    response = checker_client.get(f"{CLAIMS}?page=3")
    assert shown(response) == expected[4:8]
    assert "no longer numbered past 2" in response.content.decode()
    # a numbered page links on by cursor
    nxt = link(response, "next")
    assert nxt is not None
    assert shown(checker_client.get(CLAIMS + nxt)) == expected[8:12]


def test_a_numbered_link_past_the_end_gives_the_last_page(
    checker_client: Client, small_pages: None
) -> None:
    expected = archive(articles=2, per_article=3)
    response = checker_client.get(f"{CLAIMS}?page=5")
    assert response.status_code == 200
    assert shown(response) == expected[-4:]


# An estimate of -1: "never analysed", so the rows are counted (PostgreSQL; SQLite counts)
NO_ESTIMATE = "SELECT -1::bigint WHERE %s IS NOT NULL"


def test_counts_say_when_they_stop(checker_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    archive(articles=2, per_article=3)
    # as in test_admin_claims_count_says_it_is_capped: no estimate left by another test
    monkeypatch.setattr(paging, "ESTIMATE", NO_ESTIMATE)
    text = BeautifulSoup(checker_client.get(CLAIMS).content, "html.parser").get_text(" ")
    assert "6 claims" in text and "estimate" not in text
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    monkeypatch.setattr(paging.list_count, "__defaults__", (4,))
    text = BeautifulSoup(
        checker_client.get(f"{CLAIMS}?kind=statement").content, "html.parser"
    ).get_text(" ")
    assert "4+ claims" in text and "counting stops at 4" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimates")
def test_a_large_table_is_counted_by_the_databases_estimate_and_says_so(
    checker_client: Client, editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive(articles=2, per_article=3)
    monkeypatch.setattr(paging, "ESTIMATE", "SELECT 1000000::bigint WHERE %s IS NOT NULL")
    text = BeautifulSoup(checker_client.get(CLAIMS).content, "html.parser").get_text(" ")
    assert "1,000,000 claims" in text and "(an estimate)" in text
    html = BeautifulSoup(
        editor_client.get(reverse("admin:quotes_claim_changelist")).content, "html.parser"
    )
    assert "an estimate" in html.select_one(".paginator").get_text(" ")
    # a filter is counted, not estimated
    text = BeautifulSoup(
        checker_client.get(f"{CLAIMS}?kind=statement").content, "html.parser"
    ).get_text(" ")
    assert "6 claims" in text and "estimate" not in text


# --- the claims' copy of their article's date (migration 0017's triggers) -----------------


def key_of(claim: Claim) -> dt.datetime | None:
    return Claim.objects.values_list("article_created", flat=True).get(pk=claim.pk)


def test_a_new_claim_gets_its_articles_date_by_every_path() -> None:
    article = ArticleFactory(created=timezone.now() - dt.timedelta(days=3))
    saved = ClaimFactory(article=article)
    [bulk] = Claim.objects.bulk_create([Claim(article=article, start=5, end=9, exact="five")])
    assert key_of(saved) == article.created
    assert key_of(bulk) == article.created


def test_the_key_follows_a_change_of_the_articles_date() -> None:
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    later = article.created + dt.timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(created=later)
    assert key_of(claim) == later
    article.refresh_from_db()
    article.created = later + dt.timedelta(days=1)
    article.save()
    assert key_of(claim) == article.created


def test_saving_a_claim_from_memory_keeps_the_key() -> None:
    # the copy in memory is never fresher than the database's: a save must not clear it
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    claim.article_created = None
    claim.kind = "statement"
    claim.save()
    assert key_of(claim) == article.created


def test_a_claim_moved_to_another_article_takes_its_date() -> None:
    first = ArticleFactory(created=timezone.now() - dt.timedelta(days=2))
    second = ArticleFactory()
    claim = ClaimFactory(article=first)
    Claim.objects.filter(pk=claim.pk).update(article=second)
    assert key_of(claim) == second.created


# --- query counts at two sizes ------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grow(n: int) -> None:
    for _ in range(n):
        article_with_claims(30)


LIST_URLS = {
    "first": CLAIMS,
    "last": f"{CLAIMS}?page=last",
    "numbered": f"{CLAIMS}?page=2",
    "filtered": f"{CLAIMS}?kind=quote&rating=false",
    "searched": f"{CLAIMS}?q=Word",
    "searched_last": f"{CLAIMS}?q=Word&page=last",
    "dashboard": reverse("quotes:dashboard"),
}


@pytest.mark.parametrize("name", LIST_URLS)
def test_list_queries_do_not_grow(checker_client: Client, name: str) -> None:
    grow(2)
    small = count_queries(checker_client, LIST_URLS[name])
    grow(4)
    assert count_queries(checker_client, LIST_URLS[name]) == small


@pytest.mark.parametrize("rel", ["next", "prev"])
def test_cursor_page_queries_do_not_grow(checker_client: Client, rel: str) -> None:
    def cursor_page() -> int:
        start = CLAIMS if rel == "next" else f"{CLAIMS}?page=last"
        href = link(checker_client.get(start), rel)
        assert href is not None
        return count_queries(checker_client, CLAIMS + href)

    grow(3)
    small = cursor_page()
    grow(4)
    assert cursor_page() == small


ADMIN_URLS = {
    "claims": reverse("admin:quotes_claim_changelist"),
    "claims_searched": reverse("admin:quotes_claim_changelist") + "?q=Word",
    "claims_by_method": reverse("admin:quotes_claim_changelist") + "?attribution_method=manual",
    "verdicts": reverse("admin:quotes_verdict_changelist"),
    "articles": reverse("admin:quotes_article_changelist"),
}


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_list_queries_do_not_grow(editor_client: Client, name: str) -> None:
    grow(2)
    small = count_queries(editor_client, ADMIN_URLS[name])
    grow(4)
    assert count_queries(editor_client, ADMIN_URLS[name]) == small


# --- the admin ----------------------------------------------------------------------------


def admin_rows(response: object) -> set[str]:
    html = BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]
    return {a.get_text() for a in html.select("#result_list tbody th a")}


def test_admin_search_finds_claims_by_words_and_by_speaker(editor_client: Client) -> None:
    speaker = SpeakerFactory(name="Ngozi Okafor")
    article = ArticleFactory(body="x" * 200)
    taxes = ClaimFactory(article=article, exact="Taxes went up last year.", start=0, end=20)
    said = ClaimFactory(article=article, exact="Roads are fine.", start=30, end=40, speaker=speaker)
    other = ClaimFactory(article=article, exact="Nothing else here.", start=50, end=60)
    url = reverse("admin:quotes_claim_changelist")
    found = admin_rows(editor_client.get(url, {"q": "taxes"}))
    assert str(taxes) in found and str(other) not in found
    found = admin_rows(editor_client.get(url, {"q": "okafor"}))
    assert found == {str(said)}
    # nothing a user types breaks it
    for q in ['"unclosed', "----", "a & b | !c", "\x00tax", "or", "x" * 2000]:
        assert editor_client.get(url, {"q": q}).status_code == 200


def test_admin_claims_count_says_it_is_capped(
    editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_with_claims(6)
    monkeypatch.setattr(paging.list_count, "__defaults__", (3,))
    # PostgreSQL's estimate outlives rolled-back tests (ANALYZE writes pg_class in place):
    # an earlier test's import can leave one above the cap, and the page would say "about N".
    monkeypatch.setattr(paging, "ESTIMATE", NO_ESTIMATE)
    html = BeautifulSoup(
        editor_client.get(reverse("admin:quotes_claim_changelist")).content, "html.parser"
    )
    text = html.select_one(".paginator").get_text(" ")
    assert "3+ claims" in text and "counting stops at 3" in text


def test_admin_filters_offer_the_values_present(editor_client: Client) -> None:
    ArticleFactory(outlet="Daily Planet")
    ArticleFactory(outlet="Daily Bugle")
    ArticleFactory(outlet="")
    article = ArticleFactory(body="x" * 100)
    ClaimFactory(article=article, attribution_method="manual", start=0, end=5)
    ClaimFactory(article=article, attribution_method="after-quote", start=6, end=9)
    html = BeautifulSoup(
        editor_client.get(reverse("admin:quotes_article_changelist")).content, "html.parser"
    )
    choices = [a.get_text() for a in html.select("#changelist-filter a")]
    assert "Daily Bugle" in choices and "Daily Planet" in choices
    url = reverse("admin:quotes_claim_changelist")
    html = BeautifulSoup(editor_client.get(url).content, "html.parser")
    choices = [a.get_text() for a in html.select("#changelist-filter a")]
    assert "manual" in choices and "after-quote" in choices
    assert len(admin_rows(editor_client.get(url, {"attribution_method": "manual"}))) == 1


def test_the_dashboard_pages_by_cursor(checker_client: Client) -> None:
    for i in range(27):
        ArticleFactory(title=f"Article {i:02}", created=timezone.now() - dt.timedelta(hours=i))
    first = checker_client.get(reverse("quotes:dashboard"))
    titles = [a.get_text() for a in BeautifulSoup(first.content, "html.parser").select("td > a")]
    assert titles[:2] == ["Article 00", "Article 01"] and len(titles) == 25
    nxt = link(first, "next")
    assert nxt is not None
    second = checker_client.get(reverse("quotes:dashboard") + nxt)
    html = BeautifulSoup(second.content, "html.parser")
    assert [a.get_text() for a in html.select("td > a")] == ["Article 25", "Article 26"]


def test_verdict_filter_pages(checker_client: Client, small_pages: None) -> None:
    expected = archive()
    for pk in expected[::3]:
        VerdictFactory(claim=Claim.objects.get(pk=pk), false=True)
    pages = walk(checker_client, f"{CLAIMS}?rating=false", "next")
    assert [pk for page in pages for pk in page] == expected[::3]


def test_admin_lists_offer_a_bounded_number_of_pages(
    editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quotes import admin_lists

    monkeypatch.setattr(admin_lists, "MAX_NUMBERED_PAGE", 1)
    article_with_claims(60)
    url = reverse("admin:quotes_claim_changelist")
    first = editor_client.get(url)
    rows = BeautifulSoup(first.content, "html.parser").select("#result_list tbody tr")
    assert first.status_code == 200 and len(rows) == 50
    # a page past the bound is refused the admin's way (back to the list), never a 500
    past = editor_client.get(url, {"p": "2"})
    assert past.status_code == 302 and past["Location"].endswith("?e=1")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimates")
def test_a_count_is_one_query_whether_estimated_or_counted() -> None:
    archive(articles=2, per_article=3)
    with CaptureQueriesContext(connection) as counting:
        counted = paging.list_count(Claim.objects.all(), cap=10**9)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE quotes_claim")
    with CaptureQueriesContext(connection) as estimating:
        estimated = paging.list_count(Claim.objects.all(), cap=3)
    assert counted == paging.Count(6)
    assert estimated == paging.Count(6, exact=False)
    assert len(counting) == len(estimating) == 1

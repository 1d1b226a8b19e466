"""Feeds: polled with feedparser, each new entry imported once, failures kept with back-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_httpserver import HTTPServer

from quotes import feeds, tasks
from quotes.models import Article, Feed, FeedEntry

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>The transport secretary said on Monday that the new line would carry forty thousand "
    "passengers a day by the end of next year, double the current figure.</p>"
    "<p>“This is the biggest investment in a generation,” she told the council.</p>"
    "</article></body></html>"
)


def rss(*items: tuple[str, str]) -> str:
    """An RSS 2.0 feed with (guid, path) items."""
    body = "".join(
        f"<item><title>Story {guid}</title><link>{link}</link><guid>{guid}</guid>"
        "<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate></item>"
        for guid, link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'
    )


@pytest.fixture
def server(httpserver: HTTPServer, settings: Any) -> HTTPServer:
    settings.FETCH_ALLOWED_HOSTS = [f"localhost:{httpserver.port}"]
    for n in range(1, 5):
        httpserver.expect_request(f"/story/{n}").respond_with_data(
            PAGE.format(title=f"Story number {n}"), content_type="text/html"
        )
    return httpserver


def serve_feed(server: HTTPServer, path: str, *items: tuple[str, str]) -> Feed:
    server.expect_request(path).respond_with_data(rss(*items), content_type="application/rss+xml")
    return Feed.objects.create(url=server.url_for(path), outlet=f"Outlet {path}")


def test_polling_imports_each_new_entry_once(server: HTTPServer) -> None:
    feed = serve_feed(
        server,
        "/a.xml",
        ("a-1", server.url_for("/story/1")),
        ("a-2", server.url_for("/story/2") + "#comments"),
    )
    assert tasks.poll_feeds.delay().get() == 1
    articles = list(Article.objects.order_by("title"))
    assert [a.title for a in articles] == ["Story number 1", "Story number 2"]
    assert {a.outlet for a in articles} == {"Outlet /a.xml"}
    assert all(a.claims.exists() and not a.awaiting_analysis for a in articles)
    assert articles[0].url == server.url_for("/story/1")
    feed.refresh_from_db()
    assert feed.last_polled is not None and feed.last_error == "" and feed.failures == 0
    assert feed.next_poll is not None

    # again, once due: nothing new
    Feed.objects.update(next_poll=None)
    tasks.poll_feeds.delay()
    assert Article.objects.count() == 2
    assert set(FeedEntry.objects.values_list("status", flat=True)) == {"imported"}


def test_the_same_story_in_another_feed_is_not_imported_again(server: HTTPServer) -> None:
    serve_feed(server, "/a.xml", ("a-1", server.url_for("/story/1")))
    serve_feed(
        server,
        "/b.xml",
        ("b-1", server.url_for("/story/1")),  # same link, other id
        ("a-1", server.url_for("/story/3")),  # same id, other link
        ("b-4", server.url_for("/story/4")),
    )
    tasks.poll_feeds.delay()
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Story number 1",
        "Story number 4",
    ]


def test_a_story_imported_by_url_is_not_imported_from_a_feed(server: HTTPServer) -> None:
    tasks.import_url.delay(server.url_for("/story/1"))
    serve_feed(server, "/a.xml", ("a-1", server.url_for("/story/1")))
    tasks.poll_feeds.delay()
    assert Article.objects.count() == 1
    assert FeedEntry.objects.count() == 0


def test_one_bad_feed_never_stops_the_others(server: HTTPServer) -> None:
    first = serve_feed(server, "/a.xml", ("a-1", server.url_for("/story/1")))
    missing = Feed.objects.create(url=server.url_for("/missing.xml"))
    server.expect_request("/missing.xml").respond_with_data("gone", status=404)
    not_a_feed = Feed.objects.create(url=server.url_for("/story/4"))
    local = Feed.objects.create(url="http://127.0.0.1:6379/feed")
    last = serve_feed(server, "/z.xml", ("z-1", server.url_for("/story/2")))

    assert tasks.poll_feeds.delay().get() == 5
    assert Article.objects.count() == 2
    for feed in (first, last):
        feed.refresh_from_db()
        assert feed.failures == 0 and feed.last_error == ""
    missing.refresh_from_db()
    not_a_feed.refresh_from_db()
    local.refresh_from_db()
    assert "answered 404" in missing.last_error
    assert "not a readable RSS or Atom feed" in not_a_feed.last_error
    assert "loopback" in local.last_error
    assert missing.failures == 1


def test_a_failing_feed_backs_off_and_recovers(server: HTTPServer, settings: Any) -> None:
    settings.FEED_POLL_MINUTES = 10
    feed = Feed.objects.create(url=server.url_for("/flaky.xml"))
    server.expect_ordered_request("/flaky.xml").respond_with_data("down", status=503)
    server.expect_ordered_request("/flaky.xml").respond_with_data("down", status=503)
    server.expect_ordered_request("/flaky.xml").respond_with_data(
        rss(("f-1", server.url_for("/story/1"))), content_type="application/rss+xml"
    )
    before = timezone.now()
    tasks.poll_feeds.delay()
    feed.refresh_from_db()
    assert feed.failures == 1 and "503" in feed.last_error
    assert feed.next_poll >= before + dt.timedelta(minutes=20)
    assert list(feeds.due_feeds()) == []  # waits out its back-off

    Feed.objects.update(next_poll=None)
    tasks.poll_feeds.delay()
    feed.refresh_from_db()
    assert feed.failures == 2
    assert feed.next_poll >= before + dt.timedelta(minutes=40)

    Feed.objects.update(next_poll=None)
    tasks.poll_feeds.delay()
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == ""
    assert Article.objects.count() == 1


def test_the_back_off_is_capped(settings: Any) -> None:
    settings.FEED_POLL_MINUTES = 15
    settings.FEED_MAX_BACKOFF_MINUTES = 120
    assert feeds.backoff(0) == dt.timedelta(minutes=15)
    assert feeds.backoff(2) == dt.timedelta(minutes=60)
    assert feeds.backoff(50) == dt.timedelta(minutes=120)


def test_an_entry_whose_page_fails_is_marked_and_the_others_imported(
    server: HTTPServer,
) -> None:
    server.expect_request("/story/404").respond_with_data("no", status=404)
    serve_feed(
        server,
        "/a.xml",
        ("a-1", server.url_for("/story/404")),
        ("a-2", server.url_for("/story/2")),
        ("a-3", "javascript:alert(1)"),
    )
    tasks.poll_feeds.delay()
    assert Article.objects.count() == 1
    failed = FeedEntry.objects.get(status="failed")
    assert "answered 404" in failed.error
    assert FeedEntry.objects.count() == 2  # the javascript: link is never recorded


def test_inactive_feeds_are_not_polled(server: HTTPServer) -> None:
    feed = serve_feed(server, "/a.xml", ("a-1", server.url_for("/story/1")))
    Feed.objects.update(active=False)
    assert tasks.poll_feeds.delay().get() == 0
    feed.refresh_from_db()
    assert feed.last_polled is None


def test_the_admin_shows_feed_errors_and_polls_on_demand(
    editor_client: Client, server: HTTPServer
) -> None:
    feed = Feed.objects.create(url=server.url_for("/missing.xml"), outlet="Broken Times")
    server.expect_request("/missing.xml").respond_with_data("gone", status=404)
    response = editor_client.post(
        "/admin/quotes/feed/", {"action": "poll_now", "_selected_action": [feed.pk]}
    )
    assert response.status_code == 302
    page = editor_client.get("/admin/quotes/feed/").content.decode()
    assert "Broken Times" in page
    assert "The site answered 404" in page
    assert editor_client.get(f"/admin/quotes/feed/{feed.pk}/change/").status_code == 200
    assert editor_client.get("/admin/quotes/feedentry/").status_code == 200


def test_fact_checkers_see_feeds_but_cannot_change_them(checker_client: Client) -> None:
    assert checker_client.get("/admin/quotes/feed/").status_code == 200
    assert checker_client.get("/admin/quotes/feed/add/").status_code == 403


def test_the_command_polls_due_feeds_and_reports(server: HTTPServer) -> None:
    from io import StringIO

    from django.core.management import call_command

    serve_feed(server, "/a.xml", ("a-1", server.url_for("/story/1")))
    broken = Feed.objects.create(url=server.url_for("/missing.xml"), outlet="Broken")
    server.expect_request("/missing.xml").respond_with_data("gone", status=404)
    out = StringIO()
    call_command("poll_feeds", stdout=out)
    assert "Outlet /a.xml: 1 entries seen, ok" in out.getvalue()
    assert "Broken: 0 entries seen, error: The site answered 404" in out.getvalue()
    Feed.objects.filter(pk=broken.pk).update(next_poll=timezone.now() + dt.timedelta(days=1))
    call_command("poll_feeds", "--all", stdout=StringIO())
    broken.refresh_from_db()
    assert broken.failures == 2

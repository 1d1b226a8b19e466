"""RSS and Atom feeds: poll them, and import each new entry's page once.

An entry is known by its id (guid), or its link when it has none, and by its link: the
same story listed by two feeds, or already imported by URL, is imported once. A feed
that fails keeps its error and waits twice as long after each failure in a row; every
feed is polled on its own, so one bad feed never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import feedparser
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from quotes import intake, services
from quotes.fetch import FEED_TYPES, FetchFailed, FetchRefused, fetch
from quotes.models import Article, Feed, FeedEntry

logger = logging.getLogger(__name__)


def due_feeds() -> QuerySet[Feed]:
    """Active feeds whose back-off (if any) is over."""
    return Feed.objects.filter(active=True).filter(
        Q(next_poll__isnull=True) | Q(next_poll__lte=timezone.now())
    )


def backoff(failures: int) -> dt.timedelta:
    """The wait after `failures` failures in a row: the poll interval, doubled each time."""
    minutes = settings.FEED_POLL_MINUTES * 2 ** min(failures, 16)
    return dt.timedelta(minutes=min(minutes, settings.FEED_MAX_BACKOFF_MINUTES))


def clean_url(url: str) -> str:
    """The link as we compare it: no fragment, lower-case scheme and host."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def poll(feed_id: int) -> list[int]:
    """Read a feed, record its new entries, and return their ids (to import).

    Never raises for a bad feed: the error is stored on the feed, with its back-off.
    """
    feed = Feed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return []
    now = timezone.now()
    try:
        page = fetch(feed.url, accept=FEED_TYPES)
        parsed = feedparser.parse(
            page.content,
            response_headers={"content-location": page.url, "content-type": page.content_type},
        )
        if not parsed.entries and (parsed.bozo or not parsed.version):
            reason = getattr(parsed, "bozo_exception", None) or "no entries"
            raise FetchRefused(f"This is not a readable RSS or Atom feed ({reason}).")
        new = record_entries(feed, parsed.entries)
    except FetchRefused as exc:
        _failed(feed, str(exc), now)
        return []
    # A feed is third-party data: whatever goes wrong while reading it is that feed's
    # error, kept for the admin, and the other feeds go on.
    except Exception as exc:
        logger.exception("Polling feed %s failed", feed.url)
        _failed(feed, f"Unexpected error while reading the feed: {exc!r}", now)
        return []
    Feed.objects.filter(pk=feed.pk).update(
        last_polled=now, last_error="", failures=0, next_poll=now + backoff(0)
    )
    return new


def _failed(feed: Feed, error: str, now: dt.datetime) -> None:
    failures = feed.failures + 1
    Feed.objects.filter(pk=feed.pk).update(
        last_polled=now,
        last_error=error[:2000],
        failures=failures,
        next_poll=now + backoff(failures),
    )


def _entry_date(entry: Any) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None
    except (AttributeError, ValueError):
        return None


def record_entries(feed: Feed, entries: list[Any]) -> list[int]:
    """FeedEntry rows for the entries never seen before (in any feed, or imported by URL)."""
    candidates: dict[str, tuple[str, Any]] = {}
    for entry in entries:
        link = entry.get("link") or ""
        if urlsplit(link).scheme.lower() not in ("http", "https") or len(link) > 2000:
            continue
        url = clean_url(link)
        key = (entry.get("id") or url)[:2000]
        candidates.setdefault(url, (key, entry))
    urls = list(candidates)
    keys = [key for key, _ in candidates.values()]
    seen = set(
        FeedEntry.objects.filter(Q(url__in=urls) | Q(key__in=keys)).values_list("url", "key")
    )
    seen_urls = {url for url, _ in seen} | set(
        Article.objects.filter(url__in=urls).values_list("url", flat=True)
    )
    seen_keys = {key for _, key in seen}
    new = []
    for url, (key, entry) in candidates.items():
        if url in seen_urls or key in seen_keys:
            continue
        try:
            # one savepoint per entry: a concurrent poll of another feed listing the same
            # story makes this one a duplicate, not a failure of the whole feed
            with transaction.atomic():
                created = FeedEntry.objects.create(
                    feed=feed,
                    key=key,
                    url=url,
                    title=" ".join((entry.get("title") or "").split())[:300],
                    published=_entry_date(entry),
                )
        except IntegrityError:
            continue
        new.append(created.pk)
    return new


def import_entry(entry_id: int, *, final: bool = False) -> int | None:
    """Fetch an entry's page and import it as an article of the feed's outlet.

    Idempotent: an entry already imported returns its article. FetchFailed (worth a
    retry) is raised unless `final`, when the entry is marked failed instead.
    """
    entry = FeedEntry.objects.select_related("feed").filter(pk=entry_id).first()
    if entry is None or entry.status == FeedEntry.Status.IMPORTED:
        return entry.article_id if entry else None
    try:
        page = intake.fetch_article(entry.url)
    except FetchFailed as exc:
        if not final:
            raise
        entry_failed(entry_id, str(exc))
        return None
    except FetchRefused as exc:
        entry_failed(entry_id, str(exc))
        return None
    with transaction.atomic():
        # lock the entry alone: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # outer join that select_related("feed") makes
        entry = (
            FeedEntry.objects.select_for_update(of=("self",))
            .select_related("feed")
            .get(pk=entry_id)
        )
        if entry.status == FeedEntry.Status.IMPORTED:
            return entry.article_id
        try:
            article = intake.import_page(
                page,
                outlet=entry.feed.outlet if entry.feed else "",
                title=entry.title,
                published=entry.published,
            )
        except services.ArticleRejected as exc:
            entry.status, entry.error = FeedEntry.Status.FAILED, str(exc)[:2000]
            entry.save(update_fields=["status", "error"])
            return None
        entry.status, entry.error, entry.article = FeedEntry.Status.IMPORTED, "", article
        entry.save(update_fields=["status", "error", "article"])
    return article.pk


def entry_failed(entry_id: int, error: str) -> None:
    FeedEntry.objects.filter(pk=entry_id).exclude(status=FeedEntry.Status.IMPORTED).update(
        status=FeedEntry.Status.FAILED, error=error[:2000]
    )

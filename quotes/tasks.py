"""Background work on Celery: fetching, feed polling, analysis, matching, reports.

Every task is idempotent (it checks, under a row lock, whether its work is already
done), so a message delivered twice or re-run after a worker died does no harm; network
failures that may pass are retried with exponential back-off; every task has the time
limits of the settings (CELERY_TASK_TIME_LIMIT) unless it sets its own.

Without CELERY_BROKER_URL the tasks run inline, where they are sent (see send()).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from quotes import feeds, intake, matching, services
from quotes.fetch import FetchFailed, FetchRefused
from quotes.models import Article

logger = logging.getLogger(__name__)
MAX_RETRIES = 5


def runs_inline() -> bool:
    """True when no broker is configured: tasks run where they are sent."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def send(task: Task, *args: Any) -> None:
    """Run `task` in the background once the current transaction commits.

    A worker must not look for rows that are not committed yet. Without a broker the
    task runs right here, inside the transaction, as the whole import did before.
    """
    if runs_inline():
        task.apply(args=args, throw=True)
    else:
        transaction.on_commit(lambda: task.delay(*args))


def send_report(report_id: int) -> None:
    """Render a ReportFile in the background once the current transaction commits: on a
    worker through the broker; without one, in a thread of this process, so that the
    request that asked answers at once either way. (Inline, an export too large for one
    request ran inside it, and gunicorn's timeout cut it off: no file, a 502.)"""
    if runs_inline() and settings.REPORTS_IN_THREAD:
        transaction.on_commit(lambda: _render_in_thread(report_id))
    else:
        send(render_report, report_id)


# The threads started without a broker, by report id: the tests wait for them.
report_threads: dict[int, threading.Thread] = {}


def _render_in_thread(report_id: int) -> None:
    def run() -> None:
        try:
            result = render_report.apply(args=(report_id,))
            if result.failed():  # an export error marks the report failed; anything else
                logger.error("Report %s failed: %r", report_id, result.result)
        finally:
            connection.close()  # the thread's own connection
            report_threads.pop(report_id, None)

    thread = threading.Thread(target=run, name=f"report-{report_id}", daemon=True)
    report_threads[report_id] = thread
    thread.start()


def _backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 30 s, 1 min, 2 min, ... up to 30 min."""
    return int(min(30 * 2**retries, 1800))


@shared_task(bind=True, max_retries=MAX_RETRIES, time_limit=120, soft_time_limit=100)
def import_url(self: Task, url: str, user_id: int | None = None) -> int | None:
    """Fetch a page and import its article; the article's id, or None if refused.

    A URL imported before (as given or after redirects) is not imported again.
    """
    existing = Article.objects.filter(url=url.strip()).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    try:
        page = intake.fetch_article(url)
    except FetchFailed as exc:
        if self.request.is_eager or self.request.retries >= MAX_RETRIES:
            logger.warning("Gave up importing %s: %s", url, exc)
            return None
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    except FetchRefused as exc:
        logger.warning("Not importing %s: %s", url, exc)
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with transaction.atomic():
        existing = Article.objects.filter(url=page.url).values_list("pk", flat=True).first()
        if existing is not None:
            return existing
        try:
            article = intake.import_page(page, imported_by=user)
        except services.ArticleRejected as exc:
            logger.warning("Not importing %s: %s", url, exc)
            return None
    return article.pk


@shared_task(time_limit=900, soft_time_limit=840)
def analyse_article(article_id: int) -> bool:
    """Split a stored article into claims and attribute its quotes (idempotent)."""
    return services.analyse_article(article_id)


@shared_task(time_limit=600, soft_time_limit=540)
def match_claims(claim_ids: list[int]) -> int:
    """Look for already checked claims like each of these; the number of matches stored."""
    return matching.match_claims(claim_ids)


@shared_task(time_limit=600, soft_time_limit=540)
def compute_similar_claims(claim_ids: list[int]) -> int:
    """Store the similar claims of these new or changed claims; the number of pairs found."""
    from quotes import similar

    return similar.compute(claim_ids)


@shared_task(time_limit=300, soft_time_limit=270)
def poll_feeds() -> int:
    """Celery beat, every FEED_POLL_MINUTES: poll each active feed that is due, each in a
    task of its own, so that one bad feed never holds up the others."""
    due = list(feeds.due_feeds().values_list("pk", flat=True))
    for feed_id in due:
        poll_feed.delay(feed_id)
    return len(due)


@shared_task(time_limit=120, soft_time_limit=100)
def poll_feed(feed_id: int) -> int:
    """Read one feed and import its new entries; failures are recorded on the feed."""
    new = feeds.poll(feed_id)
    for entry_id in new:
        send(import_feed_entry, entry_id)
    return len(new)


@shared_task(bind=True, max_retries=MAX_RETRIES, time_limit=120, soft_time_limit=100)
def import_feed_entry(self: Task, entry_id: int) -> int | None:
    """Fetch a feed entry's page and import it, once (idempotent)."""
    try:
        return feeds.import_entry(entry_id, final=self.request.is_eager)
    except FetchFailed as exc:
        if self.request.retries >= MAX_RETRIES:
            feeds.entry_failed(entry_id, str(exc))
            return None
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


REANALYSIS_BATCH = 50


@shared_task(time_limit=900, soft_time_limit=840)
def reanalyse_proposals(after: int = 0) -> int:
    """After the speaker registry changed: propose speakers again for every article's
    unconfirmed quotes, REANALYSIS_BATCH articles per task, each batch queuing the next
    (a worker is never held for the whole archive, and a restart loses one batch at most,
    which is safe to run again). Reviewers' confirmed speakers are never touched."""
    changed = 0
    while True:
        articles = services.articles_with_proposals(after, REANALYSIS_BATCH)
        changed += services.reanalyse_proposals(articles)
        if len(articles) < REANALYSIS_BATCH:
            return changed
        after = articles[-1]
        if not runs_inline():  # inline, loop here rather than nest a task per batch
            send(reanalyse_proposals, after)
            return changed


@shared_task(time_limit=1800, soft_time_limit=1740)
def render_report(report_id: int) -> bool:
    """Render a large report to a file for its requester (idempotent)."""
    from quotes import background_reports

    return background_reports.render(report_id)

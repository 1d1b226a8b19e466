"""Poll the feeds that are due once, as celery beat does every FEED_POLL_MINUTES."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from quotes import tasks
from quotes.models import Feed


class Command(BaseCommand):
    help = (
        "Poll every active feed whose back-off is over and import its new entries (inline "
        "without CELERY_BROKER_URL, else on the workers). Prints each feed's outcome."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Also the feeds still waiting out a back-off."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            Feed.objects.filter(active=True).update(next_poll=None)
        tasks.poll_feeds.delay()
        if not tasks.runs_inline():
            self.stdout.write("Queued for the workers.")
            return
        for feed in Feed.objects.filter(active=True):
            state = f"error: {feed.last_error}" if feed.last_error else "ok"
            self.stdout.write(f"{feed}: {feed.entries.count()} entries seen, {state}")

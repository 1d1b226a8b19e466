"""Import articles from the web by URL: fetch, extract with trafilatura, analyse."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes import intake, services, tasks
from quotes.fetch import FetchRefused


class Command(BaseCommand):
    help = (
        "Fetch each URL, extract its article and import it. Prints one line per URL: the new "
        "article's id, or why it was refused. Exits with status 1 if any URL was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urls", nargs="+", metavar="URL")
        parser.add_argument("--outlet", default="", help="Instead of the site name the page gives.")
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue each URL for a worker (CELERY_BROKER_URL) instead of importing here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refused = 0
        for url in options["urls"]:
            if options["background"]:
                tasks.send(tasks.import_url, url)
                self.stdout.write(f"{url}: queued")
                continue
            try:
                page = intake.fetch_article(url)
                article = intake.import_page(page, outlet=options["outlet"])
            except (FetchRefused, services.ArticleRejected) as exc:
                refused += 1
                self.stderr.write(f"{url}: not imported: {exc}")
                continue
            self.stdout.write(f"{url}: article {article.pk} “{article.title}”")
        if refused:
            raise CommandError(f"{refused} of {len(options['urls'])} URLs not imported.")

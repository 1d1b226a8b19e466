from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.dates import RANGE, in_range
from quotes.imports.text import ImportRefused, read_text
from quotes.services import ArticleRejected, ingest_article


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--published must be a date like 2022-01-03, not {value!r}.") from exc
    if not in_range(day):
        raise CommandError(f"--published must be a date {RANGE}, not {value}.")
    return day


class Command(BaseCommand):
    help = (
        "Import an article from a UTF-8 text file, split it into claims and attribute its quotes. "
        "Prints the new article's id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 text file with the article body.")
        parser.add_argument("--title", default="", help="Defaults to the file name.")
        parser.add_argument("--outlet", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--published", default=None, help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--byline", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        published = parse_date(options["published"])
        for name in ("title", "outlet", "url", "byline"):
            # the model's fields, unlike the import form's, let NUL through to the database
            if "\x00" in options[name]:
                raise CommandError(f"--{name} contains a NUL character.")
        try:
            body = read_text(path, name=str(path), max_chars=settings.MAX_ARTICLE_CHARS)
            article = ingest_article(
                body=body,
                title=options["title"] or path.stem.replace("_", " "),
                outlet=options["outlet"],
                url=options["url"],
                published=published,
                byline=options["byline"],
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        except ArticleRejected as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(str(article.pk))

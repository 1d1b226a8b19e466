from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from quotes.imports.claimreview import ImportResult, NotReadable, import_reviews, load_document
from quotes.imports.text import ImportRefused, read_text
from quotes.services import refresh_after_bulk_import


class Command(BaseCommand):
    help = (
        "Import schema.org ClaimReview JSON(-LD): one object, a list, an @graph, records "
        "wrapped as {fixture, claimreview}, or an HTML page with JSON-LD. Each review is kept "
        "as another organisation's fact check on a claim (never as our verdict); unusable "
        "reviews are listed with the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file of ClaimReview markup, or an HTML page.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = read_text(path, name=str(path))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if not text.strip():
            raise CommandError(f"{path} is empty.")
        try:
            data = load_document(text)
        except NotReadable as exc:
            raise CommandError(f"{path} is {exc}.") from exc
        except RecursionError as exc:
            raise CommandError(f"{path} nests its arrays or objects too deeply.") from exc

        try:
            result = import_reviews(data)
        except RecursionError as exc:
            raise CommandError(f"{path} nests its @graph or lists too deeply.") from exc
        except DatabaseError as exc:
            # import_reviews is atomic: nothing was written
            raise CommandError(f"Could not store the reviews of {path}: {exc}") from exc
        if result.created:
            refresh_after_bulk_import(added=result.created + result.articles)
        if result.created == 0 and result.duplicates == 0:
            # Nothing was written: say why.
            reasons = "\n  ".join(result.skipped) or "the file holds no ClaimReview"
            raise CommandError(f"No ClaimReview could be imported from {path}:\n  {reasons}")
        self._report(result)

    def _report(self, result: ImportResult) -> None:
        self.stdout.write(
            f"Imported {result.created} ClaimReview(s) as other organisations' fact checks "
            f"(not our verdicts) in {result.articles} new article(s), {result.mapped} of them "
            f"placed on our rating scale; {result.duplicates} were already imported."
        )
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if result.skipped:
            self.stdout.write(f"Skipped {len(result.skipped)}:")
            for reason in result.skipped:
                self.stdout.write(f"  {reason}")

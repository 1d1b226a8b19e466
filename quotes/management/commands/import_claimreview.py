from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from quotes.imports.claimreview import ImportResult, import_reviews
from quotes.imports.text import ImportRefused, read_text
from quotes.services import refresh_after_bulk_import


class Command(BaseCommand):
    help = (
        "Import schema.org ClaimReview JSON(-LD): one object, a list, or an @graph. Each review "
        "becomes an article with one claim and a published verdict; unusable reviews are "
        "skipped and listed with the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON file of ClaimReview markup.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = read_text(path, name=str(path))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if not text.strip():
            raise CommandError(f"{path} is empty.")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
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
            refresh_after_bulk_import()
        if result.created == 0 and result.duplicates == 0:
            # Nothing was written (rating labels are only created with a verdict): say why.
            reasons = "\n  ".join(result.skipped) or "the file holds no ClaimReview"
            raise CommandError(f"No ClaimReview could be imported from {path}:\n  {reasons}")
        self._report(result)

    def _report(self, result: ImportResult) -> None:
        self.stdout.write(
            f"Imported {result.created} ClaimReview(s) as published verdicts "
            f"in {result.articles} new article(s); {result.duplicates} were already imported."
        )
        if result.new_ratings:
            self.stdout.write(
                "New rating labels, flagged for an editor to place on the scale: "
                + ", ".join(f"“{label}”" for label in result.new_ratings)
            )
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if result.skipped:
            self.stdout.write(f"Skipped {len(result.skipped)}:")
            for reason in result.skipped:
                self.stdout.write(f"  {reason}")

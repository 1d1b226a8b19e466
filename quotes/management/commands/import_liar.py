from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.imports.liar import import_liar
from quotes.imports.text import ImportRefused, read_text
from quotes.management.report import write_skipped


class Command(BaseCommand):
    help = (
        "Import the LIAR data set (TSV, with or without a header row): one article and claim "
        "per statement, with its speaker and PolitiFact's rating kept beside it as their fact "
        "check (never as our verdict)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A LIAR .tsv file (train/valid/test or liar_all.tsv).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            result = import_liar(read_text(path, name=str(path)), str(path))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        # No refresh_after_bulk_import here: create_statement_articles ran it once the rows
        # were in, before the similar claims were looked for, and nothing was added since
        # that it covers (the PolitiFact reviews' table is not among its tables).
        self.stdout.write(
            f"Imported {result.created} LIAR statements as claims with PolitiFact's rating beside "
            "them (their fact checks, not our verdicts)."
        )
        write_skipped(self.stdout, result.skipped)

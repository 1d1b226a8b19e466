from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.imports.climate_fever import import_climate_fever
from quotes.imports.text import ImportRefused, read_text
from quotes.management.report import write_skipped
from quotes.services import refresh_after_bulk_import


class Command(BaseCommand):
    help = (
        "Import the Climate-FEVER data set (JSON Lines): one article and claim per claim, with "
        "each Wikipedia sentence as evidence (SUPPORTS → corroborates, REFUTES → disputes, "
        "NOT_ENOUGH_INFO → context). No verdicts: its labels are not fact-check ratings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="climate-fever.jsonl, one claim per line.")
        parser.add_argument(
            "--limit",
            type=int,
            metavar="N",
            help="Import only the first N claims of the file (the rest is not checked).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        limit: int | None = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            result = import_climate_fever(read_text(path, name=str(path)), str(path), limit)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        n = result.counts
        # the most rows the import added to one table: its claims, or their evidence
        refresh_after_bulk_import(added=max(n["claims"], n["evidence"], n["new_sources"]))
        self.stdout.write(
            f"Imported {n['claims']} Climate-FEVER claims with {n['evidence']} pieces of evidence "
            f"from {n['sources']} Wikipedia articles ({n['new_sources']} new sources). No "
            "verdicts: the labels say whether Wikipedia supports a claim, not whether it is true."
        )
        write_skipped(self.stdout, result.skipped)

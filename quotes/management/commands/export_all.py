from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# What a backup holds: the whole workspace with its history, and the accounts that
# history and verdicts name. Users, groups and ratings are written by natural key so a
# restore into a freshly migrated database matches the rows its migrations created.
BACKUP_MODELS = [
    "auth.group",
    "auth.user",
    "quotes.rating",
    "quotes.speaker",
    "quotes.speakeralias",
    "quotes.article",
    "quotes.source",
    "quotes.claim",
    "quotes.historicalclaim",
    "quotes.evidence",
    "quotes.verdict",
    "quotes.historicalverdict",
]


class Command(BaseCommand):
    help = "Back up every article, claim, speaker, source, verdict (with history) to a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the backup (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command(
            "dumpdata",
            *BACKUP_MODELS,
            output=options["file"],
            indent=1,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            verbosity=0,
        )
        self.stdout.write(f"Wrote the backup to {options['file']}.")

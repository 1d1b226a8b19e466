from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from quotes.models import Article, Claim, Source, Speaker
from quotes.services import refresh_after_bulk_import


class Command(BaseCommand):
    help = "Restore a backup written by export_all into an empty workspace (after migrate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A backup written by export_all.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not a backup written by export_all: {exc}") from exc
        if not isinstance(records, list):
            raise CommandError(f"{path} is not a backup written by export_all.")
        # Restoring over existing work would mix two workspaces' ids; refuse instead.
        for model in (Article, Claim, Speaker, Source):
            if model.objects.exists():
                raise CommandError(
                    "The workspace is not empty: restore into a freshly migrated database."
                )
        try:
            with transaction.atomic():
                call_command("loaddata", str(path), verbosity=0)
        except Exception as exc:
            raise CommandError(f"Could not restore {path}: {exc}") from exc
        refresh_after_bulk_import()
        self.stdout.write(f"Restored {len(records)} records from {path}.")

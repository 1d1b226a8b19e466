from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quotes.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Back up every article, claim, speaker, source, verdict (with history) to a JSON file, "
        "readable by its owner only. The file is replaced only once the new backup is complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the backup (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        if "\x00" in options["file"]:
            raise CommandError("A file name cannot contain a NUL byte.")
        path = Path(options["file"])
        if not path.parent.is_dir():
            raise CommandError(f"No such folder: {path.parent}")
        try:
            count = write_backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Could not write the backup; {path} is unchanged: {exc}") from exc
        self.stdout.write(f"Wrote {count} records to {path}.")

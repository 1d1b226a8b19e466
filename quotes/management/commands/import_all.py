from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from quotes.backup import restore_backup
from quotes.imports.text import ImportRefused, read_text
from quotes.models import (
    Article,
    Claim,
    ExternalReview,
    Source,
    Speaker,
    Verdict,
    http_url_validator,
)
from quotes.services import refresh_after_bulk_import


def unsafe_urls() -> list[str]:
    """The stored article and source URLs that are not http(s) web addresses."""
    bad = []
    checked: list[tuple[type[models.Model], str]] = [(Article, "url"), (Source, "url")]
    checked += [(Source, "archived_url")]
    checked += [(ExternalReview, f) for f in ("publisher_url", "review_url", "speaker_url")]
    for model, field in checked:
        for url in model._default_manager.exclude(**{field: ""}).values_list(field, flat=True):
            try:
                http_url_validator(url)
            except ValidationError:
                bad.append(url)
    return bad


class Command(BaseCommand):
    help = "Restore a backup written by export_all into an empty workspace (after migrate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A backup written by export_all.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            records = json.loads(read_text(path, name=str(path)))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        except (json.JSONDecodeError, RecursionError) as exc:
            # RecursionError: arrays nested thousands deep
            raise CommandError(f"{path} is not a backup written by export_all: {exc}") from exc
        if not isinstance(records, list) or not records:
            # a backup always holds the rating scale, so an empty list is not one
            raise CommandError(f"{path} is not a backup written by export_all.")
        # Restoring over existing work would mix two workspaces' ids; refuse instead.
        for model in (Article, Claim, Speaker, Source, Verdict, Verdict.history.model):
            if model._default_manager.exists():
                raise CommandError(
                    "The workspace is not empty: restore into a freshly migrated database."
                )
        try:
            with transaction.atomic():
                restore_backup(records)
                # the restore runs no validators: refuse a link a reader could not open safely
                bad = unsafe_urls()
                if bad:
                    raise CommandError(
                        f"{len(bad)} stored URL(s) are not http or https, e.g. {bad[0][:100]!r}."
                    )
        except Exception as exc:
            raise CommandError(f"Could not restore {path}: {exc}") from exc
        refresh_after_bulk_import()
        self.stdout.write(f"Restored {len(records)} records from {path}.")

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from quotes.models import Article
from quotes.services import ingest_article

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "seed_article.txt"
# The seed names its outlet ("Source » irannewsupdate") but no URL or date; the
# article itself dates to the second anniversary of 3 January 2020, so no date is invented.
DEMO_TITLE = "Second anniversary of Qassem Soleimani's elimination"


class Command(BaseCommand):
    help = "Import the demo article (the seed news piece) unless it is already there."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        existing = Article.objects.filter(title=DEMO_TITLE).first()
        if existing is not None:
            self.stdout.write(f"Demo article already loaded (id {existing.pk}).")
            return
        body = DEMO_FILE.read_text(encoding="utf-8")
        article = ingest_article(body=body, title=DEMO_TITLE)
        self.stdout.write(
            f"Loaded the demo article (id {article.pk}) with {article.claims.count()} claims."
        )

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from quotes import counters
from quotes.models import Speaker


class Command(BaseCommand):
    help = (
        "Recompute every speaker's claim count and tally of our published verdicts from the "
        "claims and verdicts (after a bulk load, or as a repair)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counters.recount()
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # Every speaker row was rewritten: until a vacuum marks the pages all-visible
            # again, the speakers lists' COUNT(*) visits each row (1M archive: 5 -> 25 ms).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE quotes_speaker, quotes_speakertally")
        self.stdout.write(
            f"Recounted {Speaker.objects.count()} speakers in {time.monotonic() - started:.1f} s."
        )
